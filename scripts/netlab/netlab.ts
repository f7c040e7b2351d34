// The network lab: a two- or three-person call between Chromium pages (fake camera and mic)
// through Lectern's SFU inside a private network namespace, one network condition per case,
// and one JSON line per receiver per case. See README "Performance" and scripts/bench/netlab.
// Usage (inside scripts/netns-run.sh): netlab.ts [case...] [--seconds=25] [--peers=2]
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { joinByCode, launchBrowser, newPage, signIn, startServer, waitForPeerId, type TestServer, type TestUser } from '../e2e/support.js';
import { applyCondition, checkTools, clearConditions, endBurst, measuredLoss, startBurst, type Condition } from './net.js';
import { CAPTURE_PCS, delta, framesBySsrc, longestStalls, sample, type Sample } from './probe.js';
import { SfuWatch, sum } from './sfuWatch.js';

/** The SFU's WebRtcServer port (UDP and TCP; one worker). Private to the namespace. */
const SFU_PORT = 24600;
const CAP_KBIT = 300;
const BURST_MS = 2000;
const RECOVER_TIMEOUT_MS = 20_000;
const SETTLE_MS = 3000;
const CLIMB_TIMEOUT_MS = 20_000;

type CaseName = 'clean' | 'loss2' | 'loss5' | 'loss10' | 'cap300' | 'udpblocked' | 'loss5up' | 'loss5down';
const CASES: Record<CaseName, (subscriberPort: number) => Condition> = {
  clean: () => ({ kind: 'none' }),
  loss2: () => ({ kind: 'loss', percent: 2 }),
  loss5: () => ({ kind: 'loss', percent: 5 }),
  loss10: () => ({ kind: 'loss', percent: 10 }),
  cap300: (subscriberPort) => ({ kind: 'cap', kbit: CAP_KBIT, subscriberPort }),
  udpblocked: () => ({ kind: 'udpBlocked' }),
  // Not in the default run: 5% on one leg only (publishers -> SFU, or SFU -> subscribers).
  loss5up: () => ({ kind: 'loss', percent: 5, only: 'up' }),
  loss5down: () => ({ kind: 'loss', percent: 5, only: 'down' }),
};
const DEFAULT_CASES: CaseName[] = ['clean', 'loss2', 'loss5', 'loss10', 'cap300', 'udpblocked'];

interface Options {
  cases: CaseName[];
  seconds: number;
  peers: number;
}

function parseArgs(argv: string[]): Options {
  const cases: CaseName[] = [];
  let seconds = Number(process.env.NETLAB_SECONDS ?? 25);
  let peers = 2;
  for (const a of argv) {
    if (a.startsWith('--seconds=')) seconds = Number(a.slice(10));
    else if (a.startsWith('--peers=')) peers = Number(a.slice(8));
    else if (a in CASES) cases.push(a as CaseName);
    else throw new Error(`unknown argument '${a}' (cases: ${Object.keys(CASES).join(' ')}; --seconds=N, --peers=2|3)`);
  }
  if (!(seconds >= 5)) throw new Error('--seconds must be at least 5');
  if (peers !== 2 && peers !== 3) throw new Error('--peers must be 2 or 3');
  return { cases: cases.length > 0 ? cases : DEFAULT_CASES, seconds, peers };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  peerId: string;
}

