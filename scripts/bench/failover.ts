// Failover of a room across two SFU nodes, in Chromium: two API nodes and two SFU nodes
// (separate processes, a private Redis, Postgres), LECTERN_NODE_ROOM_PEERS=2. Each round: a new
// session, four people (two on each SFU node), everyone sees and hears everyone, then kill -9
// of the room's home SFU node. Prints per round: when the movers were placed on the survivor,
// when each direction of their media flowed again, the longest gap in the stayers' media, and
// each stall of 1 s or more in their video with whether the sender's browser had stopped
// encoding the layer being received (its congestion control); then p50 / max over the rounds.
// The killed node is started again for the next round. FAILOVER_TRACE=1 also prints every
// 500 ms sample of the stayers' video (frames, packets, width, what the sender encoded per layer).
// Usage: npm run bench -- failover [rounds=5]   (inside a private network namespace, as e2e)
import { createTestUser } from '../e2e/support.js';
import { openClusterSuite, type NodeSpec } from '../e2e/nodes.js';
import { describeStalls, fillRoom, killHome, seesAndHears } from '../e2e/spanProbe.js';

const SPECS: NodeSpec[] = [
  { name: 'api-1', role: 'api', port: 3741 },
  { name: 'api-2', role: 'api', port: 3742 },
  { name: 'sfu-1', role: 'sfu', port: 3751, rtcPortBase: 25440 },
  { name: 'sfu-2', role: 'sfu', port: 3752, rtcPortBase: 25450 },
];
const rounds = Math.max(1, Number(process.argv[2] ?? 5));

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${s[Math.floor((s.length - 1) / 2)]} ms, max ${s[s.length - 1]} ms`;
}

async function main(): Promise<void> {
  const suite = await openClusterSuite('bench-failover', SPECS, { LECTERN_NODE_ROOM_PEERS: '2', LECTERN_LOG_LEVEL: 'warn' });
  const results: { placed: number; back: number; video: number; audio: number; stalls: number; suspended: number; unexplained: number }[] = [];
  try {
    const t = await createTestUser(suite.db, 'teacher', 'Tess Teacher', 'teacher');
    const token = (await suite.api<{ accessToken: string }>('api-1', 'POST', '/api/auth/login', t)).body.accessToken;
    for (let round = 1; round <= rounds; round++) {
      const { sid, code } = await suite.newSession(`Failover ${round}`, token);
      const people = await fillRoom(suite, sid, code, t);
      for (const who of people) await seesAndHears(who, people.filter((p) => p !== who), 30_000);
      const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
      const f = await killHome(suite, sid, people, 60_000);
      const unexplained = f.stalls.filter((s) => !s.senderSuspended);
      results.push({ placed: f.placedMs, back: f.recoveredMs, video: f.gaps.video, audio: f.gaps.audio, stalls: f.stalls.length, suspended: f.stalls.length - unexplained.length, unexplained: Math.max(0, ...unexplained.map((s) => s.ms)) });
      console.log(
        JSON.stringify({ round, load, killed: f.victim, moversPlacedMs: f.placedMs, mediaBackMs: f.recoveredMs, each: Object.fromEntries(f.back.map((b) => [b.what, b.ms])), stayersGapMs: f.gaps, stayersKeptConsumers: JSON.stringify(f.keptAfter) === JSON.stringify(f.keptBefore), stalls: describeStalls(f.stalls) }),
      );
      if (process.env.FAILOVER_TRACE) console.log(f.log.join('\n'));
      await Promise.all(people.map((p) => p.page.context().close()));
      await suite.cluster.start(f.victim);
    }
  } finally {
    await suite.close();
  }
  console.log(`failover over ${results.length} rounds (kill -9 of the room's home SFU node, 2 of 4 participants on it):`);
  console.log(`  movers placed on the survivor: ${summary(results.map((r) => r.placed))}`);
  console.log(`  everyone's media back (movers <-> everyone): ${summary(results.map((r) => r.back))}`);
  console.log(`  longest gap between the stayers: video ${summary(results.map((r) => r.video))}; audio ${summary(results.map((r) => r.audio))}`);
  const stalls = results.reduce((n, r) => n + r.stalls, 0);
  console.log(`  stayers' video stalls of 1 s or more: ${stalls}, ${results.reduce((n, r) => n + r.suspended, 0)} of them while the sender's browser had stopped encoding the received layer; longest other: ${summary(results.map((r) => r.unexplained))}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
