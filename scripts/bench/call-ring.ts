// Call ringing latency: a group of M members (default 100) connected to the /user namespace
// of two API node processes (Postgres + a private Redis), half on each; the teacher starts
// K calls in a row (default 10; each hung up before the next). Prints p50/p90/p99/max from
// the start request to each member's `callRinging`, and the start request's own latency.
// Usage: DATABASE_URL=postgres://... npx tsx --conditions=lectern-source scripts/bench/call-ring.ts [calls=10] [members=100]
import { io, type Socket } from 'socket.io-client';
import { percentile, startBenchCourse } from './benchCourse.js';

const calls = Number(process.argv[2] ?? 10);
const memberCount = Number(process.argv[3] ?? 100);

async function main(): Promise<void> {
  const bench = await startBenchCourse('ring', memberCount + 1);
  const { nodes, people, jwts } = bench;
  const sockets: Socket[] = [];
  try {
    const post = async (path: string) => {
      const res = await fetch(`${nodes[0]!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${jwts[0]}` }, body: '{}' });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<{ callId: string }>;
    };
    const convId = await bench.createGroup('Bench');
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
      const call = await post(`/api/chats/${convId}/call`);
      starts.push(performance.now() - t0);
      await Promise.race([rang, new Promise((_, reject) => setTimeout(() => reject(new Error(`call ${k}: ${pending} members never rang`)), 15_000))]);
      await post(`/api/calls/${call.callId}/hangup`);
    }
    const sorted = latencies.sort((a, b) => a - b);
    const s = starts.sort((a, b) => a - b);
    const f = (n: number) => `${n.toFixed(0)} ms`;
    console.log(`call ringing: ${calls} calls x ${memberCount} members on 2 API nodes (${sorted.length} rings)`);
    console.log(`  start -> callRinging  p50 ${f(percentile(sorted, 50))}  p90 ${f(percentile(sorted, 90))}  p99 ${f(percentile(sorted, 99))}  max ${f(sorted.at(-1)!)}`);
    console.log(`  POST /api/chats/:id/call  p50 ${f(percentile(s, 50))}  max ${f(s.at(-1)!)}`);
  } finally {
    for (const s of sockets) s.close();
    await bench.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
