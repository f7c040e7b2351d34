import { describe, expect, it } from 'vitest';
import { SfuError, isSfuErrorCode } from './SfuError.js';

describe('SfuError', () => {
  it('SfuError survives a JSON round trip with its code', () => {
    const original = new SfuError('room_full', 'Room r is full');
    const revived = SfuError.fromJSON(JSON.parse(JSON.stringify(original)) as ReturnType<SfuError['toJSON']>);
    expect(revived).toBeInstanceOf(SfuError);
    expect(revived).toMatchObject({ code: 'room_full', message: 'Room r is full', name: 'SfuError' });
  });

  it('SfuError wrap keeps SfuErrors and turns anything else into media_error with a cause', () => {
    const own = new SfuError('peer_not_found', 'x');
    expect(SfuError.wrap(own)).toBe(own);
    const cause = new TypeError('bad rtpParameters');
    const wrapped = SfuError.wrap(cause);
    expect(wrapped).toMatchObject({ code: 'media_error', message: 'bad rtpParameters' });
    expect(wrapped.cause).toBe(cause);
    expect(isSfuErrorCode('room_full')).toBe(true);
    expect(isSfuErrorCode('nope')).toBe(false);
  });
});
