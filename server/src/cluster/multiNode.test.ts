// Two API nodes and one SFU node in one test process, linked only by a private Redis:
// signaling across API nodes, shared placement, TURN credentials on transports.
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, dbKinds, type TestDb } from '@lectern/db/testing';
import { Redis } from 'ioredis';
import { loadConfig } from '../config.js';
import { startLectern, type Lectern } from '../lectern.js';
import { RTC_NAMESPACE, type Ack } from '../protocol/index.js';
import { testEnv } from '../test/harness.js';
import { createUser } from '../users/userService.js';
import { TestRedis } from './test/testRedis.js';

const TURN_SECRET = 'Tq8vN3xLw6Zr2KpM9cYb';

describe.each(dbKinds())('many nodes on %s', (kind) => {
  let redis: TestRedis;
  let probe: Redis;
  let db: TestDb;
  let sfu: Lectern;
  let api1: Lectern;
  let api2: Lectern;
  let hostAuth: { authorization: string };
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    probe = new Redis(redis.url);
    db = await createTestDb(kind);
    const shared = testEnv({ REDIS_URL: redis.url, PORT: '0', LECTERN_SFU_ANNOUNCE_INTERVAL_MS: '500' });
    const env = (extra: Record<string, string>) => loadConfig({ ...shared, ...extra });
    sfu = await startLectern(env({ LECTERN_ROLE: 'sfu', LECTERN_NODE_ID: 'sfu-a', LECTERN_SFU_WORKERS: '1', LECTERN_RTC_PORT_BASE: String(25320 + (kind === 'postgres' ? 1 : 0)) }), { db });
    const turn = { LECTERN_TURN_URLS: 'turn:turn.example.test:3478', LECTERN_TURN_SECRET: TURN_SECRET };
    api1 = await startLectern(env({ LECTERN_ROLE: 'api', LECTERN_NODE_ID: 'api-a', ...turn }), { db, serveClient: false });
    api2 = await startLectern(env({ LECTERN_ROLE: 'api', LECTERN_NODE_ID: 'api-b', ...turn }), { db, serveClient: false });
    const host = await createUser(db.db, { email: `host-${kind}@example.test`, name: 'Host', password: 'host-password-1', role: 'teacher' }, 14);
    hostAuth = { authorization: `Bearer ${await api1.runtime.ctx.tokens.signAccess({ userId: host.id, role: 'teacher' })}` };
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await api1?.close();
    await api2?.close();
    await sfu?.close();
    probe?.disconnect();
    await db?.destroy();
    await redis?.stop();
  });

  const api = async <T>(node: Lectern, method: string, url: string, body?: unknown, headers: Record<string, string> = hostAuth): Promise<T> => {
    const res = await fetch(`${node.url}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, `${method} ${url}`).toBeLessThan(300);
    return (await res.json()) as T;
  };

  function open(node: Lectern, token: string): { socket: Socket; events: string[]; welcome: Promise<{ peerId: string }> } {
    const socket = connect(`${node.url}${RTC_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const events: string[] = [];
    socket.onAny((name: string) => events.push(name));
    const welcome = new Promise<{ peerId: string }>((resolve, reject) => {
      socket.once('welcome', resolve);
      socket.once('connect_error', reject);
    });
    return { socket, events, welcome };
  }
  const req = async <T>(socket: Socket, name: string, payload: unknown = {}): Promise<T> => {
    const ack = (await socket.timeout(10_000).emitWithAck(name, payload)) as Ack<T>;
    if (!ack.ok) throw new Error(`${name}: ${ack.error.code} ${ack.error.message}`);
    return ack.data;
  };
  async function join(socket: Socket): Promise<{ peers: { peerId: string }[] }> {
    const caps = await req<{ rtpCapabilities: unknown }>(socket, 'getRouterRtpCapabilities');
    return req(socket, 'join', { rtpCapabilities: caps.rtpCapabilities });
  }

  it('many nodes: participants on different API nodes meet in one room placed on the SFU node', async () => {
    const s = await api<{ id: string }>(api1, 'POST', '/api/sessions', { title: 'Across nodes', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: 'open' });
    await api(api2, 'POST', `/api/sessions/${s.id}/start`);
    const { code } = await api<{ code: string }>(api1, 'POST', `/api/sessions/${s.id}/codes`);
    const { roomToken: hostToken } = await api<{ roomToken: string }>(api1, 'POST', `/api/sessions/${s.id}/room-token`);
    const { roomToken: guestToken } = await api<{ roomToken: string }>(api2, 'POST', '/api/join', { code, displayName: 'Guest' }, {});

    const host = open(api1, hostToken);
    const hostPeer = (await host.welcome).peerId;
    await join(host.socket);
    const guest = open(api2, guestToken);
    const guestPeer = (await guest.welcome).peerId;
    const joined = await join(guest.socket);

    // The guest (on api-b) sees the host (on api-a) in the room, and the host hears of the guest.
    expect(joined.peers.map((p) => p.peerId)).toEqual([hostPeer]);
    await expect.poll(() => host.events.includes('peerJoined')).toBe(true);
    expect(await probe.get(`lectern:room:${s.id}:node`)).toBe('sfu-a');

    // Transports come with short-lived TURN credentials for this peer.
    const t = await req<{ id: string; iceServers: { urls: string[]; username: string; credential: string }[] }>(guest.socket, 'createTransport', { direction: 'send' });
    expect(t.iceServers).toHaveLength(1);
    expect(t.iceServers[0]!.urls).toEqual(['turn:turn.example.test:3478']);
    expect(t.iceServers[0]!.username).toMatch(new RegExp(`^\\d+:${guestPeer}$`));
    expect(Number(t.iceServers[0]!.username.split(':')[0]) - Date.now() / 1000).toBeGreaterThan(3500);

    // The guest leaves through api-b; the host on api-a is told.
    guest.socket.emit('leave', {}, () => undefined); // the server disconnects right after leaving
    await expect.poll(() => host.events.includes('peerLeft')).toBe(true);
  });
});
