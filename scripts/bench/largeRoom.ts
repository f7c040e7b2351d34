// A lecture-sized room on real SfuNodes (in-process, the project's mediasoup workers): one
// publisher (camera in three VP8 simulcast layers, Opus mic, VP8 screen share) fed over a
// PlainTransport, and N subscribers, each a peer of the room placed by the room on its routers
// (peersPerRouter per router, then a router on the next worker), each with an SRTP PlainTransport
// consuming camera (most at spatial layer 0, a thumbnail; one in ten at layer 2), mic and screen.
// Their packets land on a few shared UDP sinks in this process and are counted per SSRC
// (largeRoomPeers.ts). After S seconds of steady state it prints one JSON line per worker
// (pid, node, the room's routers and subscribers there, forwarded packets/s from mediasoup's
// consumer counters, the worker's CPU % from getResourceUsage, loss at the subscribers against
// what the publisher sent) and a summary line; then late joiners come in one by one and the
// summary gives how long from each one's first consume request to its first camera packet.
//
// --nodes=2: two SfuNodes in this process (--workers each, default 1), the room on both, linked as
// the API's RoomMesh links it (a pipe each way, the publisher's three producers piped from node A,
// where it publishes, into node B); the first --node-peers subscribers (default half) join A, the
// rest B, late joiners alternate. Adds one JSON line per node (subscribers, forwarded packets/s,
// its workers' CPU %, loss, packets/s through the pipe, its late joiners' time to first packet).
// --webrtc=K: K of the N subscribers (spread evenly over them, so over nodes and workers) are
// headless WebRTC clients instead: a WebRtcTransport each, consuming the camera at layer 0 and the
// mic, answered by a werift peer connection in a child process (sfuWebrtcSubscribers.ts). They
// join after the others, one at a time, each waited for to its first video packet; a JSON line of
// their own gives their received packets/s, loss, and consume-to-connected/-first-packet times.
// Usage: npm run bench -- large-room [N=600] [--workers=2] [--seconds=20] [--per-router=150]
//          [--nodes=1|2] [--node-peers=N/2] [--webrtc=0]
//          [--srtp=AEAD_AES_256_GCM|AES_CM_128_HMAC_SHA1_80|none] [--rate=1] [--sinks=8] [--sink-threads=2]
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { DEFAULT_PEERS_PER_ROUTER, SfuNode } from '@lectern/sfu';
import { linkNodes, publish, publisherStreams, subscribe, subscribeWebRtc, subscriberCaps, watchNode, webrtcCaps, type Subscriber, type Suite } from './largeRoomPeers.js';
import { cpuMsByPid, p50max, packetsByPid, pct, rate, round2 } from './largeRoomStats.js';
import { Feed, Sinks } from './largeRoomThreads.js';
import { WebRtcSubscribers } from './sfuWebrtcSubscribers.js';

const OPTIONS = ['workers', 'seconds', 'per-router', 'srtp', 'rate', 'sinks', 'sink-threads', 'nodes', 'node-peers', 'webrtc'] as const;
function parseArgs(argv: string[]): { n: number; opt: Partial<Record<(typeof OPTIONS)[number], string>> } {
  let n = 600;
  const opt: Partial<Record<(typeof OPTIONS)[number], string>> = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.+)$/.exec(a);
    if (/^\d+$/.test(a)) n = Number(a);
    else if (m && (OPTIONS as readonly string[]).includes(m[1]!)) opt[m[1] as (typeof OPTIONS)[number]] = m[2]!;
    else usage(`unknown argument '${a}'`);
  }
  return { n, opt };
}
function usage(problem: string): never {
  console.error(`large-room: ${problem} (N, --${OPTIONS.join('=, --')}=)`);
  process.exit(64);
}

