import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomConnection, type ConnectionHost, type HandshakeError } from './RoomConnection.js';
import type { RoomMedia } from './RoomMedia.js';
import { ROOM_ERROR_MESSAGES } from './roomErrors.js';
import type { RoomPhase } from './roomTypes.js';
import type { Signaling } from './Signaling.js';

/** A host that records what the connection asks of it; no socket, no media. */
function fakeHost(renewed: string | null = null) {
  let phase: RoomPhase = 'connecting';
  const socket = { active: false, connect: vi.fn() };
  const sig = { socket, token: 'first', connected: false, request: vi.fn() };
  const calls = { teardown: [] as [RoomPhase, string | null | undefined][], ended: 0, tokens: [] as string[], renewals: 0 };
  const host: ConnectionHost = {
    sig: sig as unknown as Signaling,
    media: { drop: vi.fn(), ready: false } as unknown as RoomMedia,
    phase: () => phase,
    setPhase: (p) => (phase = p),
    setReconnecting: () => undefined,
    closing: () => false,
    beginJoin: () => undefined,
    endJoin: () => undefined,
    consumeAll: () => undefined,
    localReady: () => Promise.resolve(),
    publishAll: () => Promise.resolve(),
    teardown: (p, message) => {
      phase = p;
      calls.teardown.push([p, message]);
    },
    ended: () => {
      phase = 'ended';
      calls.ended++;
    },
    notice: () => undefined,
    onToken: (t) => calls.tokens.push(t),
    renewToken: () => {
      calls.renewals++;
      return Promise.resolve(renewed);
    },
  };
  return { host, sig, socket, calls, phase: () => phase };
}

const refusal = (code?: string): HandshakeError => Object.assign(new Error('some English sentence about being removed'), code ? { data: { code } } : {});
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('RoomConnection: a refused handshake', () => {
  it.each([
    ['removed', 'removed'],
    ['denied', 'denied'],
    ['room_locked', 'error'],
    ['room_full', 'error'],
    ['forbidden', 'error'],
  ] as const)('%s ends in %s with the table sentence, without asking for a new token', async (code, phase) => {
    const f = fakeHost('fresh');
    new RoomConnection(f.host).onConnectError(refusal(code));
    await settle();
    expect(f.calls.teardown).toEqual([[phase, ROOM_ERROR_MESSAGES[code]]]);
    expect(f.calls.renewals).toBe(0);
  });

  it('tells removed from denied by the code alone, whatever the message says', async () => {
    const f = fakeHost();
    new RoomConnection(f.host).onConnectError(refusal('denied'));
    await settle();
    expect(f.phase()).toBe('denied');
  });

  it('an ended session ends the room', async () => {
    const f = fakeHost();
    new RoomConnection(f.host).onConnectError(refusal('session_ended'));
    await settle();
    expect(f.calls.ended).toBe(1);
  });

  it('an invalid token is renewed once and the socket reconnects with it', async () => {
    const f = fakeHost('fresh');
    const conn = new RoomConnection(f.host);
    conn.onConnectError(refusal('unauthorized'));
    await settle();
    expect(f.sig.token).toBe('fresh');
    expect(f.calls.tokens).toEqual(['fresh']);
    expect(f.socket.connect).toHaveBeenCalledTimes(1);
    // Refused again before any welcome: give up with the sentence for the code.
    conn.onConnectError(refusal('unauthorized'));
    await settle();
    expect(f.calls.renewals).toBe(1);
    expect(f.calls.teardown).toEqual([['error', ROOM_ERROR_MESSAGES.unauthorized]]);
  });

  it('a guest (no renewal) sees why, and an unknown code counts as internal', async () => {
    const f = fakeHost(null);
    new RoomConnection(f.host).onConnectError(refusal('something_new'));
    await settle();
    expect(f.calls.teardown).toEqual([['error', `Could not connect to the room. ${ROOM_ERROR_MESSAGES.internal}`]]);
  });

  it('ignores transport errors while socket.io still retries', async () => {
    const f = fakeHost();
    f.socket.active = true;
    new RoomConnection(f.host).onConnectError(refusal());
    await settle();
    expect(f.calls.teardown).toEqual([]);
  });
});

describe('RoomConnection: dropped by the server', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reconnects once; dropped again right after a welcome, another tab has the seat', () => {
    let now = 1_000_000;
    const f = fakeHost();
    const conn = new RoomConnection(f.host, () => now);
    f.host.setPhase('joined', false);
    conn.onDisconnect('io server disconnect');
    vi.advanceTimersByTime(1000);
    expect(f.socket.connect).toHaveBeenCalledTimes(1);
    conn.onWelcome('lobby');
    now += 2000;
    conn.onDisconnect('io server disconnect');
    expect(f.calls.teardown).toEqual([['error', 'You are in this session in another tab or on another device.']]);
  });

  it('a drop long after the last welcome is just a restart', () => {
    let now = 1_000_000;
    const f = fakeHost();
    const conn = new RoomConnection(f.host, () => now);
    conn.onWelcome('lobby');
    now += 60_000;
    conn.onDisconnect('io server disconnect');
    now += 60_000;
    conn.onDisconnect('io server disconnect');
    expect(f.calls.teardown).toEqual([]);
  });
});
