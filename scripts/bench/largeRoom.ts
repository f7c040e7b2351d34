// A lecture-sized room on a real SfuNode (in-process, the project's mediasoup workers): one
// publisher (camera in three VP8 simulcast layers, Opus mic, VP8 screen share) fed over a
// PlainTransport, and N subscribers, each a peer of the room placed by the room on its routers
// (peersPerRouter per router, then a router on the next worker), each with an SRTP PlainTransport
// consuming camera (most at spatial layer 0, a thumbnail; one in ten at layer 2), mic and screen.
// Their packets land on a few shared UDP sinks in this process and are counted per SSRC
// (largeRoomPeers.ts). After S seconds of steady state it prints one JSON line per worker
// (pid, the room's routers and subscribers there, forwarded packets/s from mediasoup's consumer
// counters, the worker's CPU % from getResourceUsage, loss at the sinks against what the
// publisher sent) and a summary line; then 5 late joiners come in one by one and the summary
// gives how long from each one's first consume request to its first camera packet at the sink.
// Usage: npm run bench -- large-room [N=600] [--workers=2] [--seconds=20] [--per-router=150]
//          [--srtp=AEAD_AES_256_GCM|AES_CM_128_HMAC_SHA1_80|none] [--rate=1] [--sinks=8] [--sink-threads=2]
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { DEFAULT_PEERS_PER_ROUTER, SfuNode } from '@lectern/sfu';
import { publish, publisherStreams, subscribe, subscriberCaps, watchNode, type Placement, type Subscriber, type Suite } from './largeRoomPeers.js';
import { Feed, Sinks } from './largeRoomThreads.js';

const OPTIONS = ['workers', 'seconds', 'per-router', 'srtp', 'rate', 'sinks', 'sink-threads'] as const;
function parseArgs(argv: string[]): { n: number; opt: Partial<Record<(typeof OPTIONS)[number], string>> } {
  let n = 600;
  const opt: Partial<Record<(typeof OPTIONS)[number], string>> = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.+)$/.exec(a);
    if (/^\d+$/.test(a)) n = Number(a);
    else if (m && (OPTIONS as readonly string[]).includes(m[1]!)) opt[m[1] as (typeof OPTIONS)[number]] = m[2]!;
    else {
      console.error(`large-room: unknown argument '${a}' (N, --${OPTIONS.join('=, --')}=)`);
      process.exit(64);
    }
  }
  return { n, opt };
}

const { n: N, opt } = parseArgs(process.argv.slice(2));
const WORKERS = Number(opt.workers ?? 2);
const SECONDS = Number(opt.seconds ?? 20);
const PER_ROUTER = Number(opt['per-router'] ?? DEFAULT_PEERS_PER_ROUTER);
const SRTP = (opt.srtp ?? 'AEAD_AES_256_GCM') as Suite;
const RATE = Number(opt.rate ?? 1);
const SINKS = Number(opt.sinks ?? 8);
const SINK_THREADS = Number(opt['sink-threads'] ?? 2);
// One subscriber in ten asks for the camera's top layer (a speaker view): subscribers 8 and 9 of
// every 20, as a pair, so that routers taking newcomers in turn get as many of them each.
const highLayer = (j: number) => Math.floor(j / 2) % 10 === 4;
const LATE = 5;
const BATCH = 20; // subscribers joining at once while the room fills

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (part: number, whole: number) => (whole > 0 ? +Math.max(0, (1 - part / whole) * 100).toFixed(2) : null);
const nearestRank = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(q * xs.length) - 1)] ?? null;
const ms1 = (x: number | null) => (x === null ? null : +x.toFixed(1));

/** Forwarded packets so far by worker pid: the outbound counters of the subscribers' consumers there. */
async function forwardedByPid(placement: Placement): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  for (const [pid, consumers] of placement.consumers) {
    const stats = (await Promise.all([...consumers].map((c) => c.getStats().catch(() => [])))).flat();
    result.set(pid, stats.reduce((sum, s) => sum + (s.type === 'outbound-rtp' ? s.packetCount : 0), 0));
  }
  return result;
}

