// Signaling under load: N Socket.IO clients (default 1,000) against one Lectern node (API,
// gateway and in-process SFU in one process, on Postgres). Clients join rooms of R
// (default 25) by code: POST /api/join, the /rtc handshake, getRouterRtpCapabilities, join
// and one receive transport, as a browser does. Then, for S seconds (default 60), each
// sends a request every ~2 s (half answered by the gateway alone, getRouterRtpCapabilities;
// half a round trip to the mediasoup worker, restartIce). Prints join and request latency
// (p50/p99/max), errors, the API process's CPU, and its memory per 1,000 connected sockets.
// The clients run in this process on the same machine: their CPU is printed too.
// Usage: DATABASE_URL=postgres://... npx tsx --conditions=lectern-source scripts/bench/signaling.ts [clients=1000] [seconds=60] [roomSize=25]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { io as connect, type Socket } from 'socket.io-client';
import { users } from '@lectern/db';
import { createTestDb } from '@lectern/db/testing';
import { TokenService } from '../../server/src/auth/tokens.js';
import { freePort } from '../../server/src/cluster/test/testRedis.js';
import { systemClock } from '../../server/src/clock.js';
import { RTC_NAMESPACE, type Ack } from '../../server/src/protocol/index.js';
import { testEnv } from '../../server/src/test/harness.js';
import { cpuSeconds, percentile } from './benchCourse.js';

const CLIENTS = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 60);
const ROOM_SIZE = Number(process.argv[4] ?? 25);
const PERIOD_MS = 2000;
const CONNECT_CONCURRENCY = 25;

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (sorted: number[]) =>
  `p50 ${percentile(sorted, 50).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms  max ${(sorted.at(-1) ?? NaN).toFixed(1)} ms  (n=${sorted.length})`;

interface Client {
  socket: Socket;
  transportId: string;
}

async function startNode(env: Record<string, string>, port: number) {
  const serverDir = fileURLToPath(new URL('../../server', import.meta.url));
  const proc = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, PORT: String(port), HOST: '127.0.0.1', LECTERN_PUBLIC_URL: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`node did not start: ${log}`)), 90_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Lectern is running at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`node exited (${code}): ${log}`)));
  });
  return { url: `http://127.0.0.1:${port}`, proc };
}