const { n: N, opt } = parseArgs(process.argv.slice(2));
const NODES = Number(opt.nodes ?? 1);
if (NODES !== 1 && NODES !== 2) usage('--nodes is 1 or 2');
const WORKERS = Number(opt.workers ?? (NODES > 1 ? 1 : 2)); // per node: the machine's 2 cores hold one worker per node
const NODE_PEERS = Math.min(N, Number(opt['node-peers'] ?? Math.ceil(N / 2)));
const WEBRTC = Number(opt.webrtc ?? 0);
if (!(WEBRTC >= 0 && WEBRTC <= N)) usage('--webrtc is between 0 and N');
const SECONDS = Number(opt.seconds ?? 20);
const PER_ROUTER = Number(opt['per-router'] ?? DEFAULT_PEERS_PER_ROUTER);
const SRTP = (opt.srtp ?? 'AEAD_AES_256_GCM') as Suite;
const RATE = Number(opt.rate ?? 1);
const SINKS = Number(opt.sinks ?? 8);
const SINK_THREADS = Number(opt['sink-threads'] ?? 2);
const NODE_IDS = ['node-a', 'node-b'].slice(0, NODES);
// One subscriber in ten asks for the camera's top layer (a speaker view): subscribers 8 and 9 of
// every 20, as a pair, so that routers taking newcomers in turn get as many of them each.
const highLayer = (j: number) => Math.floor(j / 2) % 10 === 4;
/** Subscriber j's node: the first NODE_PEERS on node A, the rest on B. */
const nodeOf = (j: number) => (NODES > 1 && j >= NODE_PEERS ? 1 : 0);
/** The WebRTC subscribers, spread evenly over the N: subscriber index -> werift peer id. */
const webrtcAt = new Map<number, number>(Array.from({ length: WEBRTC }, (_, k) => [Math.floor(((k + 0.5) * N) / WEBRTC), k]));
const LATE = NODES > 1 ? 6 : 5; // alternating between the nodes: 3 each
const BATCH = 20; // subscribers joining at once while the room fills

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function main(): Promise<void> {
  const loadBefore = round2(loadavg());
  const placement = watchNode(SRTP);
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const portBase = 45000 + Math.floor(Math.random() * 900); // WebRtcServer ports (portBase + worker index), clear of other runs
  const nodes: { id: string; node: SfuNode; pids: number[] }[] = [];
  const roomId = 'large-room';
  const sinks = await Sinks.open(SINKS, SINK_THREADS);
  const webrtc = WEBRTC > 0 ? new WebRtcSubscribers() : undefined;
  let feed: Feed | undefined;
  try {
    for (const [i, id] of NODE_IDS.entries()) {
      const node = await SfuNode.create({
        numWorkers: WORKERS,
        listenIp: '127.0.0.1',
        portBase: portBase + i * WORKERS,
        rtcMinPort: 50000,
        rtcMaxPort: 59999,
        peersPerRouter: PER_ROUTER,
        logLevel: 'error',
        logger,
      });
      nodes.push({ id, node, pids: (await node.workerStats()).map((w) => w.pid) });
    }
    const home = nodes[0]!; // the publisher's node
    const rooms = await Promise.all(nodes.map((n) => n.node.ensureRoom({ roomId, maxPeers: N + LATE + 1 })));
    const caps = subscriberCaps(rooms[0]!.rtpCapabilities);
    const wcaps = webrtcCaps(rooms[0]!.rtpCapabilities);
    const streams = publisherStreams(RATE);
    const published = await publish(home.node, roomId, streams);
    for (const other of nodes.slice(1)) await linkNodes(roomId, home, other, published);
    const all = [...streams.camera, streams.mic, streams.screen]; // sent[] indices: camera layers 0-2, mic 3, screen 4
    feed = new Feed(all);
    const sent = feed;

    const setupAt = performance.now();
    const subs: Subscriber[] = [];
    const plain = Array.from({ length: N }, (_, j) => j).filter((j) => !webrtcAt.has(j));
    for (let i = 0; i < plain.length; i += BATCH) {
      if (i % 100 === 0) console.error(`large-room: ${i}/${N} subscribers in, ${((performance.now() - setupAt) / 1000).toFixed(1)} s`);
      const batch = plain.slice(i, i + BATCH);
      subs.push(...(await Promise.all(batch.map((j) => subscribe(nodes[nodeOf(j)]!.node, roomId, `sub-${j}`, highLayer(j) ? 2 : 0, sinks, j, caps, published)))));
    }
    // The WebRTC subscribers into the full room, one at a time, each waited for to its first video
    // packet; a first one joins and leaves before them, so that werift's code paths run warm (in a
    // browser they are compiled code) and stay out of the first measured subscriber's time.
    const webrtcJoin = async (w: WebRtcSubscribers, node: SfuNode, peerId: string, id: number) => {
      const s = await subscribeWebRtc(node, roomId, peerId, w, id, wcaps, published);
      const deadline = performance.now() + 10_000;
      while ((await w.counts()).firstVideoAt[id] == null) {
        if (performance.now() > deadline) throw new Error(`WebRTC subscriber ${peerId} got no video packet in 10 s`);
        await sleep(2);
      }
      return s;
    };
    if (webrtc) {
      await webrtcJoin(webrtc, home.node, 'webrtc-warm-up', WEBRTC);
      webrtc.drop(WEBRTC);
      await home.node.removePeer({ roomId, peerId: 'webrtc-warm-up' });
      for (const [j, id] of webrtcAt) subs.push(await webrtcJoin(webrtc, nodes[nodeOf(j)]!.node, `sub-${j}`, id));
    }
    const setupSeconds = +((performance.now() - setupAt) / 1000).toFixed(1);
    await sleep(2000); // every consumer on its layer, the sinks' queues steady

    const atSinks = (s: Subscriber) => (s.kind === 'plain' ? sum([s.ssrcs.camera, s.ssrcs.mic, s.ssrcs.screen].map((x) => sinks.count(x))) : 0);
    // What was sent is read first, what the subscribers got 100 ms later, at both ends of the window:
    // the packets on their way at the first read count in both, so only packets lost (or later
    // than 100 ms: a worker's backlog) make received fall short. mediasoup's counters and CPU just after.
    const snapshot = async () => {
      const [at, sentThen, bench] = [performance.now(), sent.sent(), process.cpuUsage()];
      await sleep(100);
      const peers = webrtc?.counts(); // the WebRTC subscribers' counters, read in their process meanwhile
      const sinkGot = subs.map(atSinks);
      const peerCounts = await peers;
      const got = subs.map((s, i) => (s.kind === 'plain' ? sinkGot[i]! : (peerCounts?.received[s.id] ?? 0)));
      const snap = { at, sent: sentThen, got, bench, peersCpuMs: peerCounts?.cpuMs ?? 0 };
      const t = performance.now();
      const ingest = (await Promise.all([published.camera, published.mic, published.screen].map((producerId) => home.node.getProducerStats({ roomId, peerId: 'publisher', producerId })))).flatMap((p) => p.streams);
      const cpu = await cpuMsByPid(nodes.map((n) => n.node));
      const cpuAt = (t + performance.now()) / 2;
      // Each reading takes a while (1,800 consumers' stats): its rate is over its own interval, from mid-read to mid-read.
      const [pipeOut, pipeIn] = [await packetsByPid(placement.pipeOut, 'outbound-rtp'), await packetsByPid(placement.pipeIn, 'inbound-rtp')];
      const fwd = await packetsByPid(placement.consumers, 'outbound-rtp');
      return { ...snap, ingest: sum(ingest.map((st) => st.packetCount)), cpu, cpuAt, fwd, pipeOut, pipeIn };
    };
    console.error(`large-room: ${N} subscribers in ${setupSeconds} s; measuring ${SECONDS} s`);
    const s0 = await snapshot();
    await sleep(SECONDS * 1000);
    const s1 = await snapshot();
    const window = (s1.at - s0.at) / 1000;
    const cpuWindow = (s1.cpuAt - s0.cpuAt) / 1000;
    const d = s1.sent.map((x, i) => x - (s0.sent[i] ?? 0));
    // Plain subscribers get camera (their layer), mic and screen; WebRTC ones camera layer 0 and mic.
    const expected = (s: Subscriber) => (s.kind === 'plain' ? (d[s.layer] ?? 0) + d[3]! + d[4]! : d[0]! + d[3]!);
    const layouts = await Promise.all(nodes.map((n) => n.node.roomLayout({ roomId })));
    const nodeOfPid = (pid: number | undefined) => nodes.findIndex((n) => pid !== undefined && n.pids.includes(pid));
    // Subscribers whose camera is not on the layer they asked for (a skipped layer switch would skew expected against received).
    const offLayer = new Set<number>(); // indices into subs
    const offLayers = new Map<string, number>(); // what they are on instead, for the log
    for (const [i, sub] of subs.entries()) {
      const node = nodes[nodeOfPid(placement.workerOf.get(sub.peerId))]!.node;
      const cam = (await node.listConsumers({ roomId, peerId: sub.peerId })).find((c) => c.producerId === published.camera);
      if (cam?.currentLayers?.spatialLayer === sub.layer) continue;
      offLayer.add(i);
      const seen = `${nodes[nodeOfPid(placement.workerOf.get(sub.peerId))]!.id} wants ${sub.layer}, on ${cam?.currentLayers?.spatialLayer ?? 'none'}${cam?.paused || cam?.producerPaused ? ' (paused)' : ''}`;
      offLayers.set(seen, (offLayers.get(seen) ?? 0) + 1);
    }
    if (offLayer.size) console.error(`large-room: subscribers off their layer: ${[...offLayers].map(([k, v]) => `${v} ${k}`).join('; ')}`);

    /** Loss and rates of subscribers `members` (indices into subs). */
    const tally = (members: number[]) => {
      const got = members.map((i) => ({ got: s1.got[i]! - s0.got[i]!, want: expected(subs[i]!) }));
      const [sumGot, sumWant] = [sum(got.map((g) => g.got)), sum(got.map((g) => g.want))];
      return {
        subscribers: members.length,
        ...(WEBRTC > 0 ? { webrtcSubscribers: members.filter((i) => subs[i]!.kind === 'webrtc').length } : {}),
        offeredPps: Math.round(sumWant / window),
        receivedPps: Math.round(sumGot / window),
        receiverLossPct: pct(sumGot, sumWant),
        worstSubscriberLossPct: got.length ? Math.max(...got.map((g) => pct(g.got, g.want) ?? 0)) : null,
      };
    };
    const on = (pids: number[]) => subs.flatMap((s, i) => (pids.includes(placement.workerOf.get(s.peerId) ?? 0) ? [i] : []));
    const cpuPct = (pid: number) => +((((s1.cpu.get(pid) ?? 0) - (s0.cpu.get(pid) ?? 0)) / (cpuWindow * 1000)) * 100).toFixed(1);
    for (const [k, { id, pids }] of nodes.entries()) {
      for (const pid of pids) {
        const { receivedPps: _, ...t } = tally(on([pid]));
        const routers = layouts[k]!.routers.filter((r) => r.workerPid === pid);
        console.log(
          JSON.stringify({
            bench: 'large-room',
            workerPid: pid,
            nodeId: id,
            routers: routers.length,
            peers: sum(routers.map((r) => r.peers)),
            subscribers: t.subscribers,
            ...(WEBRTC > 0 ? { webrtcSubscribers: t.webrtcSubscribers } : {}),
            offeredPps: t.offeredPps,
            forwardedPps: rate(s0.fwd, s1.fwd, [pid]),
            workerCpuPct: cpuPct(pid),
            receiverLossPct: t.receiverLossPct,
            worstSubscriberLossPct: t.worstSubscriberLossPct,
          }),
        );
      }
    }
    const benchCpuMs = (s1.bench.user + s1.bench.system - s0.bench.user - s0.bench.system) / 1000;

    console.error('large-room: late joiners');
    // Late joiners, one at a time into the full room (alternating between the nodes): first consume request -> first camera packet at the sink.
    const late: { consume: number; join: number; pid: number; node: number }[] = [];
    for (let k = 0; k < LATE; k++) {
      const joinAt = performance.now();
      const s = await subscribe(nodes[k % NODES]!.node, roomId, `late-${k}`, 0, sinks, N + k, caps, published);
      const deadline = performance.now() + 5000;
      let first = sinks.first(s.ssrcs.camera);
      for (; first === null && performance.now() < deadline; first = sinks.first(s.ssrcs.camera)) await sleep(1);
      if (first === null) throw new Error(`late joiner ${s.peerId} got no camera packet in 5 s`);
      late.push({ consume: first - s.consumeAt, join: first - joinAt, pid: placement.workerOf.get(s.peerId) ?? 0, node: k % NODES });
    }
    const lateJoiners = (of: typeof late) => ({
      count: of.length,
      workerPids: of.map((l) => l.pid),
      consumeToFirstPacketMs: p50max(of.map((l) => l.consume)),
      joinToFirstPacketMs: p50max(of.map((l) => l.join)),
    });

    for (const [k, { id, pids }] of NODES > 1 ? nodes.entries() : []) {
      const t = tally(on(pids));
      console.log(
        JSON.stringify({
          bench: 'large-room',
          node: true,
          nodeId: id,
          workerPids: pids,
          subscribers: t.subscribers,
          ...(WEBRTC > 0 ? { webrtcSubscribers: t.webrtcSubscribers } : {}),
          offeredPps: t.offeredPps,
          forwardedPps: rate(s0.fwd, s1.fwd, pids),
          workerCpuPct: pids.map(cpuPct),
          receiverLossPct: t.receiverLossPct,
          worstSubscriberLossPct: t.worstSubscriberLossPct,
          subscribersOffLayer: on(pids).filter((i) => offLayer.has(i)).length,
          // Packets/s sent into the pipe to the other node (the publisher's node) and taken in from it (the other).
          pipeOutPps: rate(s0.pipeOut, s1.pipeOut, pids),
          pipeInPps: rate(s0.pipeIn, s1.pipeIn, pids),
          lateJoiners: lateJoiners(late.filter((l) => l.node === k)),
        }),
      );
    }

    if (webrtc) {
      const counts = await webrtc.counts();
      const mine = subs.flatMap((s, i) => (s.kind === 'webrtc' ? [{ s, i }] : []));
      const t = tally(mine.map(({ i }) => i));
      const connectMs = mine.map(({ s }) => (webrtc.connectedAt.get(s.id) ?? NaN) - s.consumeAt);
      const firstMs = mine.map(({ s }) => (counts.firstVideoAt[s.id] ?? NaN) - s.consumeAt);
      console.log(
        JSON.stringify({
          bench: 'large-room',
          webrtc: true,
          subscribers: t.subscribers,
          srtp: [...webrtc.suites].join(','),
          ...(NODES > 1 ? { byNode: Object.fromEntries(nodes.map((n) => [n.id, on(n.pids).filter((i) => subs[i]!.kind === 'webrtc').length])) } : {}),
          workerPids: mine.map(({ s }) => placement.workerOf.get(s.peerId) ?? 0),
          offeredPps: t.offeredPps,
          receivedPps: t.receivedPps,
          perSubscriberPps: t.subscribers ? Math.round(t.receivedPps / t.subscribers) : null,
          receiverLossPct: t.receiverLossPct,
          worstSubscriberLossPct: t.worstSubscriberLossPct,
          // From the first consume request to DTLS-SRTP up at the subscriber, and to its first video packet.
          consumeToConnectedMs: p50max(connectMs),
          consumeToFirstPacketMs: p50max(firstMs),
          ...(NODES > 1
            ? {
                consumeToFirstPacketMsByNode: Object.fromEntries(
                  nodes.map((n) => [n.id, p50max(firstMs.filter((_, x) => n.pids.includes(placement.workerOf.get(mine[x]!.s.peerId) ?? 0)))]),
                ),
              }
            : {}),
          subscribersProcessCpuPct: +(((s1.peersCpuMs - s0.peersCpuMs) / (window * 1000)) * 100).toFixed(1),
        }),
      );
    }

    const total = tally(subs.map((_, i) => i));
    const allPids = nodes.flatMap((n) => n.pids);
    console.log(
      JSON.stringify({
        bench: 'large-room',
        summary: true,
        ...(NODES > 1 ? { nodes: NODES, nodePeers: NODE_PEERS } : {}),
        workers: WORKERS,
        peersPerRouter: PER_ROUTER,
        srtp: SRTP,
        seconds: +window.toFixed(1),
        subscribers: N,
        ...(WEBRTC > 0 ? { webrtcSubscribers: WEBRTC } : {}),
        routers: layouts.flatMap((l, k) => l.routers.map((r) => ({ workerPid: r.workerPid, peers: r.peers, ...(NODES > 1 ? { nodeId: nodes[k]!.id } : {}) }))),
        // What the publisher's producers took in, against what it sent: loss before the fan-out.
        ingestPct: +(((s1.ingest - s0.ingest) / sum(d)) * 100).toFixed(2),
        publisherPps: Object.fromEntries(['cam0', 'cam1', 'cam2', 'mic', 'screen'].map((name, i) => [name, Math.round(d[i]! / window)])),
        offeredPps: total.offeredPps,
        forwardedPps: rate(s0.fwd, s1.fwd, allPids),
        receiverLossPct: total.receiverLossPct,
        subscribersOffLayer: offLayer.size,
        setupSeconds,
        lateJoiners: lateJoiners(late),
        benchProcessCpuPct: +((benchCpuMs / (window * 1000)) * 100).toFixed(1),
        loadAvg: { before: loadBefore, after: round2(loadavg()) },
      }),
    );
  } finally {
    await feed?.stop();
    await webrtc?.close();
    for (const { node } of nodes) await node.close();
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
