// The room client's state machine against a signaling peer that speaks the real protocol
// (test/fakeRoomServer.ts: a Socket.IO server validating every request with the server's
// zod schemas). Media runs on mediasoup-client with its FakeHandler instead of WebRTC, so
// the transports, produce and consume requests are the real ones.
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RoomClient } from './RoomClient.js';
import { ROOM_ERROR_MESSAGES } from './roomErrors.js';
import type { MediaSource, ProducerInfo } from '@lectern/server/protocol';
import type { RoomPhase, RoomSnapshot } from './roomTypes.js';
import { DEFAULTS, FakeRoomServer, SESSION, TEACHER } from './test/fakeRoomServer.js';

interface Harness {
  client: RoomClient;
  mic: FakeMediaStreamTrack;
  /** Every phase the UI was shown, in order (repeats collapsed), and whether it ever showed the reconnect banner. */
  phases: RoomPhase[];
  sawReconnecting: () => boolean;
  tokens: string[];
  renewals: number;
  ended: number;
}

let server: FakeRoomServer;
const clients: RoomClient[] = [];

beforeEach(async () => {
  server = await FakeRoomServer.start();
  // Signaling opens `io('/rtc')`, relative to the page: the page is the fake server.
  vi.stubGlobal('location', new URL(server.origin));
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  vi.unstubAllGlobals();
  await server.close();
  expect(server.invalid).toEqual([]);
});

function open(renewWith: string | null = null): Harness {
  const mic = new FakeMediaStreamTrack({ kind: 'audio' });
  // The join page's preview: the mic is handed over, nothing asks for devices.
  const handoff = { getTracks: () => [mic], getAudioTracks: () => [mic], getVideoTracks: () => [] } as unknown as MediaStream;
  let reconnecting = false;
  const h: Harness = {
    client: undefined as unknown as RoomClient,
    mic,
    phases: [],
    sawReconnecting: () => reconnecting,
    tokens: [],
    renewals: 0,
    ended: 0,
  };
  h.client = new RoomClient({
    sessionId: SESSION.id,
    token: 'token-1',
    prefs: { mic: true, camera: false },
    handoff,
    onToken: (t) => h.tokens.push(t),
    renewToken: () => {
      h.renewals++;
      return Promise.resolve(renewWith);
    },
    onEnded: () => h.ended++,
    handlerFactory: FakeHandler.createFactory(fakeParameters),
  });
  h.client.subscribe(() => {
    const s = h.client.get();
    if (h.phases.at(-1) !== s.phase) h.phases.push(s.phase);
    if (s.reconnecting) reconnecting = true;
  });
  clients.push(h.client);
  h.client.start();
  return h;
}

