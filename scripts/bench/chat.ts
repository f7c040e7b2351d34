// Chat fan-out benchmark: one group of M members (default 200) spread over two API node
// processes that share Postgres and a private Redis; senders post R messages a second
// (default 50) for S seconds (default 60). Prints p50/p90/p99/max send-to-receive latency
// over every (message, receiving member) pair, send-to-ack latency, delivery count, and
// the CPU used by each API node process.
// Usage: DATABASE_URL=postgres://... npx tsx --conditions=lectern-source scripts/bench/chat.ts [seconds=60] [rate=50] [members=200]
import { ChatTestClient } from '../../server/src/chat/test/chatClient.js';
import { cpuSeconds, percentile, startBenchCourse } from './benchCourse.js';

const seconds = Number(process.argv[2] ?? 60);
const rate = Number(process.argv[3] ?? 50);
const memberCount = Number(process.argv[4] ?? 200);
const SENDERS = Math.max(10, Math.ceil(rate / 5)); // each under the per-user limit (10/s)
const WARMUP_S = 5;


async function main(): Promise<void> {
  const bench = await startBenchCourse('bench', memberCount);
  const { nodes, people, jwts } = bench;
  const clients: ChatTestClient[] = [];
  try {
    const convId = await bench.createGroup('Bench group');

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
    await bench.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
