// Chat fan-out benchmark: one group of M members (default 200) spread over two API node
// processes that share Postgres and a private Redis; senders post R messages a second
// (default 50) for S seconds (default 60). Prints p50/p90/p99/max send-to-receive latency
// over every (message, receiving member) pair, send-to-ack latency, delivery count, and
// the CPU used by each API node process.
// Usage: DATABASE_URL=postgres://... npx tsx --conditions=lectern-source scripts/bench/chat.ts [seconds=60] [rate=50] [members=200]
import { readFileSync } from 'node:fs';
import { createTestDb } from '@lectern/db/testing';
import { courses, enrolments, users } from '@lectern/db';
import { TokenService } from '../../server/src/auth/tokens.js';
import { freePort, TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { systemClock } from '../../server/src/clock.js';
import { ChatTestClient } from '../../server/src/chat/test/chatClient.js';
import { startApiChild, type ChildNode } from '../../server/src/chat/test/nodes.js';
import { testEnv } from '../../server/src/test/harness.js';

const seconds = Number(process.argv[2] ?? 60);
const rate = Number(process.argv[3] ?? 50);
const memberCount = Number(process.argv[4] ?? 200);
const SENDERS = Math.max(10, Math.ceil(rate / 5)); // each under the per-user limit (10/s)
const WARMUP_S = 5;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const CLK = 100; // USER_HZ
function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK; // utime + stime
}

async function main(): Promise<void> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  const redis = await TestRedis.start();
  const db = await createTestDb('postgres');
  const env = testEnv({ REDIS_URL: redis.url, DATABASE_URL: db.url!, LECTERN_LOG_LEVEL: process.env.LECTERN_LOG_LEVEL ?? 'error' });
  const nodes: ChildNode[] = [];
  const clients: ChatTestClient[] = [];
  try {
    nodes.push(await startApiChild(env, await freePort(), 'bench-a'), await startApiChild(env, await freePort(), 'bench-b'));
    const tokens = new TokenService({ secret: env.LECTERN_JWT_SECRET!, clock: systemClock, accessTtlSeconds: 3600, roomTtlSeconds: 600 });
    const people = await db.db
      .insert(users)
      .values(Array.from({ length: memberCount }, (_, i) => ({ email: `bench${i}@example.test`, name: `Member ${i}`, role: i === 0 ? ('teacher' as const) : ('student' as const), passwordHash: 'x' })))
      .returning({ id: users.id, role: users.role });
    const teacher = people[0]!;
    const [course] = await db.db.insert(courses).values({ title: 'Bench', ownerId: teacher.id }).returning();
    await db.db.insert(enrolments).values(people.slice(1).map((p) => ({ courseId: course!.id, userId: p.id })));
    const jwts = await Promise.all(people.map((p) => tokens.signAccess({ userId: p.id, role: p.role })));
    const res = await fetch(`${nodes[0]!.url}/api/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwts[0]}` },
      body: JSON.stringify({ kind: 'group', title: 'Bench group', memberIds: people.slice(1).map((p) => p.id) }),
    });
    if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
    const convId = ((await res.json()) as { id: string }).id;

    const sentAt = new Map<string, number>();
    /** clientIds sent after the warm-up. */
    const measured = new Set<string>();
    const latencies: number[] = [];
    let measuring = false;
    let delivered = 0;
    for (const [i, jwt] of jwts.entries()) {
      const c = new ChatTestClient(nodes[i % 2]!.url, jwt, convId);
      c.onMessage = (m, at) => {
        const t0 = m.clientId ? sentAt.get(m.clientId) : undefined;
        if (t0 === undefined || m.authorId === people[i]!.id) return;
        delivered += 1;
        if (measured.has(m.clientId!)) latencies.push(at - t0);
      };
      clients.push(c);
    }
    await Promise.all(clients.map((c) => c.ready()));
    console.log(`chat bench: ${memberCount} members on 2 API nodes, ${rate} msg/s from ${SENDERS} senders, ${seconds} s (+${WARMUP_S} s warm-up)`);

    const acks: number[] = [];
    const pending: Promise<unknown>[] = [];
    let n = 0;
    const total = (seconds + WARMUP_S) * rate;
    const cpu0: number[] = [];
    let wall0 = 0;
    let self0 = process.cpuUsage();
    let sentMeasured = 0;
    const start = performance.now();
    for (n = 0; n < total; n++) {
      const due = start + (n * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (n === WARMUP_S * rate) {
        measuring = true;
        wall0 = performance.now();
        nodes.forEach((node, i) => (cpu0[i] = cpuSeconds(node.proc.pid!)));
        self0 = process.cpuUsage();
      }
      // Senders alternate between the two nodes (member i is on node i % 2).
      const sender = clients[1 + (n % SENDERS)]!;
      const clientId = `b${n}`;
      const t0 = performance.now();
      sentAt.set(clientId, t0);
      if (measuring) {
        sentMeasured += 1;
        measured.add(clientId);
      }
      const inWindow = measuring;
      pending.push(sender.send(clientId, `bench message ${n} ${'x'.repeat(80)}`, 30_000).then(() => inWindow && acks.push(performance.now() - t0)));
    }
    await Promise.all(pending);
    // Last deliveries: wait until every member has every measured message, or 30 s.
    for (let waited = 0; latencies.length < sentMeasured * (memberCount - 1) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    const wall = (performance.now() - wall0) / 1000;
    const cpu = nodes.map((node, i) => cpuSeconds(node.proc.pid!) - cpu0[i]!);
    const self = process.cpuUsage(self0);
    latencies.sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    const expected = sentMeasured * (memberCount - 1);
    const f = (x: number) => x.toFixed(1);
    console.log(`messages sent (measured): ${sentMeasured}; deliveries measured: ${latencies.length} of ${expected} expected (${((100 * latencies.length) / expected).toFixed(2)}%); all deliveries incl. warm-up: ${delivered}`);
    console.log(`send-to-receive ms: p50 ${f(percentile(latencies, 50))}  p90 ${f(percentile(latencies, 90))}  p99 ${f(percentile(latencies, 99))}  max ${f(latencies.at(-1) ?? NaN)}`);
    const reasons = new Map<string, number>();
    for (const c of clients) for (const [k, v] of c.retryReasons) reasons.set(k, (reasons.get(k) ?? 0) + v);
    console.log(`resends: ${clients.reduce((n, c) => n + c.resends, 0)} ${JSON.stringify(Object.fromEntries(reasons))}`);
    console.log(`send-to-ack ms:     p50 ${f(percentile(acks, 50))}  p90 ${f(percentile(acks, 90))}  p99 ${f(percentile(acks, 99))}  max ${f(acks.at(-1) ?? NaN)}`);
    console.log(`server CPU over ${wall.toFixed(1)} s: ${nodes.map((node, i) => `${node.proc.pid === undefined ? '?' : `node ${String.fromCharCode(97 + i)}`} ${((100 * cpu[i]!) / wall).toFixed(1)}% of one core`).join(', ')}; the ${memberCount} clients (this process) ${((100 * (self.user + self.system)) / 1e6 / wall).toFixed(1)}%`);
  } finally {
    for (const c of clients) c.close();
    for (const node of nodes) await node.kill('SIGTERM').catch(() => undefined);
    await db.destroy();
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
