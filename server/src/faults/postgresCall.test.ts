// Postgres crashes during a live call (a private cluster of the test's own, stopped with
// `pg_ctl stop -m immediate`, started again on the same port): the call goes on (sockets
// connected, RTP through the SFU keeps arriving), HTTP requests answer 503 + Retry-After
// within a bound instead of hanging or 500, /readyz says not ready, a peer who leaves
// meanwhile is announced to the others and its attendance is written once the database is
// back; then everything recovers without restarting the process.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { loadConfig } from '../config.js';
import { roomSockets, waitFor } from '../gateway/test/roomSockets.js';
import { startLectern, type Lectern } from '../lectern.js';
import { ffmpegProducer, type RtpProducer } from '../recording/test/rtpSources.js';
import { cleaningUp, testEnv } from '../test/harness.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/privatePostgres.js';
import { createUser } from '../users/userService.js';
import { consumeWithProbe, type MediaProbe } from './test/mediaProbe.js';

// Below the ephemeral port range (32768+).
const PORT_BASE = 26600 + Math.floor(Math.random() * 100) * 2;
/** A request must answer within this while the database is down: an answer, not a hang. */
const ANSWER_BOUND_MS = 10_000;
const OUTAGE_MS = 6_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Postgres restarts during a live call', { timeout: 240_000 }, () => {
  let pgc: PrivatePostgres;
  let db: TestDb;
  let lectern: Lectern;
  let host: { authorization: string };
  const producers: RtpProducer[] = [];
  const probes: MediaProbe[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => void unhandled.push(err);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    pgc = await startPrivatePostgres();
    db = await createTestDb('postgres', { DATABASE_URL: pgc.url });
    const config = loadConfig(testEnv({ PORT: '0', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: String(PORT_BASE) }));
    lectern = cleaningUp(await startLectern(config, { db, serveClient: false }));
    const u = await createUser(db.db, { email: 'host@example.test', name: 'Host', password: 'host-password-1', role: 'teacher' }, 14);
    host = { authorization: `Bearer ${await lectern.runtime.ctx.tokens.signAccess({ userId: u.id, role: 'teacher' })}` };
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    closeAll();
    for (const p of probes) await p.close();
    for (const p of producers) await p.stop();
    await lectern?.close();
    await db?.destroy().catch(() => undefined);
    await pgc?.destroy();
  });

  const { req, open, joinRoom, guestToken, hostToken, session, closeAll } = roomSockets(
    () => lectern,
    () => host,
  );

  /** One request timed: status, Retry-After, milliseconds to the answer. */
  async function timed(method: string, url: string, body?: unknown, headers: Record<string, string> = host) {
    const t0 = performance.now();
    const res = await fetch(`${lectern.url}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const json = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
    return { status: res.status, retryAfter: res.headers.get('retry-after'), code: json?.error?.code, ms: performance.now() - t0 };
  }

  const requests = () => [
    timed('GET', '/api/me'),
    timed('GET', '/api/sessions'),
    timed('POST', '/api/auth/login', { email: 'host@example.test', password: 'host-password-1' }, {}),
  ];

  it('the call goes on, requests answer 503 while Postgres is down, and everything recovers', async () => {
    const { sid, code } = await session();
    const h = open(await hostToken(sid));
    const g = open(await guestToken(code, 'Guest'));
    const leaver = open(await guestToken(code, 'Leaver'));
    const [hw, gw, lw] = await Promise.all([h.welcome, g.welcome, leaver.welcome]);
    for (const c of [h, g, leaver]) await joinRoom(c);

    // The host publishes a camera; the guest receives it through the SFU.
    const node = lectern.sfuHost!.node;
    const cam = await ffmpegProducer(node, sid, hw.peerId, 'webcam', 'testsrc=size=160x120:rate=15');
    producers.push(cam);
    await cam.flowing();
    const probe = await consumeWithProbe(node, sid, gw.peerId, cam.producerId);
    probes.push(probe);
    await waitFor(() => probe.packets > 20, 20_000);
    const producerPackets = async () => (await node.getProducerStats({ roomId: sid, peerId: hw.peerId, producerId: cam.producerId })).streams.reduce((n, s) => n + s.packetCount, 0);

    for (const r of await Promise.all(requests())) expect(r.status).toBe(200);

    // ---- Postgres crashes.
    await pgc.stopImmediate();
    const downAt = Date.now();
    const atDown = { probe: probe.packets, producer: await producerPackets() };

    // Requests answer 503 with Retry-After, quickly; /readyz says the database is not ready.
    const during = await Promise.all(requests());
    for (const r of during) {
      expect(r, JSON.stringify(r)).toMatchObject({ status: 503, code: 'unavailable' });
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(r.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    const ready = await timed('GET', '/readyz', undefined, {});
    expect(ready.status).toBe(503);
    expect(ready.ms).toBeLessThan(ANSWER_BOUND_MS);

    // A signaling request that needs the database is refused as retryable, in the protocol's words.
    const t0 = performance.now();
    const caps = await req(g, 'getRouterRtpCapabilities');
    const signalingMs = performance.now() - t0;
    expect(caps).toEqual({ ok: false, error: { code: 'not_available', message: expect.not.stringMatching(/127\.0\.0\.1|ECONN|postgres/i) } });
    expect(signalingMs).toBeLessThan(ANSWER_BOUND_MS);

    // A peer leaves meanwhile: the others are told at once, its attendance is kept for later.
    leaver.socket.disconnect();
    const leftAt = Date.now();
    await waitFor(() => h.events.some((e) => e.name === 'peerLeft' && (e.payload as { peerId: string }).peerId === lw.peerId), 10_000);

    // Requests keep answering 503 at once for the whole outage (no growing reconnect wait).
    const later: Awaited<ReturnType<typeof timed>>[] = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      later.push(...(await Promise.all(requests())));
      await sleep(500);
    }
    for (const r of later) {
      expect(r.status).toBe(503);
      expect(r.ms).toBeLessThan(ANSWER_BOUND_MS);
    }
    const atUp = { probe: probe.packets, producer: await producerPackets() };

    // The call went on: the sockets stayed up and media kept flowing through the SFU.
    expect(h.socket.connected && g.socket.connected).toBe(true);
    const outageSeconds = (Date.now() - downAt) / 1000;
    expect(atUp.probe - atDown.probe).toBeGreaterThan(outageSeconds * 5); // a 15 fps camera: well above 5 packets/s
    expect(atUp.producer - atDown.producer).toBeGreaterThan(outageSeconds * 5);

    // ---- Postgres is back on the same port: the same process serves again.
    await pgc.start();
    const upAt = Date.now();
    await waitFor(async () => (await timed('GET', '/api/me')).status === 200, 30_000);
    const recoveredMs = Date.now() - upAt;
    expect(recoveredMs).toBeLessThan(ANSWER_BOUND_MS); // no reconnect wait grown during the outage
    for (const r of await Promise.all(requests())) expect(r.status).toBe(200);
    expect((await timed('GET', '/readyz', undefined, {})).status).toBe(200);

    // The leaver's interval is closed at the time it left, not when the database came back.
    await waitFor(async () => {
      const [row] = await db.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.participantId, lw.peerId));
      return row?.leftAt != null;
    }, 30_000);
    const [row] = await db.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.participantId, lw.peerId));
    expect(Math.abs(row!.leftAt!.getTime() - leftAt)).toBeLessThan(2_000);

    // Media still flows after the recovery, and nothing rejected unhandled.
    const afterUp = probe.packets;
    await waitFor(() => probe.packets > afterUp + 20, 10_000);
    expect(h.socket.connected && g.socket.connected).toBe(true);
    expect(unhandled).toEqual([]);

    console.info(
      `[postgres-call] outage ${outageSeconds.toFixed(1)} s; 503 answers in ${during.map((r) => r.ms.toFixed(0)).join('/')} ms (me/sessions/login), /readyz in ${ready.ms.toFixed(0)} ms, signaling refusal in ${signalingMs.toFixed(0)} ms; ` +
        `${later.length} more requests during the outage, slowest ${Math.max(...later.map((r) => r.ms)).toFixed(0)} ms; ` +
        `RTP during outage: ${atUp.probe - atDown.probe} packets at the consumer, ${atUp.producer - atDown.producer} at the producer; ` +
        `first 200 ${recoveredMs} ms after Postgres accepted connections; leave written ${row!.leftAt!.getTime() - leftAt} ms from the disconnect`,
    );
  });
});
