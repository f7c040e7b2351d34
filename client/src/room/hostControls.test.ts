import { describe, expect, it, vi } from 'vitest';
import { createHostControls, type HostControlDeps } from './hostControls.js';
import { ROOM_ERROR_MESSAGES } from './roomErrors.js';
import { SignalingError } from './Signaling.js';

function setup(fail?: SignalingError | Error) {
  const request = vi.fn(() => (fail ? Promise.reject(fail) : Promise.resolve({})));
  const deps = { request: request as unknown as HostControlDeps['request'], patchSession: vi.fn(), ended: vi.fn(), notice: vi.fn() };
  return { host: createHostControls(deps), request, deps };
}

describe('host controls', () => {
  it('sends one request per action and applies what the server confirmed', async () => {
    const { host, request, deps } = setup();
    await host.admit('p1');
    await host.muteAll();
    await host.setLocked(true);
    await host.endSession();
    expect(request.mock.calls).toEqual([
      ['admit', { peerId: 'p1' }],
      ['mutePeer', { source: 'mic' }],
      ['lockRoom', { locked: true }],
      ['endSession', {}],
    ]);
    expect(deps.patchSession).toHaveBeenCalledWith({ locked: true });
    expect(deps.ended).toHaveBeenCalledTimes(1);
    expect(deps.notice).not.toHaveBeenCalled();
  });

  it('words a refusal from its code, not from the server text', async () => {
    const { host, deps } = setup(new SignalingError('lockRoom', 'forbidden', 'Only hosts may lock (server wording)'));
    await host.setLocked(true);
    expect(deps.notice).toHaveBeenCalledWith(`Could not lock the room: ${ROOM_ERROR_MESSAGES.forbidden}`, 'warn');
    expect(deps.patchSession).not.toHaveBeenCalled();
  });

  it('gives recording the longer timeout', async () => {
    const { host, request, deps } = setup();
    await host.setRecording(true);
    expect(request).toHaveBeenCalledWith('startRecording', {}, 15_000);
    expect(deps.patchSession).toHaveBeenCalledWith({ recording: true });
  });
});