async function openCall(server: TestServer, browser: Browser, teacher: TestUser, peers: number): Promise<{ people: Person[]; connectMs: number }> {
  const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Network lab', scheduledAt: new Date().toISOString(), durationMinutes: 60, timezone: 'UTC', guestAccess: 'open' }, teacher.token);
  await server.api('POST', `/api/sessions/${s.body.id}/start`, undefined, teacher.token);
  const code = (await server.api<{ code: string }>('POST', `/api/sessions/${s.body.id}/codes`, undefined, teacher.token)).body.code;
  const opened: Omit<Person, 'peerId'>[] = [];
  const open = async (name: string) => {
    const p = await newPage(browser);
    await p.context.addInitScript(CAPTURE_PCS);
    opened.push({ name, ...p });
    return p.page;
  };
  const host = await open('host');
  await signIn(host, server.url, teacher.email, teacher.password);
  await host.goto(`${server.url}/room/${s.body.id}`);
  await waitForPeerId(host);
  let joinedAt = Date.now();
  for (let i = 1; i < peers; i++) {
    const g = await open(`guest${i}`);
    joinedAt = Date.now();
    await joinByCode(g, server.url, code, `Guest ${i}`);
  }
  const people = await Promise.all(opened.map(async (o) => ({ ...o, peerId: await waitForPeerId(o.page) })));
  // Connected: every page decodes video from every other one.
  const until = Date.now() + 30_000;
  for (const p of people) {
    for (;;) {
      const v = (await sample(p.page)).video.filter((x) => x.framesDecoded > 0);
      if (v.length >= peers - 1) break;
      if (Date.now() > until) throw new Error(`${p.name} decodes ${v.length} of ${peers - 1} remote videos after 30 s`);
      await sleep(50);
    }
  }
  return { people, connectMs: Date.now() - joinedAt };
}

/** Drops all the SFU's media traffic for BURST_MS; per page, ms from the burst's end until every remote video decodes frames again. */
async function burstRecovery(people: Person[]): Promise<(number | null)[]> {
  startBurst(SFU_PORT);
  await sleep(BURST_MS);
  const before = await Promise.all(people.map((p) => framesBySsrc(p.page)));
  endBurst();
  const endedAt = Date.now();
  return Promise.all(
    people.map(async (p, i) => {
      while (Date.now() - endedAt < RECOVER_TIMEOUT_MS) {
        const now = await framesBySsrc(p.page);
        if ([...before[i]!].every(([ssrc, n]) => (now.get(ssrc) ?? 0) > n)) return Date.now() - endedAt;
        await sleep(50);
      }
      return null;
    }),
  );
}

/**
 * Lifts every condition; ms until each of `p`'s video consumers forwards again the spatial
 * layer it was asked for before the cap (`wanted`, by SSRC; null: not within 20 s).
 */
async function climbBack(p: Person, watch: SfuWatch, wanted: Map<number, number | null>): Promise<number | null> {
  clearConditions();
  const liftedAt = Date.now();
  while (Date.now() - liftedAt < CLIMB_TIMEOUT_MS) {
    const cs = watch.consumersOf(p.peerId);
    if (cs.length > 0 && cs.every((c) => c.spatialLayer !== null && c.spatialLayer >= (wanted.get(c.ssrc) ?? 0))) return Date.now() - liftedAt;
    await sleep(100);
  }
  return null;
}

function receiverLine(caseName: CaseName, opts: Options, p: Person, a: Sample, b: Sample, watch: SfuWatch, connectMs: number, recoverMs: number | null): Record<string, unknown> {
  const secs = (b.at - a.at) / 1000;
  const video = delta(a.video, b.video);
  const audio = delta(a.audio, b.audio);
  const sfu = watch.consumersOf(p.peerId);
  const pair = b.pairs.find((x) => x.receiving);
  const sent = delta(a.sent, b.sent);
  const samples = sum(audio.map((x) => x.totalSamplesReceived));
  return {
    case: caseName,
    receiver: p.name,
    peers: opts.peers,
    seconds: round(secs),
    transport: pair?.protocol ?? null,
    rttMs: pair?.rttMs ?? null,
    connectMs,
    fps: round(Math.min(...video.map((x) => x.framesDecoded / secs))),
    fpsPerStream: video.map((x) => round(x.framesDecoded / secs)),
    freezeCount: sum(video.map((x) => x.freezeCount)),
    freezeSeconds: round(sum(video.map((x) => x.totalFreezesDuration)), 2),
    nackSent: sum(video.map((x) => x.nackCount)),
    pliSent: sum(video.map((x) => x.pliCount)),
    firSent: sum(video.map((x) => x.firCount)),
    rtxReceived: sum(video.map((x) => x.rtx)),
    packetsLost: sum(video.map((x) => x.packetsLost)),
    keyFramesDecoded: sum(video.map((x) => x.keyFramesDecoded)),
    frameHeight: Math.min(...b.video.map((x) => x.frameHeight)),
    spatialLayer: sfu.map((c) => c.spatialLayer),
    temporalLayer: sfu.map((c) => c.temporalLayer),
    preferredSpatial: sfu.map((c) => c.preferredSpatial),
    layerSwitches: sum(sfu.map((c) => c.layerSwitches)),
    sfuScore: sfu.map((c) => ({ now: c.score, min: c.minScore, producer: c.producerScores })),
    sfuPliIn: sum(sfu.map((c) => c.pliIn)),
    sfuKeyframePktsOut: sum(sfu.map((c) => c.keyframePktsOut)),
    audioConcealment: samples > 0 ? round(sum(audio.map((x) => x.concealedSamples)) / samples, 4) : null,
    recoverMs,
    asPublisher: {
      ...watch.upstreamOf(p.peerId),
      layers: sent.map((x) => ({ rid: x.rid, fps: round(x.framesEncoded / secs), height: x.frameHeight, keyFrames: x.keyFrames, pkts: x.packetsSent, rtxSent: x.rtxSent, nackIn: x.nackCount, pliIn: x.pliCount, limit: x.limitation, mode: x.mode, active: x.active })),
    },
  };
}

