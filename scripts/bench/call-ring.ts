// Call ringing latency: a group of M members (default 100) connected to the /user namespace
// of two API node processes (Postgres + a private Redis), half on each; the teacher starts
// K calls in a row (default 10; each hung up before the next). Prints p50/p90/p99/max from
// the start request to each member's `callRinging`, and the start request's own latency.
// Usage: DATABASE_URL=postgres://... npx tsx --conditions=lectern-source scripts/bench/call-ring.ts [calls=10] [members=100]
import { io, type Socket } from 'socket.io-client';
import { courses, enrolments, users } from '@lectern/db';
import { createTestDb } from '@lectern/db/testing';
import { TokenService } from '../../server/src/auth/tokens.js';
import { startApiChild, type ChildNode } from '../../server/src/chat/test/nodes.js';
import { freePort, TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { systemClock } from '../../server/src/clock.js';
import { testEnv } from '../../server/src/test/harness.js';

const calls = Number(process.argv[2] ?? 10);
const memberCount = Number(process.argv[3] ?? 100);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

async function main(): Promise<void> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  const redis = await TestRedis.start();
  const db = await createTestDb('postgres');
  const env = testEnv({ REDIS_URL: redis.url, DATABASE_URL: db.url!, LECTERN_LOG_LEVEL: process.env.LECTERN_LOG_LEVEL ?? 'error' });
  const nodes: ChildNode[] = [];
  const sockets: Socket[] = [];
  try {
    nodes.push(await startApiChild(env, await freePort(), 'ring-a'), await startApiChild(env, await freePort(), 'ring-b'));
    const tokens = new TokenService({ secret: env.LECTERN_JWT_SECRET!, clock: systemClock, accessTtlSeconds: 3600, roomTtlSeconds: 600 });
    const people = await db.db
      .insert(users)
      .values(Array.from({ length: memberCount + 1 }, (_, i) => ({ email: `ring${i}@example.test`, name: `Member ${i}`, role: i === 0 ? ('teacher' as const) : ('student' as const), passwordHash: 'x' })))
      .returning({ id: users.id, role: users.role });
    const [course] = await db.db.insert(courses).values({ title: 'Bench', ownerId: people[0]!.id }).returning();
    await db.db.insert(enrolments).values(people.slice(1).map((p) => ({ courseId: course!.id, userId: p.id })));
    const jwts = await Promise.all(people.map((p) => tokens.signAccess({ userId: p.id, role: p.role })));
    const post = async (path: string) => {
      const res = await fetch(`${nodes[0]!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${jwts[0]}` }, body: path === '/api/chats' ? JSON.stringify({ kind: 'group', title: 'Bench', memberIds: people.slice(1).map((p) => p.id) }) : '{}' });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ id: string; callId: string }>;
    };
    const conv = await post('/api/chats');
    let t0 = 0;
    const latencies: number[] = [];
    const starts: number[] = [];
    let pending = 0;
    let allRang: () => void = () => undefined;
    await Promise.all(
      people.slice(1).map(
        (_, i) =>
          new Promise<void>((resolve, reject) => {
            const s = io(`${nodes[i % 2]!.url}/user`, { auth: { token: jwts[i + 1] }, transports: ['websocket'] });
            sockets.push(s);
            s.on('connect', () => resolve());
            s.on('connect_error', reject);
            s.on('callRinging', () => {
              latencies.push(performance.now() - t0);
              if (--pending === 0) allRang();
            });
          }),
      ),
    );
    for (let k = 0; k < calls; k++) {
      pending = memberCount;
      const rang = new Promise<void>((r) => (allRang = r));
      t0 = performance.now();
      const call = await post(`/api/chats/${conv.id}/call`);
      starts.push(performance.now() - t0);
      await Promise.race([rang, new Promise((_, reject) => setTimeout(() => reject(new Error(`call ${k}: ${pending} members never rang`)), 15_000))]);
      await post(`/api/calls/${call.callId}/hangup`);
    }
    const sorted = latencies.sort((a, b) => a - b);
    const s = starts.sort((a, b) => a - b);
    const f = (n: number) => `${n.toFixed(0)} ms`;
    console.log(`call ringing: ${calls} calls x ${memberCount} members on 2 API nodes (${sorted.length} rings)`);
    console.log(`  start -> callRinging  p50 ${f(pct(sorted, 50))}  p90 ${f(pct(sorted, 90))}  p99 ${f(pct(sorted, 99))}  max ${f(sorted.at(-1)!)}`);
    console.log(`  POST /api/chats/:id/call  p50 ${f(pct(s, 50))}  max ${f(s.at(-1)!)}`);
  } finally {
    for (const s of sockets) s.close();
    for (const n of nodes) await n.kill();
    await db.destroy();
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
