// Webinar mode end to end in Node: viewers may not publish until a host promotes them,
// demoting closes their producers, viewers get the roster in batches and page through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, type TestDb } from '@lectern/db/testing';
import type { Lectern } from '../lectern.js';
import type { PeerInfo } from '../protocol/index.js';
import { opusRtpParameters } from './test/fuzzMessages.js';
import { startSocketLectern } from './test/socketLectern.js';
import { roomSockets, waitFor, type RoomSocket } from './test/roomSockets.js';

const PORT_BASE = 27000 + Math.floor(Math.random() * 400) * 2;

describe.each(dbKinds())('webinar on %s', (kind) => {
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

  const { open, req, joinRoom, hostToken, session, closeAll } = roomSockets(
    () => lectern,
    () => hostAuth,
  );

  const ok = async <T>(c: RoomSocket, name: string, payload: unknown = {}): Promise<T> => {
    const a = await req<T>(c, name, payload);
    if (!a.ok) throw new Error(`${name}: ${a.error.code} ${a.error.message}`);
    return a.data;
  };

  /** A guest's room socket, signed directly (no join code, so no join rate limit), joined. */
  const viewer = async (sid: string, n: number | string): Promise<{ c: RoomSocket; peerId: string }> => {
    const token = await lectern.runtime.ctx.tokens.signRoom({ participantId: `guest:v${n}`, sessionId: sid, role: 'guest', displayName: `Viewer ${n}`, userId: null });
    const c = open(token);
    const { peerId } = await c.welcome;
    await joinRoom(c);
    return { c, peerId };
  };

  const host = async (sid: string): Promise<RoomSocket> => {
    const h = open(await hostToken(sid));
    await h.welcome;
    await joinRoom(h);
    return h;
  };

  const produce = async (c: RoomSocket, ssrc: number) => {
    const send = await ok<{ id: string }>(c, 'createTransport', { direction: 'send' });
    return req<{ id: string }>(c, 'produce', { transportId: send.id, kind: 'audio', rtpParameters: opusRtpParameters(ssrc), source: 'mic' });
  };

  const producersOf = async (sid: string, peerId: string) =>
    (await lectern.gateway!.sfu.call('listProducers', { roomId: sid })).filter((p) => p.peerId === peerId);

  it('webinar refuses a viewer’s produce with not_presenter and creates nothing; a promoted viewer publishes; demote closes their producers', async () => {
    const { sid } = await session({ webinarMode: true });
    const h = await host(sid);
    const v = await viewer(sid, 'p');

    const refused = await produce(v.c, 111);
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_presenter' } });
    expect(await producersOf(sid, v.peerId)).toEqual([]);

    // The host publishes as always.
    expect((await produce(h, 222)).ok).toBe(true);

    await ok(h, 'promote', { peerId: v.peerId });
    await waitFor(() => v.c.events.some((e) => e.name === 'peerPromoted' && (e.payload as { promoted: boolean }).promoted));
    const published = await produce(v.c, 333);
    expect(published.ok).toBe(true);
    expect(await producersOf(sid, v.peerId)).toHaveLength(1);
    // The roster page marks the presenter.
    const page = await ok<{ peers: PeerInfo[] }>(h, 'roster', { offset: 0, limit: 10 });
    expect(page.peers.find((p) => p.peerId === v.peerId)?.promoted).toBe(true);

    await ok(h, 'demote', { peerId: v.peerId });
    await waitFor(async () => (await producersOf(sid, v.peerId)).length === 0);
    await waitFor(() => v.c.events.some((e) => e.name === 'peerPromoted' && !(e.payload as { promoted: boolean }).promoted));
    expect(await produce(v.c, 444)).toMatchObject({ ok: false, error: { code: 'not_presenter' } });
    expect(await producersOf(sid, v.peerId)).toEqual([]);
  });

  it('webinar promote and demote are for hosts only, with strict payloads', async () => {
    const { sid } = await session({ webinarMode: true });
    const h = await host(sid);
    const a = await viewer(sid, 'a');
    const b = await viewer(sid, 'b');
    expect(await req(a.c, 'promote', { peerId: b.peerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await req(a.c, 'demote', { peerId: b.peerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await req(a.c, 'promote', { peerId: a.peerId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(lectern.gateway!.isPromoted(sid, a.peerId)).toBe(false);
    for (const bad of [{}, { peerId: '' }, { peerId: 7 }, { peerId: b.peerId, extra: 1 }, { peerId: 'x'.repeat(65) }]) {
      expect(await req(h, 'promote', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(await req(h, 'demote', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    for (const bad of [{ limit: 101 }, { limit: 0 }, { offset: -1 }, { offset: 1.5 }, { cursor: 'x' }]) {
      expect(await req(a.c, 'roster', bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await req(h, 'promote', { peerId: 'guest:nobody' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // A session that is no webinar: everyone publishes already.
    const plain = await session({});
    const ph = await host(plain.sid);
    const pv = await viewer(plain.sid, 'plain');
    expect(await req(ph, 'promote', { peerId: pv.peerId })).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await produce(pv.c, 555)).ok).toBe(true);
  });

  it('webinar batches roster changes to viewers (hosts hear each one) and pages the roster with a total', async () => {
    const { sid } = await session({ webinarMode: true, participantLimit: 200 });
    const h = await host(sid);
    const watcher = await viewer(sid, 'watcher');
    const N = 50;
    const crowd: { c: RoomSocket; peerId: string }[] = [];
    const started = Date.now();
    for (let i = 0; i < N; i += 10) crowd.push(...(await Promise.all(Array.from({ length: 10 }, (_, k) => viewer(sid, `crowd-${String(i + k).padStart(2, '0')}`)))));
    const ids = new Set(crowd.map((x) => x.peerId));

    const batches = () => watcher.c.events.filter((e) => e.name === 'rosterChanged').map((e) => e.payload as { added: PeerInfo[]; removed: string[]; total: number });
    await waitFor(() => new Set(batches().flatMap((b) => b.added.map((p) => p.peerId)).filter((id) => ids.has(id))).size === N, 10_000);
    const spanMs = Date.now() - started;
    console.info(`roster batches to one viewer for ${N} arrivals over ${spanMs} ms: ${batches().length}; peerJoined to the host: ${h.events.filter((e) => e.name === 'peerJoined').length}`);
    // At most one batch a second (plus the first), and far fewer than one message per arrival.
    expect(batches().length).toBeLessThanOrEqual(Math.ceil(spanMs / 1000) + 1);
    expect(batches().length).toBeLessThanOrEqual(10);
    expect(batches().at(-1)?.total).toBe(N + 2);
    // The viewer got no single peerJoined; the host got one per arrival.
    expect(watcher.c.events.filter((e) => e.name === 'peerJoined')).toEqual([]);
    await waitFor(() => h.events.filter((e) => e.name === 'peerJoined').length >= N + 1);

    // A late viewer pages through everyone else.
    const lateJoin = await viewer(sid, 'late');
    const page1 = await ok<{ peers: PeerInfo[]; total: number; offset: number }>(lateJoin.c, 'roster', { offset: 0, limit: 20 });
    expect(page1.total).toBe(N + 2); // host, watcher, crowd (not the caller)
    expect(page1.peers).toHaveLength(20);
    expect(page1.peers[0]?.role).toBe('host');
    const page3 = await ok<{ peers: PeerInfo[]; total: number }>(lateJoin.c, 'roster', { offset: 40, limit: 20 });
    expect(page3.peers).toHaveLength(N + 2 - 40);
    const page2 = await ok<{ peers: PeerInfo[] }>(lateJoin.c, 'roster', { offset: 20, limit: 20 });
    const seen = [...page1.peers, ...page2.peers, ...page3.peers].map((p) => p.peerId);
    expect(new Set(seen).size).toBe(N + 2);
    expect(seen).not.toContain(lateJoin.peerId);

    // Leaving: batched to viewers as removals.
    for (const x of crowd.slice(0, 10)) x.c.socket.disconnect();
    const gone = new Set(crowd.slice(0, 10).map((x) => x.peerId));
    await waitFor(() => new Set(batches().flatMap((b) => b.removed).filter((id) => gone.has(id))).size === 10, 10_000);
    expect(watcher.c.events.filter((e) => e.name === 'peerLeft')).toEqual([]);
    await waitFor(() => h.events.filter((e) => e.name === 'peerLeft').length >= 10);
  });

  it('webinar join answer: a viewer gets the stage and rosterTotal, a host gets everyone', async () => {
    const { sid } = await session({ webinarMode: true });
    const h = await host(sid);
    await viewer(sid, 'j1');
    await viewer(sid, 'j2');
    const token = await lectern.runtime.ctx.tokens.signRoom({ participantId: 'guest:vj3', sessionId: sid, role: 'guest', displayName: 'J3', userId: null });
    const c = open(token);
    await c.welcome;
    const caps = await ok<{ rtpCapabilities: unknown }>(c, 'getRouterRtpCapabilities');
    const j = await ok<{ peers: PeerInfo[]; rosterTotal: number; session: { webinarMode: boolean } }>(c, 'join', { rtpCapabilities: caps.rtpCapabilities });
    expect(j.session.webinarMode).toBe(true);
    expect(j.peers.map((p) => p.role)).toEqual(['host']);
    expect(j.rosterTotal).toBe(3);
    expect(h.events.some((e) => e.name === 'peerJoined')).toBe(true);
  });

  it('a session that is no webinar sends each join at once to everyone, as before', async () => {
    const { sid } = await session({});
    await host(sid);
    const first = await viewer(sid, 'n1');
    await viewer(sid, 'n2');
    await waitFor(() => first.c.events.some((e) => e.name === 'peerJoined'));
    expect(first.c.events.some((e) => e.name === 'rosterChanged')).toBe(false);
  });
});