async function runCase(caseName: CaseName, opts: Options, server: TestServer, browser: Browser, teacher: TestUser, watch: SfuWatch): Promise<void> {
  const blocked = caseName === 'udpblocked';
  if (blocked) applyCondition(SFU_PORT, CASES.udpblocked(0)); // before anyone joins: ICE must find TCP
  const { people, connectMs } = await openCall(server, browser, teacher, opts.peers);
  let wantedBefore = new Map<number, number | null>();
  try {
    if (!blocked) {
      // The capped subscriber is the last to join: its receive transport's local port.
      const last = await sample(people.at(-1)!.page);
      const port = last.pairs.find((x) => x.receiving)?.port ?? 0;
      wantedBefore = new Map(watch.consumersOf(people.at(-1)!.peerId).map((c) => [c.ssrc, c.preferredSpatial]));
      applyCondition(SFU_PORT, CASES[caseName](port));
    }
    await sleep(SETTLE_MS);
    watch.reset();
    const a = await Promise.all(people.map((p) => sample(p.page)));
    const trace = process.env.NETLAB_TRACE ? (i: number, ssrc: number, ms: number) => console.error(Date.now() % 100000, 'STALL', people[i]!.name, ssrc, ms) : undefined;
    const stalls = await longestStalls(people.map((p) => p.page), opts.seconds * 1000, trace);
    const b = await Promise.all(people.map((p) => sample(p.page)));
    const lossMeasured = measuredLoss(); // what nft dropped, settling included
    const lines = people.map((p, i) => ({ ...receiverLine(caseName, opts, p, a[i]!, b[i]!, watch, connectMs, null), longestStallMs: stalls[i] }));
    // The cap lifts: how long until the capped receiver is back on the layer it asks for.
    const climb = caseName === 'cap300' ? await climbBack(people.at(-1)!, watch, wantedBefore) : undefined;
    if (process.env.NETLAB_UPSTREAM) for (const p of people) console.error(p.name, 'upstream', JSON.stringify(await watch.producerStatsOf(p.peerId)));
    const recover = await burstRecovery(people);
    lines.forEach((line, i) => console.log(JSON.stringify({ ...line, lossMeasured, recoverMs: recover[i], ...(climb !== undefined && i === lines.length - 1 ? { climbBackMs: climb } : {}) })));
  } finally {
    clearConditions();
    for (const p of people) await p.context.close();
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  checkTools();
  clearConditions();
  const watch = new SfuWatch(); // before the server makes its workers
  const server = await startServer({ LECTERN_RTC_PORT_BASE: String(SFU_PORT), LECTERN_LOG_LEVEL: 'error' });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const teacher = await server.user('teacher', 'Lab Host');
    console.error(`netlab: ${opts.peers} peers, ${opts.seconds} s per case, cases: ${opts.cases.join(' ')}`);
    for (const c of opts.cases) await runCase(c, opts, server, browser, teacher, watch);
  } finally {
    clearConditions();
    await browser?.close();
    await server.close();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