/** Waits for `pred` on the client's snapshot (events arrive over a real socket). */
async function until(h: Harness, what: string, pred: (s: RoomSnapshot) => boolean): Promise<RoomSnapshot> {
  for (let i = 0; i < 800; i++) {
    const s = h.client.get();
    if (pred(s)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}; phase ${h.client.get().phase}, requests ${server.names().join(', ')}`);
}

/** Joined with the media up: the teacher's mic consumed and ours produced. */
const settledIn = (s: RoomSnapshot) =>
  s.phase === 'joined' && !s.reconnecting && s.peers.some((p) => p.audio !== null) && server.count('produce') > 0;

// Waits are for events over a local socket (and socket.io's reconnect delays); generous on a busy machine.
describe('RoomClient', { timeout: 15_000 }, () => {
  it('room: joins straight in: capabilities, join, two transports, consumes the teacher, publishes the mic', async () => {
    const h = open();
    const s = await until(h, 'joined', settledIn);
    expect(h.phases).toEqual(['connecting', 'joining', 'joined']);
    expect(server.handshakes).toEqual([{ token: 'token-1', sessionId: SESSION.id }]);
    expect(server.names().slice(0, 4)).toEqual(['getRouterRtpCapabilities', 'join', 'createTransport', 'createTransport']);
    expect(server.names()).toEqual(expect.arrayContaining(['consume', 'resumeConsumer', 'connectTransport', 'produce']));
    expect(server.requests.find((r) => r.name === 'produce')?.payload).toMatchObject({ kind: 'audio', source: 'mic' });
    expect(server.requests.find((r) => r.name === 'consume')?.payload).toMatchObject({ producerId: TEACHER.producers[0]!.producerId });
    expect(s.peerId).toBe('peer-me');
    expect(s.session).toEqual(SESSION);
    expect(s.peers.map((p) => p.displayName)).toEqual(['Ada Teacher']);
    expect(s.local.micOn).toBe(true);
  });

  it('room: waits in the lobby without joining, and joins when admitted', async () => {
    server.welcomeState = 'lobby';
    const h = open();
    await until(h, 'lobby', (s) => s.phase === 'lobby');
    expect(server.count('join')).toBe(0);
    server.notify('admitted', {});
    await until(h, 'joined', settledIn);
    expect(h.phases).toEqual(['connecting', 'lobby', 'joining', 'joined']);
    expect(server.count('join')).toBe(1);
  });

  it('room: before the start it waits without joining, and goes in by itself when the host starts', async () => {
    server.welcomeState = 'waiting';
    const h = open();
    await until(h, 'waiting', (s) => s.phase === 'waiting');
    expect(server.count('getRouterRtpCapabilities')).toBe(0);
    server.notify('sessionStarted', { state: 'ready' });
    await until(h, 'joined', settledIn);
    expect(h.phases).toEqual(['connecting', 'waiting', 'joining', 'joined']);
  });

  it('room: before the start, a start with guests let in by hand moves on to the lobby', async () => {
    server.welcomeState = 'waiting';
    const h = open();
    await until(h, 'waiting', (s) => s.phase === 'waiting');
    server.notify('sessionStarted', { state: 'lobby' });
    await until(h, 'lobby', (s) => s.phase === 'lobby');
    expect(server.count('join')).toBe(0);
    server.notify('admitted', {});
    await until(h, 'joined', settledIn);
    expect(h.phases).toEqual(['connecting', 'waiting', 'lobby', 'joining', 'joined']);
  });

  it('room: denied in the lobby ends on the host\'s reason, closes the socket and stops the mic', async () => {
    server.welcomeState = 'lobby';
    const h = open();
    await until(h, 'lobby', (s) => s.phase === 'lobby');
    server.notify('denied', { reason: 'Only enrolled students today.' });
    const s = await until(h, 'denied', (x) => x.phase === 'denied');
    expect(s.message).toBe('Only enrolled students today.');
    await vi.waitFor(() => expect(server.connections).toBe(0));
    expect(h.mic.readyState).toBe('ended');
  });

  it('room: removed by the host ends on the removed screen with the table sentence when no reason is given', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    server.notify('removed', { reason: '' });
    const s = await until(h, 'removed', (x) => x.phase === 'removed');
    expect(s.message).toBe(ROOM_ERROR_MESSAGES.removed);
    expect(s.peers).toEqual([]);
    await vi.waitFor(() => expect(server.connections).toBe(0));
    expect(h.mic.readyState).toBe('ended');
  });

  it('room: a dropped connection shows the reconnect banner, then handshakes and joins again with media rebuilt', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    server.dropConnections();
    await until(h, 'rejoined', (s) => server.count('join') === 2 && server.count('produce') === 2 && settledIn(s));
    expect(h.sawReconnecting()).toBe(true);
    expect(server.handshakes).toHaveLength(2);
    expect(server.count('createTransport')).toBe(4);
    expect(h.phases.at(-1)).toBe('joined');
    expect(h.client.get().reconnecting).toBe(false);
  });

  it('room: reconnectRequired rebuilds the media on the same socket and republishes', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    server.notify('reconnectRequired', { reason: 'media node restarted' });
    await until(h, 'rebuilt', (s) => server.count('produce') === 2 && settledIn(s));
    expect(server.handshakes).toHaveLength(1);
    expect(server.count('getRouterRtpCapabilities')).toBe(2);
    expect(server.count('createTransport')).toBe(4);
  });

  it('room: dropped by the server twice right after getting back in: another tab has the seat', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    server.kickAll();
    await until(h, 'back in', (s) => server.handshakes.length === 2 && s.phase === 'joined');
    server.kickAll();
    const s = await until(h, 'error', (x) => x.phase === 'error');
    expect(s.message).toBe('You are in this session in another tab or on another device.');
  });

  it('room: tokenRefreshed is kept and the next handshake presents it', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    server.tokens.add('token-2');
    server.notify('tokenRefreshed', { roomToken: 'token-2', expiresAt: new Date(Date.now() + 600_000).toISOString() });
    await vi.waitFor(() => expect(h.tokens).toEqual(['token-2']));
    server.tokens.delete('token-1'); // the old one has expired
    server.dropConnections();
    await until(h, 'rejoined', (s) => server.count('join') === 2 && settledIn(s));
    expect(server.handshakes.map((x) => x.token)).toEqual(['token-1', 'token-2']);
    expect(h.renewals).toBe(0);
  });

  it('room: a refused handshake asks once for a new token and connects with it', async () => {
    server.tokens.clear();
    server.tokens.add('token-renewed');
    const h = open('token-renewed');
    await until(h, 'joined', settledIn);
    expect(h.renewals).toBe(1);
    expect(h.tokens).toEqual(['token-renewed']);
    expect(server.handshakes.map((x) => x.token)).toEqual(['token-1', 'token-renewed']);
  });

  it('room: a refused handshake without a new token ends in the error screen', async () => {
    server.tokens.clear();
    const h = open(null);
    const s = await until(h, 'error', (x) => x.phase === 'error');
    expect(s.message).toBe(ROOM_ERROR_MESSAGES.unauthorized);
    expect(h.renewals).toBe(1);
    expect(server.count('join')).toBe(0);
  });

  it('room: consumerClosed (the node carrying that producer died) drops the consumer and the producer; the peer\'s next mic is consumed', async () => {
    const h = open();
    const s = await until(h, 'joined', settledIn);
    const stale = s.peers[0]!.audio!.consumerId;
    const consumes = server.count('consume');
    server.notify('consumerClosed', { consumerId: stale, producerId: TEACHER.producers[0]!.producerId });
    await until(h, 'the stale consumer dropped', (x) => x.peers[0]?.audio === null);
    expect(h.client.get().peers.map((p) => p.displayName)).toEqual(['Ada Teacher']); // the peer stays
    // The teacher, placed again on a live node, publishes anew: that mic is the one played.
    server.notify('newProducer', { producerId: 'prod-teacher-mic-2', peerId: TEACHER.peerId, kind: 'audio', source: 'mic', paused: false });
    const again = await until(h, 'the new mic consumed', (x) => x.peers[0]?.audio !== null && x.peers[0]?.audio?.consumerId !== stale);
    expect(server.count('consume')).toBe(consumes + 1);
    expect(server.requests.filter((r) => r.name === 'consume').at(-1)?.payload).toMatchObject({ producerId: 'prod-teacher-mic-2' });
    expect(again.phase).toBe('joined');
  });

  it('room: a producer announced while the rebuild’s join is on its way, and missing from its snapshot, is consumed', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    // After reconnectRequired our socket is still in the room: the teacher, moved too,
    // publishes a new mic while the server builds our snapshot (taken before it existed).
    const mic2: ProducerInfo = { producerId: 'prod-teacher-mic-2', peerId: TEACHER.peerId, kind: 'audio', source: 'mic', paused: false };
    server.override.join = (_payload, socket) => {
      socket.emit('newProducer', mic2);
      return { ok: true, data: { self: { peerId: 'peer-me', displayName: 'Sam Student', role: 'participant', producers: [] }, session: SESSION, peers: [{ ...TEACHER, producers: [] }], lobby: [], rosterTotal: 1 } };
    };
    const consumes = server.count('consume');
    server.notify('reconnectRequired', { reason: 'media server restarted' });
    const s = await until(h, 'the new mic consumed', (x) => x.peers[0]?.audio !== null && x.peers[0]?.audio !== undefined && server.count('consume') > consumes);
    expect(server.requests.filter((r) => r.name === 'consume').at(-1)?.payload).toMatchObject({ producerId: 'prod-teacher-mic-2' });
    expect(s.phase).toBe('joined');
  });

  it('room: a lock told while the join is on its way, after the session was read for its answer, stays shown', async () => {
    server.override.join = (_payload, socket) => {
      socket.emit('roomLocked', { locked: true });
      return DEFAULTS.join();
    };
    const h = open();
    const s = await until(h, 'joined', (x) => x.phase === 'joined');
    expect(SESSION.locked).toBe(false); // what the answer says
    expect(s.session?.locked).toBe(true);
  });

  it('room: a consume the server refuses for a moment is asked again while the roster lists the producer', async () => {
    let refusals = 1;
    server.override.consume = (payload) => (refusals-- > 0 ? { ok: false, error: { code: 'sfu_error', message: 'pipe not ready' } } : DEFAULTS.consume(payload));
    const h = open();
    const s = await until(h, 'the mic consumed on the second try', (x) => x.phase === 'joined' && x.peers[0]?.audio !== null && x.peers[0]?.audio !== undefined);
    expect(server.count('consume')).toBe(2);
    expect(s.peers[0]!.displayName).toBe('Ada Teacher');
  });

  it('room: peerQuality (told to hosts) shows on that peer until it changes', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    server.notify('peerQuality', { peerId: TEACHER.peerId, level: 'poor' });
    await until(h, 'poor', (s) => s.peers[0]?.reportedQuality === 'poor');
    server.notify('peerQuality', { peerId: TEACHER.peerId, level: 'good' });
    await until(h, 'good', (s) => s.peers[0]?.reportedQuality === 'good');
  });

  it('room: sessionEnded ends the room once and closes the socket', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    server.notify('sessionEnded', { reason: 'ended_by_host' });
    await until(h, 'ended', (s) => s.phase === 'ended');
    expect(h.ended).toBe(1);
    await vi.waitFor(() => expect(server.connections).toBe(0));
    server.notify('sessionEnded', { reason: 'ended' });
    expect(h.ended).toBe(1);
  });

  it('room: leave tells the server and ends on the left screen', async () => {
    const h = open();
    await until(h, 'joined', settledIn);
    await h.client.leave();
    expect(h.client.get().phase).toBe('left');
    expect(server.names().at(-1)).toBe('leave');
    expect(h.ended).toBe(0);
  });
});

/** `document` as far as the room uses it: its visibility, and how many listeners it has. */
class FakePage extends EventTarget {
  visibilityState: 'visible' | 'hidden' = 'visible';
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget['addEventListener']>): void {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget['removeEventListener']>): void {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

describe('RoomClient in a hidden tab', { timeout: 15_000 }, () => {
  let page: FakePage;
  const show = (state: 'visible' | 'hidden') => {
    page.visibilityState = state;
    page.dispatchEvent(new Event('visibilitychange'));
  };
  /** Consumer ids the fake server handed out, by source. */
  const consumerOf: Partial<Record<MediaSource, string>> = {};
  const requested = (name: 'pauseConsumer' | 'resumeConsumer') => server.requests.filter((r) => r.name === name).map((r) => (r.payload as { consumerId: string }).consumerId);
  const producer = (source: MediaSource): ProducerInfo => ({ producerId: `prod-teacher-${source}`, peerId: TEACHER.peerId, kind: source === 'mic' ? 'audio' : 'video', source, paused: false });

  beforeEach(() => {
    page = new FakePage();
    vi.stubGlobal('document', page);
    server.override.join = () => ({
      ok: true,
      data: { self: { peerId: 'peer-me', displayName: 'Sam Student', role: 'participant', producers: [] }, session: SESSION, peers: [{ ...TEACHER, producers: [producer('mic'), producer('webcam')] }], lobby: [], rosterTotal: 1 },
    });
    server.override.consume = ({ producerId }) => {
      const source = producerId.replace('prod-teacher-', '') as MediaSource;
      const kind = source === 'mic' ? 'audio' : 'video';
      const c = fakeParameters.generateConsumerRemoteParameters({ codecMimeType: kind === 'audio' ? 'audio/opus' : 'video/VP8' });
      consumerOf[source] = c.id;
      return { ok: true, data: { id: c.id, producerId, peerId: TEACHER.peerId, kind, rtpParameters: c.rtpParameters, type: 'simple', producerPaused: false, source } };
    };
  });

  const teacher = (s: RoomSnapshot) => s.peers.find((p) => p.peerId === TEACHER.peerId);

  it('room: hidden pauses the video consumers only, a new one stays paused, visible resumes them all', async () => {
    const h = open();
    await until(h, 'joined with the camera', (s) => settledIn(s) && teacher(s)?.camera !== null && server.count('resumeConsumer') === 2);
    expect(requested('pauseConsumer')).toEqual([]);

    show('hidden');
    await vi.waitFor(() => expect(requested('pauseConsumer')).toEqual([consumerOf.webcam]));
    let t = teacher(h.client.get())!;
    expect(t.camera!.track.enabled).toBe(false);
    expect(t.audio!.track.enabled).toBe(true);

    // A screen share starts while hidden: consumed, but neither resumed nor playing.
    server.notify('newProducer', producer('screen'));
    await until(h, 'the screen consumed', (s) => teacher(s)?.screen !== null);
    t = teacher(h.client.get())!;
    expect(t.screen!.track.enabled).toBe(false);
    expect(requested('resumeConsumer')).not.toContain(consumerOf.screen);
    expect(requested('pauseConsumer')).toEqual([consumerOf.webcam]);

    show('visible');
    await vi.waitFor(() => expect(requested('resumeConsumer')).toHaveLength(4));
    expect(requested('resumeConsumer').slice(2).sort()).toEqual([consumerOf.webcam, consumerOf.screen].sort());
    t = teacher(h.client.get())!;
    expect([t.camera!.track.enabled, t.screen!.track.enabled, t.audio!.track.enabled]).toEqual([true, true, true]);
  });

  it('room: joining in a hidden tab receives audio at once and video only when shown; leave removes the listener', async () => {
    page.visibilityState = 'hidden';
    const h = open();
    await until(h, 'joined with the camera', (s) => settledIn(s) && teacher(s)?.camera !== null);
    await vi.waitFor(() => expect(requested('resumeConsumer')).toEqual([consumerOf.mic]));
    expect(requested('pauseConsumer')).toEqual([]); // created paused on the server: nothing to pause
    show('visible');
    await vi.waitFor(() => expect(requested('resumeConsumer')).toEqual([consumerOf.mic, consumerOf.webcam]));
    expect(page.listeners).toBe(1);
    await h.client.leave();
    expect(page.listeners).toBe(0);
  });
});
