import { ERROR_CODES } from '@lectern/server/protocol';
import { describe, expect, it } from 'vitest';
import { ROOM_ERROR_MESSAGES, roomErrorMessage, toRoomErrorCode } from './roomErrors.js';

describe('room error messages', () => {
  it('has exactly one sentence per protocol code (plus the client-side timeout)', () => {
    expect(Object.keys(ROOM_ERROR_MESSAGES).sort()).toEqual([...ERROR_CODES, 'timeout'].sort());
    for (const code of [...ERROR_CODES, 'timeout' as const]) {
      const text = roomErrorMessage(code);
      expect(text, code).toMatch(/^[A-Z].*\.$/);
      expect(text, code).not.toMatch(/_/); // a sentence, not a code
    }
  });

  it('tells removed from denied by code, not by wording', () => {
    expect(toRoomErrorCode('removed')).toBe('removed');
    expect(toRoomErrorCode('denied')).toBe('denied');
    expect(roomErrorMessage('removed')).not.toBe(roomErrorMessage('denied'));
  });

  it('turns anything unknown into internal', () => {
    expect(toRoomErrorCode('no_such_code')).toBe('internal');
    expect(toRoomErrorCode(undefined)).toBe('internal');
    expect(toRoomErrorCode(42)).toBe('internal');
    expect(toRoomErrorCode('timeout')).toBe('timeout');
  });
});