async function cpuMsByPid(node: SfuNode): Promise<Map<number, number>> {
  const stats = await node.workerStats();
  return new Map(stats.map((w) => [w.pid, w.cpu ? (w.cpu.userSeconds + w.cpu.systemSeconds) * 1000 : 0]));
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((x) => +x.toFixed(2));
  const placement = watchNode(SRTP);
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const node = await SfuNode.create({
    numWorkers: WORKERS,
    listenIp: '127.0.0.1',
    portBase: 45000 + Math.floor(Math.random() * 900), // WebRtcServer ports, unused here; clear of other runs
    rtcMinPort: 50000,
    rtcMaxPort: 59999,
    peersPerRouter: PER_ROUTER,
    logLevel: 'error',
    logger,
  });
  const roomId = 'large-room';
  const sinks = await Sinks.open(SINKS, SINK_THREADS);
  let feed: Feed | undefined;
  try {
    const { rtpCapabilities } = await node.ensureRoom({ roomId, maxPeers: N + LATE + 1 });
    const caps = subscriberCaps(rtpCapabilities);
    const streams = publisherStreams(RATE);
    const published = await publish(node, roomId, streams);
    const all = [...streams.camera, streams.mic, streams.screen]; // sent[] indices: camera layers 0-2, mic 3, screen 4
    feed = new Feed(all);
    const sent = feed;

    const setupAt = performance.now();
    const subs: Subscriber[] = [];
    for (let i = 0; i < N; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => i + k);
      if (i % 100 === 0) console.error(`large-room: ${i}/${N} subscribers in, ${((performance.now() - setupAt) / 1000).toFixed(1)} s`);
      subs.push(...(await Promise.all(batch.map((j) => subscribe(node, roomId, `sub-${j}`, highLayer(j) ? 2 : 0, sinks, j, caps, published)))));
    }
    const setupSeconds = +((performance.now() - setupAt) / 1000).toFixed(1);
    await sleep(2000); // every consumer on its layer, the sinks' queues steady

    const received = (s: Subscriber) => [s.ssrcs.camera, s.ssrcs.mic, s.ssrcs.screen].reduce((sum, x) => sum + sinks.count(x), 0);
    // What was sent is read first, what the sinks got 100 ms later, at both ends of the window: the
    // packets on their way at the first read count in both, so only packets lost (or later than
    // 100 ms: a worker's backlog) make received fall short. mediasoup's counters and CPU just after.
    const snapshot = async () => {
      const [at, sentThen, bench] = [performance.now(), sent.sent(), process.cpuUsage()];
      await sleep(100);
      const snap = { at, sent: sentThen, got: subs.map(received), bench };
      const t = performance.now();
      const ingest = (await Promise.all([published.camera, published.mic, published.screen].map((producerId) => node.getProducerStats({ roomId, peerId: 'publisher', producerId })))).flatMap((p) => p.streams);
      const cpu = await cpuMsByPid(node);
      const t2 = performance.now();
      const fwd = await forwardedByPid(placement);
      // Each reading takes a while (1,800 consumers' stats): its rate is over its own interval, from mid-read to mid-read.
      return { ...snap, ingest: ingest.reduce((sum, st) => sum + st.packetCount, 0), cpu, cpuAt: (t + t2) / 2, fwd, fwdAt: (t2 + performance.now()) / 2 };
    };
    console.error(`large-room: ${N} subscribers in ${setupSeconds} s; measuring ${SECONDS} s`);
    const s0 = await snapshot();
    await sleep(SECONDS * 1000);
    const s1 = await snapshot();
    const window = (s1.at - s0.at) / 1000;
    const [fwdWindow, cpuWindow] = [(s1.fwdAt - s0.fwdAt) / 1000, (s1.cpuAt - s0.cpuAt) / 1000];
    const d = s1.sent.map((x, i) => x - (s0.sent[i] ?? 0));
    const expected = (s: Subscriber) => (d[s.layer] ?? 0) + d[3]! + d[4]!;
    const layout = await node.roomLayout({ roomId });
    // Subscribers whose camera is not on the layer they asked for (a skipped layer switch would skew expected against received).
    let offLayer = 0;
    for (const sub of subs) {
      const cam = (await node.listConsumers({ roomId, peerId: sub.peerId })).find((c) => c.producerId === published.camera);
      if (cam?.currentLayers?.spatialLayer !== sub.layer) offLayer++;
    }

    let totalFwd = 0;
    let totalGot = 0;
    let totalExpected = 0;
    for (const [pid, cpu1] of s1.cpu) {
      const mine = subs.map((s, i) => ({ s, i })).filter(({ s }) => placement.workerOf.get(s.peerId) === pid);
      const got = mine.map(({ s, i }) => ({ got: s1.got[i]! - s0.got[i]!, want: expected(s) }));
      const sumGot = got.reduce((a, g) => a + g.got, 0);
      const sumWant = got.reduce((a, g) => a + g.want, 0);
      const fwd = (s1.fwd.get(pid) ?? 0) - (s0.fwd.get(pid) ?? 0);
      [totalFwd, totalGot, totalExpected] = [totalFwd + fwd, totalGot + sumGot, totalExpected + sumWant];
      console.log(
        JSON.stringify({
          bench: 'large-room',
          workerPid: pid,
          routers: layout.routers.filter((r) => r.workerPid === pid).length,
          peers: layout.routers.filter((r) => r.workerPid === pid).reduce((a, r) => a + r.peers, 0),
          subscribers: mine.length,
          offeredPps: Math.round(sumWant / window),
          forwardedPps: Math.round(fwd / fwdWindow),
          workerCpuPct: +(((cpu1 - (s0.cpu.get(pid) ?? 0)) / (cpuWindow * 1000)) * 100).toFixed(1),
          receiverLossPct: pct(sumGot, sumWant),
          worstSubscriberLossPct: got.length ? Math.max(...got.map((g) => pct(g.got, g.want) ?? 0)) : null,
        }),
      );
    }
    const benchCpuMs = (s1.bench.user + s1.bench.system - s0.bench.user - s0.bench.system) / 1000;

    console.error('large-room: late joiners');
    // Late joiners, one at a time into the full room: first consume request -> first camera packet at the sink.
    const late: { consume: number; join: number; pid: number }[] = [];
    for (let k = 0; k < LATE; k++) {
      const joinAt = performance.now();
      const s = await subscribe(node, roomId, `late-${k}`, 0, sinks, N + k, caps, published);
      const deadline = performance.now() + 5000;
      let first = sinks.first(s.ssrcs.camera);
      for (; first === null && performance.now() < deadline; first = sinks.first(s.ssrcs.camera)) await sleep(1);
      if (first === null) throw new Error(`late joiner ${s.peerId} got no camera packet in 5 s`);
      late.push({ consume: first - s.consumeAt, join: first - joinAt, pid: placement.workerOf.get(s.peerId) ?? 0 });
    }

    console.log(
      JSON.stringify({
        bench: 'large-room',
        summary: true,
        workers: WORKERS,
        peersPerRouter: PER_ROUTER,
        srtp: SRTP,
        seconds: +window.toFixed(1),
        subscribers: N,
        routers: layout.routers.map((r) => ({ workerPid: r.workerPid, peers: r.peers })),
        // What the publisher's producers took in, against what it sent: loss before the fan-out.
        ingestPct: +(((s1.ingest - s0.ingest) / d.reduce((a, b) => a + b, 0)) * 100).toFixed(2),
        publisherPps: Object.fromEntries(['cam0', 'cam1', 'cam2', 'mic', 'screen'].map((name, i) => [name, Math.round(d[i]! / window)])),
        offeredPps: Math.round(totalExpected / window),
        forwardedPps: Math.round(totalFwd / fwdWindow),
        receiverLossPct: pct(totalGot, totalExpected),
        subscribersOffLayer: offLayer,
        setupSeconds,
        lateJoiners: {
          count: late.length,
          workerPids: late.map((l) => l.pid),
          consumeToFirstPacketMs: { p50: ms1(nearestRank(late.map((l) => l.consume), 0.5)), max: ms1(Math.max(...late.map((l) => l.consume))) },
          joinToFirstPacketMs: { p50: ms1(nearestRank(late.map((l) => l.join), 0.5)), max: ms1(Math.max(...late.map((l) => l.join))) },
        },
        benchProcessCpuPct: +((benchCpuMs / (window * 1000)) * 100).toFixed(1),
        loadAvg: { before: loadBefore, after: loadavg().map((x) => +x.toFixed(2)) },
      }),
    );
  } finally {
    await feed?.stop();
    await node.close();
    await sinks.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
