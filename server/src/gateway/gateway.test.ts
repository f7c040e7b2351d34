// The signaling gateway end to end in Node: real Socket.IO, real mediasoup workers,
// real database. Media itself is exercised by the browser suites.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals } from '@lectern/db';
import { dbKinds, type TestDb } from '@lectern/db/testing';
import type { Lectern } from '../lectern.js';
import { opusRtpParameters } from './test/fuzzMessages.js';
import { startSocketLectern } from './test/socketLectern.js';
import { roomSockets, waitFor, type RoomSocket } from './test/roomSockets.js';

// Below the ephemeral port range (32768+), where browsers and clients pick their ports.
const PORT_BASE = 23000 + Math.floor(Math.random() * 500) * 2;

describe.each(dbKinds())('gateway on %s', (kind) => {
  let db: TestDb;
  let lectern: Lectern;
  let hostAuth: { authorization: string };

  beforeAll(async () => {
    ({ db, lectern, host: hostAuth } = await startSocketLectern(kind, PORT_BASE));
  });
  afterAll(async () => {
    closeAll();
    await lectern?.close();
    await db?.destroy();
  });

  const { api, open, refused, req, joinRoom, guestToken, hostToken, session, closeAll } = roomSockets(
    () => lectern,
    () => hostAuth,
  );
  const liveSession = (guestAccess: 'lobby' | 'open' = 'open', participantLimit?: number) => session({ guestAccess, participantLimit });

  it('gateway refuses a missing, garbage or API token', async () => {
    expect((await refused('')).code).toBe('unauthorized');
    expect((await refused('not.a.jwt')).code).toBe('unauthorized');
    expect((await refused(hostAuth.authorization.slice(7))).code).toBe('unauthorized');
  });

  it('gateway refuses a token for room A in room B', async () => {
    const a = await liveSession();
    const b = await liveSession();
    const token = await guestToken(a.code);
    expect((await refused(token, { sessionId: b.sid })).code).toBe('forbidden');
    const ok = open(token, { sessionId: a.sid });
    expect((await ok.welcome).state).toBe('ready');
  });

  it('gateway answers malformed and oversized payloads with error acks and keeps serving', async () => {
    const { code } = await liveSession();
    const c = open(await guestToken(code));
    await c.welcome;
    const bad = await req(c, 'createTransport', { direction: 'sideways' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const extra = await req(c, 'join', { rtpCapabilities: {}, evil: true });
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const notObject = await req(c, 'consume', 'a string');
    expect(notObject.ok).toBe(false);
    const huge = await req(c, 'join', { rtpCapabilities: { blob: 'x'.repeat(200_000) } });
    expect(huge).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(huge.ok === false && huge.error.message).toMatch(/too large/);
    const unknown = await req(c, 'becomeAdmin', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const early = await req(c, 'createTransport', { direction: 'send' });
    expect(early).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    await joinRoom(c);
    const t = await req<{ id: string; iceCandidates: { port: number }[] }>(c, 'createTransport', { direction: 'send' });
    expect(t.ok).toBe(true);
    if (t.ok) expect(t.data.iceCandidates.some((x) => x.port >= PORT_BASE)).toBe(true);
    expect(c.socket.connected).toBe(true);
  });

  it('gateway rate-limits a flood of requests, known or unknown, on one socket', async () => {
    const { code } = await liveSession();
    const c = open(await guestToken(code));
    await c.welcome;
    const acks = await Promise.all(Array.from({ length: 200 }, () => req(c, 'getRouterRtpCapabilities')));
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
    expect(limited).toBeGreaterThan(50);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThan(50);
    // Unknown request names spend the same budget.
    const d = open(await guestToken(code));
    await d.welcome;
    const unknown = await Promise.all(Array.from({ length: 200 }, () => req(d, 'noSuchRequest')));
    expect(unknown.filter((a) => !a.ok && a.error.code === 'rate_limited').length).toBeGreaterThan(50);
    expect(unknown.filter((a) => !a.ok && a.error.code === 'bad_request').length).toBeGreaterThan(50);
  });

  it('gateway refuses a join into a full room with room_full, and lets the next one in once a seat is free', async () => {
    const { sid, code } = await liveSession('open', 2);
    const host = open(await hostToken(sid));
    await host.welcome;
    await joinRoom(host);
    const first = open(await guestToken(code, 'First'));
    await first.welcome;
    await joinRoom(first);
    const third = open(await guestToken(code, 'Third'));
    await third.welcome;
    const caps = await req<{ rtpCapabilities: unknown }>(third, 'getRouterRtpCapabilities');
    if (!caps.ok) throw new Error(caps.error.message);
    const full = await req(third, 'join', { rtpCapabilities: caps.data.rtpCapabilities });
    expect(full).toMatchObject({ ok: false, error: { code: 'room_full' } });
    expect(third.socket.connected).toBe(true);
    first.socket.disconnect();
    await waitFor(async () => (await req(third, 'join', { rtpCapabilities: caps.data.rtpCapabilities })).ok, 10_000);
  });

  it('gateway holds guests in the lobby until the host admits them', async () => {
    const { sid, code } = await liveSession('lobby');
    const host = open(await hostToken(sid));
    expect((await host.welcome).state).toBe('ready');
    await joinRoom(host);
    const guest = open(await guestToken(code, 'Lobby Guest'));
    const w = await guest.welcome;
    expect(w.state).toBe('lobby');
    expect(await req(guest, 'getRouterRtpCapabilities')).toMatchObject({ ok: false, error: { code: 'in_lobby' } });
    await waitFor(() => host.events.some((e) => e.name === 'lobbyChanged' && (e.payload as { lobby: unknown[] }).lobby.length === 1));
    // No fresh room token while in the lobby (it would outlive the join code); the host gets one.
    await waitFor(() => host.events.some((e) => e.name === 'tokenRefreshed'));
    expect(await req(guest, 'getRouterRtpCapabilities')).toMatchObject({ ok: false, error: { code: 'in_lobby' } });
    expect(guest.events.filter((e) => e.name === 'tokenRefreshed')).toEqual([]);
    // Only hosts can admit.
    expect(await req(guest, 'admit', { peerId: w.peerId })).toMatchObject({ ok: false });
    expect((await req(host, 'admit', { peerId: w.peerId })).ok).toBe(true);
    await waitFor(() => guest.events.some((e) => e.name === 'admitted'));
    await waitFor(() => guest.events.some((e) => e.name === 'tokenRefreshed')); // admitted: refreshing starts
    await joinRoom(guest);
    await waitFor(() => host.events.some((e) => e.name === 'peerJoined'));
  });

  it('gateway records attendance for join, leave, reconnect and end, and ends within 2 s', async () => {
    const { sid, code } = await liveSession();
    const token = await guestToken(code, 'Ada');
    const g1 = open(token);
    await g1.welcome;
    await joinRoom(g1);
    const rows = () => db.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.sessionId, sid));
    await waitFor(async () => (await rows()).length === 1);
    g1.socket.disconnect();
    await waitFor(async () => (await rows()).every((r) => r.leftAt !== null));
    // reconnect with the same (still valid) token: a second interval
    const g2 = open(token);
    await g2.welcome;
    await joinRoom(g2);
    await waitFor(async () => (await rows()).length === 2);
    // a second connection of the same participant replaces the first
    const g3 = open(token);
    await g3.welcome;
    await waitFor(() => !g2.socket.connected);
    await joinRoom(g3);
    await waitFor(async () => (await rows()).length === 3);

    const t0 = Date.now();
    expect((await api('POST', `/api/sessions/${sid}/end`)).status).toBe(200);
    await waitFor(() => g3.events.some((e) => e.name === 'sessionEnded'), 2000);
    await waitFor(() => !g3.socket.connected, 2000);
    expect(Date.now() - t0).toBeLessThan(2000);
    const all = await rows();
    expect(all).toHaveLength(3);
    expect(all.every((r) => r.leftAt !== null && r.participantId === all[0]!.participantId)).toBe(true);
    // the earlier token no longer opens the room, and the code is dead
    expect((await refused(token)).code).toBe('session_ended');
    expect((await api('POST', '/api/join', { code, displayName: 'Late' }, {})).status).toBe(404);
  });

  it('gateway: a removed guest is disconnected, cannot rejoin with the same token, and a new identity waits in the lobby', async () => {
    const { sid, code } = await liveSession();
    const host = open(await hostToken(sid));
    await host.welcome;
    await joinRoom(host);
    const token = await guestToken(code, 'Mallory');
    const g = open(token);
    const w = await g.welcome;
    await joinRoom(g);
    expect(await req(g, 'removePeer', { peerId: w.peerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await req(host, 'removePeer', { peerId: w.peerId })).ok).toBe(true);
    await waitFor(() => g.events.some((e) => e.name === 'removed'));
    await waitFor(() => !g.socket.connected);
    await waitFor(() => host.events.some((e) => e.name === 'peerLeft' && (e.payload as { peerId: string }).peerId === w.peerId));
    expect((await refused(token)).code).toBe('removed');
    // Back by code under a new name is a new identity: it now waits in the lobby.
    const again = open(await guestToken(code, 'Not Mallory'));
    expect((await again.welcome).state).toBe('lobby');
    expect((await api<{ guestAccess: string }>('GET', `/api/sessions/${sid}`)).body.guestAccess).toBe('lobby');
  });

  it('gateway tells the room to reconnect when its worker dies, and the room recovers', async () => {
    const { code } = await liveSession();
    const c = open(await guestToken(code, 'Kim'));
    await c.welcome;
    await joinRoom(c);
    const node = lectern.sfuHost!.node;
    const before = node.pool.workers().map((w) => w.pid);
    process.kill(before[0]!, 'SIGKILL');
    await waitFor(() => c.events.some((e) => e.name === 'reconnectRequired'), 10_000);
    await waitFor(() => node.pool.workers().length > 0 && node.pool.workers().every((w) => w.pid !== before[0]), 10_000);
    await joinRoom(c);
    const t = await req(c, 'createTransport', { direction: 'recv' });
    expect(t.ok).toBe(true);
  });

  // pauseConsumer: a peer pauses and resumes its own consumer (a hidden tab's video); another
  // peer's consumer id is not found and changes nothing; bad payloads are refused by the schema.
  const ok = async <T>(c: RoomSocket, name: string, payload: unknown = {}): Promise<T> => {
    const a = await req<T>(c, name, payload);
    if (!a.ok) throw new Error(`${name}: ${a.error.code} ${a.error.message}`);
    return a.data;
  };

  /** A joined guest with a resumed consumer of `producerId`: its peer id and consumer id. */
  const consumer = async (code: string, name: string, producerId: string) => {
    const c = open(await guestToken(code, name));
    const { peerId } = await c.welcome;
    await joinRoom(c);
    const recv = await ok<{ id: string }>(c, 'createTransport', { direction: 'recv' });
    const { id } = await ok<{ id: string }>(c, 'consume', { transportId: recv.id, producerId });
    await ok(c, 'resumeConsumer', { consumerId: id });
    return { c, peerId, consumerId: id };
  };

  it('pauses and resumes only the caller’s own consumer; refuses bad payloads', async () => {
    const { sid, code } = await session({ guestAccess: 'open' });
    const host = open(await hostToken(sid));
    await host.welcome;
    await joinRoom(host);
    const send = await ok<{ id: string }>(host, 'createTransport', { direction: 'send' });
    const { id: producerId } = await ok<{ id: string }>(host, 'produce', { transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(4242), source: 'mic' });
    const alice = await consumer(code, 'Alice', producerId);
    const bob = await consumer(code, 'Bob', producerId);

    // The SFU's own view of a consumer (mediasoup's `paused`), not the gateway's.
    const paused = async (peerId: string, consumerId: string) => {
      const list = await lectern.sfuHost!.node.listConsumers({ roomId: sid, peerId });
      return list.find((x) => x.consumerId === consumerId)?.paused;
    };
    expect(await paused(alice.peerId, alice.consumerId)).toBe(false);

    expect(await req(alice.c, 'pauseConsumer', { consumerId: alice.consumerId })).toEqual({ ok: true, data: {} });
    expect(await paused(alice.peerId, alice.consumerId)).toBe(true);
    expect(await paused(bob.peerId, bob.consumerId)).toBe(false);

    // Bob cannot pause (or resume) Alice's consumer: it is not among his.
    expect(await req(bob.c, 'pauseConsumer', { consumerId: alice.consumerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await req(bob.c, 'resumeConsumer', { consumerId: alice.consumerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await paused(alice.peerId, alice.consumerId)).toBe(true);
    expect(await req(alice.c, 'pauseConsumer', { consumerId: bob.consumerId })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await paused(bob.peerId, bob.consumerId)).toBe(false);

    for (const bad of [{}, { consumerId: '' }, { consumerId: 'x'.repeat(65) }, { consumerId: 7 }, { consumerId: alice.consumerId, extra: 1 }, 'a string']) {
      expect(await req(alice.c, 'pauseConsumer', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await paused(alice.peerId, alice.consumerId)).toBe(true);

    expect(await req(alice.c, 'resumeConsumer', { consumerId: alice.consumerId })).toEqual({ ok: true, data: {} });
    expect(await paused(alice.peerId, alice.consumerId)).toBe(false);
    expect(await paused(bob.peerId, bob.consumerId)).toBe(false);
  });

  it('gateway tells hosts, and only hosts, a guest’s reported connection quality; refuses bad reports', async () => {
    const { sid, code } = await session({ guestAccess: 'open' });
    const host = open(await hostToken(sid));
    await host.welcome;
    await joinRoom(host);
    const guest = open(await guestToken(code, 'Wobbly'));
    const { peerId } = await guest.welcome;
    expect(await req(guest, 'reportQuality', { level: 'poor' })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    await joinRoom(guest);
    const other = open(await guestToken(code, 'Steady'));
    await other.welcome;
    await joinRoom(other);

    const reports = (c: RoomSocket) => c.events.filter((e) => e.name === 'peerQuality').map((e) => e.payload);
    expect(await req(guest, 'reportQuality', { level: 'poor' })).toEqual({ ok: true, data: {} });
    await waitFor(() => reports(host).length === 1);
    expect(reports(host)).toEqual([{ peerId, level: 'poor' }]);
    // Only changes travel: the same level again is not told twice.
    expect((await req(guest, 'reportQuality', { level: 'poor' })).ok).toBe(true);
    expect((await req(guest, 'reportQuality', { level: 'good' })).ok).toBe(true);
    await waitFor(() => reports(host).length === 2);
    expect(reports(host)[1]).toEqual({ peerId, level: 'good' });

    for (const bad of [{}, { level: 'terrible' }, { level: 2 }, { level: 'poor', peerId: 'someone-else' }, 'poor', [{ level: 'poor' }]]) {
      expect(await req(guest, 'reportQuality', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    // The host coming back on a new connection (as a late co-host would) hears who is not on a good connection now.
    expect((await req(guest, 'reportQuality', { level: 'fair' })).ok).toBe(true);
    await waitFor(() => reports(host).length === 3);
    const late = open(await hostToken(sid));
    await late.welcome;
    await joinRoom(late);
    await waitFor(() => reports(late).length === 1);
    expect(reports(late)).toEqual([{ peerId, level: 'fair' }]);
    // Other guests, and the reporter itself, never hear of it.
    await new Promise((r) => setTimeout(r, 200));
    expect(reports(other)).toEqual([]);
    expect(reports(guest)).toEqual([]);
    expect(reports(host)).toHaveLength(3);
  });

  it('tells a publisher, and only the publisher, which simulcast layers anyone watches', async () => {
    const { sid, code } = await session({ guestAccess: 'open' });
    const host = open(await hostToken(sid));
    await host.welcome;
    await joinRoom(host);
    const send = await ok<{ id: string }>(host, 'createTransport', { direction: 'send' });
    const rtpParameters = {
      codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }] }],
      encodings: [{ ssrc: 5101 }, { ssrc: 5102 }, { ssrc: 5103 }],
    };
    const { id: producerId } = await ok<{ id: string }>(host, 'produce', { transportId: send.id, kind: 'video', rtpParameters, source: 'webcam' });
    const told = (c: RoomSocket) => c.events.filter((e) => e.name === 'producerLayers').map((e) => e.payload);

    const alice = await consumer(code, 'Alice', producerId);
    expect(await req(alice.c, 'setPreferredLayers', { consumerId: alice.consumerId, spatialLayer: 0 })).toEqual({ ok: true, data: {} });
    await waitFor(() => told(host).length === 1, 10_000); // a fall is told once it held (3 s)
    expect(told(host)).toEqual([{ producerId, spatialLayer: 0 }]);

    const bob = await consumer(code, 'Bob', producerId); // wants the top layer: told at once
    await waitFor(() => told(host).length === 2);
    expect(told(host)).toEqual([{ producerId, spatialLayer: 0 }, { producerId, spatialLayer: 2 }]);
    expect(told(alice.c)).toEqual([]);
    expect(told(bob.c)).toEqual([]);
  });

  it('pauseConsumer before join is refused', async () => {
    const { code } = await session({ guestAccess: 'open' });
    const c = open(await guestToken(code));
    await c.welcome;
    expect(await req(c, 'pauseConsumer', { consumerId: 'nope' })).toMatchObject({ ok: false, error: { code: 'not_joined' } });
  });
});