async function main(): Promise<void> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  delete process.env.REDIS_URL; // one node: its in-memory bus
  const db = await createTestDb('postgres');
  const limit = String(CLIENTS * 10);
  const env = testEnv({
    DATABASE_URL: db.url!,
    LECTERN_LOG_LEVEL: 'error',
    LECTERN_SFU_WORKERS: '2',
    LECTERN_RTC_PORT_BASE: String(await freePort()),
    LECTERN_JOIN_RATE_PER_IP: limit,
    LECTERN_JOIN_RATE_GLOBAL: limit,
    LECTERN_ROOM_MAX_PARTICIPANTS: String(Math.max(ROOM_SIZE, 50)),
  });
  const node = await startNode(env, await freePort());
  const pid = node.proc.pid!;
  const clients: Client[] = [];
  try {
    const [teacher] = await db.db.insert(users).values({ email: 'bench-teacher@example.test', name: 'Bench Teacher', role: 'teacher', passwordHash: 'x' }).returning();
    const tokens = new TokenService({ secret: env.LECTERN_JWT_SECRET!, clock: systemClock, accessTtlSeconds: 3600, roomTtlSeconds: 600 });
    const bearer = { authorization: `Bearer ${await tokens.signAccess({ userId: teacher!.id, role: 'teacher' })}`, 'content-type': 'application/json' };
    const post = async <T>(path: string, body: unknown, headers: Record<string, string> = bearer): Promise<T> => {
      const res = await fetch(`${node.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body ?? {}) });
      if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const codes: string[] = [];
    for (let r = 0; r < Math.ceil(CLIENTS / ROOM_SIZE); r++) {
      const s = await post<{ id: string }>('/api/sessions', { title: `Room ${r}`, scheduledAt: new Date().toISOString(), durationMinutes: 60, timezone: 'UTC', guestAccess: 'open', participantLimit: ROOM_SIZE });
      await post(`/api/sessions/${s.id}/start`, {});
      codes.push((await post<{ code: string }>(`/api/sessions/${s.id}/codes`, {})).code);
    }
    await sleep(3000);
    const idleRss = rssMb(pid);
    console.log(`signaling bench: ${CLIENTS} clients in ${codes.length} rooms of ${ROOM_SIZE}, one node (pid ${pid}), ${SECONDS} s at 1 request / ${PERIOD_MS / 1000} s each`);

    const joinMs: number[] = [];
    let joinErrors = 0;
    const joinOne = async (i: number): Promise<void> => {
      const t0 = performance.now();
      const ticket = await post<{ roomToken: string }>('/api/join', { code: codes[Math.floor(i / ROOM_SIZE)], displayName: `Client ${i}` }, { 'content-type': 'application/json' });
      const socket = connect(`${node.url}${RTC_NAMESPACE}`, { auth: { token: ticket.roomToken }, transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve, reject) => {
        socket.once('welcome', () => resolve());
        socket.once('connect_error', reject);
      });
      const ask = async <T>(name: string, payload: unknown = {}): Promise<T> => {
        const a = (await socket.timeout(30_000).emitWithAck(name, payload)) as Ack<T>;
        if (!a.ok) throw new Error(`${name}: ${a.error.message}`);
        return a.data;
      };
      const caps = await ask<{ rtpCapabilities: unknown }>('getRouterRtpCapabilities');
      await ask('join', { rtpCapabilities: caps.rtpCapabilities });
      const t = await ask<{ id: string }>('createTransport', { direction: 'recv' });
      joinMs.push(performance.now() - t0);
      clients.push({ socket, transportId: t.id });
    };
    const joinStart = performance.now();
    for (let i = 0; i < CLIENTS; i += CONNECT_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, CLIENTS - i) }, (_, k) => joinOne(i + k).catch(() => void (joinErrors += 1)));
      await Promise.all(batch);
    }
    const joinWall = (performance.now() - joinStart) / 1000;
    await sleep(3000);
    const connectedRss = rssMb(pid);
    console.log(`joined: ${clients.length} of ${CLIENTS} in ${joinWall.toFixed(1)} s (errors ${joinErrors}); join (POST /api/join -> handshake -> join -> recv transport): ${fmt(joinMs.sort((a, b) => a - b))}`);

    // Steady load: each client sends one request per period, spread evenly over the period.
    const lat: Record<'gateway' | 'worker', number[]> = { gateway: [], worker: [] };
    let errors = 0;
    let inFlight = 0;
    const cpu0 = cpuSeconds(pid);
    const self0 = process.cpuUsage();
    const wall0 = performance.now();
    const until = wall0 + SECONDS * 1000;
    await Promise.all(
      clients.map(async (c, i) => {
        await sleep((i / clients.length) * PERIOD_MS);
        for (let n = 0; performance.now() < until; n++) {
          const due = wall0 + (i / clients.length) * PERIOD_MS + (n + 1) * PERIOD_MS;
          const toWorker = (n + i) % 2 === 1;
          const t0 = performance.now();
          inFlight += 1;
          try {
            const a = (await (toWorker
              ? c.socket.timeout(30_000).emitWithAck('restartIce', { transportId: c.transportId })
              : c.socket.timeout(30_000).emitWithAck('getRouterRtpCapabilities', {}))) as Ack<unknown>;
            if (a.ok) lat[toWorker ? 'worker' : 'gateway'].push(performance.now() - t0);
            else errors += 1;
          } catch {
            errors += 1;
          } finally {
            inFlight -= 1;
          }
          await sleep(Math.max(0, due - performance.now()));
        }
      }),
    );
    const wall = (performance.now() - wall0) / 1000;
    const apiCpu = (cpuSeconds(pid) - cpu0) / wall;
    const self = process.cpuUsage(self0);
    const all = [...lat.gateway, ...lat.worker].sort((a, b) => a - b);
    console.log(`requests: ${all.length} in ${wall.toFixed(1)} s (${(all.length / wall).toFixed(0)}/s), errors ${errors}, still in flight ${inFlight}`);
    console.log(`  all:               ${fmt(all)}`);
    console.log(`  gateway only:      ${fmt(lat.gateway.sort((a, b) => a - b))}`);
    console.log(`  through the worker: ${fmt(lat.worker.sort((a, b) => a - b))}`);
    console.log(`API process CPU: ${(apiCpu * 100).toFixed(1)}% of one core (bench clients in this process: ${(((self.user + self.system) / 1e6 / wall) * 100).toFixed(1)}%)`);
    console.log(
      `API process memory: idle ${idleRss.toFixed(0)} MB, with ${clients.length} sockets joined ${connectedRss.toFixed(0)} MB -> ${(((connectedRss - idleRss) / Math.max(1, clients.length)) * 1000).toFixed(1)} MB per 1,000 sockets`,
    );
    console.log(
      JSON.stringify({ bench: 'signaling', clients: clients.length, rooms: codes.length, p50Ms: +percentile(all, 50).toFixed(2), p99Ms: +percentile(all, 99).toFixed(2), apiCpuPct: +(apiCpu * 100).toFixed(1), mbPer1000Sockets: +(((connectedRss - idleRss) / Math.max(1, clients.length)) * 1000).toFixed(1), errors }),
    );
  } finally {
    for (const c of clients) c.socket.disconnect();
    node.proc.kill('SIGTERM');
    await new Promise((r) => node.proc.once('exit', r));
    await db.destroy();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
