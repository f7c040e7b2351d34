// A room across two SFU nodes, measured from its participants' pages: who receives whom
// (video frames decoded, audio bytes, audio energy played), and the kill -9 of the room's home
// node with everything a person would notice timed. Shared by span.e2e.test.ts (which asserts)
// and scripts/bench/failover.ts (which prints the figures over several rounds).
import type { Page } from 'playwright-core';
import type { ClusterSuite } from './nodes.js';
import { joinByCode, signIn, waitForPeerId } from './support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Participant {
  name: string;
  page: Page;
  peer: string;
}

export interface Reading {
  consumerId: string;
  peerId: string;
  kind: string;
  bytes: number;
  frames: number;
  energy: number;
}

type Stats = Awaited<ReturnType<NonNullable<Window['__lectern']>['stats']>>;

const statsOf = (page: Page): Promise<Stats | null> => page.evaluate(async () => (window.__lectern ? await window.__lectern.stats() : null));

function toReadings(stats: Stats | null): Map<string, Reading> {
  return new Map((stats?.consumers ?? []).map((c) => [c.consumerId, { consumerId: c.consumerId, peerId: c.peerId, kind: c.kind, bytes: c.bytesReceived, frames: c.framesDecoded, energy: c.audioEnergy }]));
}

/** What `page` receives now, by consumer; consumers in `stale` are left out. */
export async function readings(page: Page, stale?: ReadonlySet<string>): Promise<Map<string, Reading>> {
  const all = toReadings(await statsOf(page));
  for (const id of stale ?? []) all.delete(id);
  return all;
}

/** From `a` to `b`: whether `from`'s video decoded new frames, its audio brought new bytes, and what played of that audio was audible (its energy rose). */
export function flowing(a: Map<string, Reading>, b: Map<string, Reading>, from: string): { video: boolean; audio: boolean; audible: boolean } {
  const grew = (kind: string, more: (x: Reading, y: Reading) => boolean) =>
    [...b.values()].some((y) => {
      const x = a.get(y.consumerId);
      return y.peerId === from && y.kind === kind && x !== undefined && more(x, y);
    });
  return { video: grew('video', (x, y) => y.frames > x.frames), audio: grew('audio', (x, y) => y.bytes > x.bytes), audible: grew('audio', (x, y) => y.energy > x.energy) };
}

/**
 * Waits until `who` receives every one of `from` (video frames decoded and audio bytes rising
 * between two samples 400 ms apart) and has heard each of them (Chromium's fake microphone
 * beeps: the played audio's energy rises), on consumers not in `stale`. Returns when the media
 * flowed, in ms since `since`; throws with the last reading after `timeoutMs`.
 */
export async function seesAndHears(who: Participant, from: Participant[], timeoutMs: number, since = Date.now(), stale?: ReadonlySet<string>): Promise<number> {
  const until = Date.now() + timeoutMs;
  let prev = await readings(who.page, stale);
  const unseen = new Set(from.map((p) => p.peer));
  const unheard = new Set(unseen);
  let flowedAt: number | undefined;
  while (Date.now() < until) {
    await sleep(400);
    const next = await readings(who.page, stale);
    for (const p of [...unseen]) {
      const f = flowing(prev, next, p);
      if (f.video && f.audio) unseen.delete(p);
    }
    for (const p of [...unheard]) if (flowing(prev, next, p).audible) unheard.delete(p);
    if (unseen.size === 0) flowedAt ??= Date.now() - since;
    if (flowedAt !== undefined && unheard.size === 0) return flowedAt;
    prev = next;
  }
  const names = (set: Set<string>) => from.filter((p) => set.has(p.peer)).map((p) => p.name).join(', ') || 'nobody';
  throw new Error(`${who.name} after ${timeoutMs} ms: does not see ${names(unseen)}, has not heard ${names(unheard)}; last: ${JSON.stringify([...prev.values()])}`);
}

/** Where the session's room lives now, from the cluster's Redis: its home node, and each peer's node. */
export function roomKeys(suite: ClusterSuite, sid: string): { home(): Promise<string | null>; peers(): Promise<Record<string, string>> } {
  const key = `${suite.cluster.prefix}lectern:room:${sid}`;
  return { home: () => suite.redis.get(`${key}:node`), peers: () => suite.redis.hgetall(`${key}:peers`) };
}

/** Waits (polling Redis) until `predicate` holds for the room's peer → node map; false after `timeoutMs`. */
async function untilPlaced(suite: ClusterSuite, sid: string, predicate: (peers: Record<string, string>) => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (predicate(await roomKeys(suite, sid).peers())) return true;
    await sleep(100);
  }
  return false;
}

/**
 * The teacher (signed in through api-1) then three guests by code, one at a time through
 * alternating API nodes, each waited for until the room has placed them on an SFU node.
 */
export async function fillRoom(suite: ClusterSuite, sid: string, code: string, teacher: { email: string; password: string }): Promise<Participant[]> {
  const people: Participant[] = [];
  const placed = async (name: string, page: Page) => {
    const peer = await waitForPeerId(page);
    if (!(await untilPlaced(suite, sid, (n) => /^sfu-\d+$/.test(n[peer] ?? ''), 20_000))) throw new Error(`${name} was not placed on an SFU node within 20 s`);
    people.push({ name, page, peer });
  };
  const tPage = await suite.newPage();
  await signIn(tPage, suite.cluster.url('api-1'), teacher.email, teacher.password);
  await tPage.goto(`${suite.cluster.url('api-1')}/room/${sid}`);
  await placed('Tess', tPage);
  for (const [name, node] of [['Gus', 'api-2'], ['Nia', 'api-1'], ['Oli', 'api-2']] as const) {
    const page = await suite.newPage();
    await joinByCode(page, suite.cluster.url(node), code, `${name} Guest`);
    await placed(name, page);
  }
  return people;
}

/**
 * A stretch of at least STALL_REPORT_MS in which one stayer decoded no new frame of the other's
 * video. `senderSuspended`: in that stretch the sender's browser stopped encoding the simulcast
 * layer this stayer was receiving (its congestion control dropped the layer, qualityLimitationReason
 * "bandwidth"): the SFU had nothing of that layer to forward, and mediasoup moves the consumer to
 * a running layer only after 1.5 s without packets and on that layer's next key frame.
 */
export interface Stall {
  who: string;
  from: string;
  /** ms after the kill when the last frame before the stall was decoded. */
  atMs: number;
  ms: number;
  /** The width the receiver was decoding when it stalled. */
  width: number;
  senderSuspended: boolean;
}

const STALL_REPORT_MS = 1000;

/** What the kill -9 of a room's home SFU node did, as its participants saw it. */
export interface Failover {
  victim: string;
  survivor: string;
  movers: Participant[];
  stayers: Participant[];
  /** ms from the kill until Redis placed every mover on the survivor. */
  placedMs: number;
  /** ms from the kill until each direction of the movers' media flowed again (on consumers made after the kill). */
  back: { what: string; ms: number }[];
  /** The largest of `back`. */
  recoveredMs: number;
  /** The longest the stayers went without the other's video / audio, sampled every 500 ms, from the kill until 2 s after recovery. */
  gaps: { video: number; audio: number };
  /** The stayers' video stalls of STALL_REPORT_MS or more, with what the sender was encoding then. */
  stalls: Stall[];
  /** Each sample of the stayers' video, both ways: frames and packets received, the width, what the sender encoded per layer. */
  log: string[];
  /** The stayers' consumer ids of each other, before and after. */
  keptBefore: string[][];
  keptAfter: string[][];
}

/** One direction of the stayers' video (`who` receives `from`): its stalls, told sample by sample. */
class VideoWatch {
  readonly stalls: Stall[] = [];
  #prev: { frames: number; packets: number; width: number; layers: { frames: number; width: number }[] } | undefined;
  #grewAt: number;
  /** The last sample without a new frame since #grewAt (undefined: none). */
  #stuckAt: number | undefined;
  #stallWidth = 0;
  /** The sender's layer of that width (-1: none matched, e.g. its encoder had scaled its layers). */
  #stallLayer = -1;
  #suspended = false;

  constructor(
    readonly who: Participant,
    readonly from: Participant,
    private readonly t0: number,
    private readonly log: string[],
  ) {
    this.#grewAt = t0;
  }

  sample(now: number, mine: Stats | null, theirs: Stats | null): void {
    const c = mine?.consumers.find((x) => x.peerId === this.from.peer && x.kind === 'video' && x.source === 'webcam');
    const p = theirs?.producers.find((x) => x.kind === 'video' && x.source === 'webcam');
    if (!c?.video || !p?.layers) return;
    const cur = { frames: c.framesDecoded, packets: c.video.packetsReceived, width: c.video.frameWidth, layers: p.layers.map((l) => ({ frames: l.framesEncoded, width: l.frameWidth })) };
    const prev = this.#prev;
    this.#prev = cur;
    if (!prev) {
      this.#grew(now, cur);
      return;
    }
    const sent = cur.layers.map((l, i) => l.frames - (prev.layers[i]?.frames ?? 0));
    const limit = p.layers.map((l) => l.qualityLimitationReason).find((r) => r !== 'none') ?? 'none';
    this.log.push(
      `+${now - this.t0} ms ${this.who.name}<-${this.from.name}: frames +${cur.frames - prev.frames}, packets +${cur.packets - prev.packets} at ${prev.width} px; ` +
        `${this.from.name} encodes ${prev.layers.map((l, i) => `${l.width}px:+${sent[i]}`).join(' ')} (limited: ${limit})`,
    );
    if (cur.frames > prev.frames) {
      this.#close();
      this.#grew(now, cur);
      return;
    }
    // No new frame: was the layer this stayer receives being encoded at all?
    this.#stuckAt = now;
    if (this.#stallLayer >= 0 && sent[this.#stallLayer] === 0) this.#suspended = true;
  }

  #grew(now: number, cur: { width: number; layers: { width: number }[] }): void {
    this.#grewAt = now;
    this.#stallWidth = cur.width;
    this.#stallLayer = cur.layers.findIndex((l) => l.width === cur.width);
  }

  /** Ends an open stall, measured as the gaps are: from the last sample with a new frame to the last without. */
  #close(): void {
    const ms = this.#stuckAt === undefined ? 0 : this.#stuckAt - this.#grewAt;
    this.#stuckAt = undefined;
    if (ms >= STALL_REPORT_MS) this.stalls.push({ who: this.who.name, from: this.from.name, atMs: this.#grewAt - this.t0, ms, width: this.#stallWidth, senderSuspended: this.#suspended });
    this.#suspended = false;
  }

  end(): void {
    this.#close();
  }
}

/**
 * kill -9 of the room's home SFU node (of two, each holding two of `people`), then times the
 * movers' placement and media coming back, and watches the stayers' media all along.
 * Throws when the layout is not two and two, or when media does not come back within `timeoutMs`.
 */
export async function killHome(suite: ClusterSuite, sid: string, people: Participant[], timeoutMs: number): Promise<Failover> {
  const keys = roomKeys(suite, sid);
  const placed = await keys.peers();
  const victim = await keys.home();
  if (!victim) throw new Error(`room ${sid} has no home node`);
  const survivor = [...new Set(Object.values(placed))].find((n) => n !== victim);
  if (!survivor) throw new Error(`room ${sid} is on one node only: ${JSON.stringify(placed)}`);
  const movers = people.filter((p) => placed[p.peer] === victim);
  const stayers = people.filter((p) => placed[p.peer] === survivor);
  if (movers.length !== 2 || stayers.length !== 2) throw new Error(`expected two and two, got ${JSON.stringify(placed)}`);
  const [s1, s2] = stayers as [Participant, Participant];
  const between = (r: Map<string, Reading>, from: Participant) => [...r.values()].filter((x) => x.peerId === from.peer).map((x) => x.consumerId).sort();
  const kept = async () => {
    const [a, b] = await Promise.all(stayers.map((p) => readings(p.page)));
    return [between(a!, s2), between(b!, s1)];
  };
  const keptBefore = await kept();

  // What reached anyone before the kill does not count as the movers' media coming back.
  const stale = new Set((await Promise.all(people.map((p) => readings(p.page)))).flatMap((r) => [...r.keys()]));
  const t0 = Date.now();
  await suite.cluster.kill(victim, 'SIGKILL');

  // The stayers, sampled every 500 ms: each one's video and audio from the other keep coming.
  let watching = true;
  const gaps = { video: 0, audio: 0 };
  const log: string[] = [];
  const videos = [new VideoWatch(s1, s2, t0, log), new VideoWatch(s2, s1, t0, log)];
  const watch = (async () => {
    let prev = (await Promise.all(stayers.map((p) => statsOf(p.page)))).map(toReadings);
    const since = [0, 1].map(() => ({ video: Date.now(), audio: Date.now() }));
    while (watching) {
      await sleep(500);
      // Stamped when asked: on a busy machine the answer may take a while, which is not a gap in the media.
      const now = Date.now();
      const stats = await Promise.all(stayers.map((p) => statsOf(p.page)));
      const next = stats.map(toReadings);
      for (const i of [0, 1]) {
        const f = flowing(prev[i]!, next[i]!, stayers[1 - i]!.peer);
        for (const kind of ['video', 'audio'] as const) {
          if (f[kind]) since[i]![kind] = now;
          gaps[kind] = Math.max(gaps[kind], now - since[i]![kind]);
        }
        videos[i]!.sample(now, stats[i]!, stats[1 - i]!);
      }
      prev = next;
    }
    for (const v of videos) v.end();
  })();

  try {
    const placedAgain = untilPlaced(suite, sid, (n) => movers.every((m) => n[m.peer] === survivor), timeoutMs).then((ok) => (ok ? Date.now() - t0 : Number.NaN));
    const back = await Promise.all([
      ...movers.map(async (m) => ({ what: `${m.name} receives everyone`, ms: await seesAndHears(m, people.filter((p) => p !== m), timeoutMs, t0, stale) })),
      ...stayers.map(async (s) => ({ what: `${s.name} receives the movers`, ms: await seesAndHears(s, movers, timeoutMs, t0, stale) })),
    ]);
    const placedMs = await placedAgain;
    await sleep(2000); // and the stayers a little longer
    watching = false;
    await watch;
    const stalls = videos.flatMap((v) => v.stalls).sort((a, b) => a.atMs - b.atMs);
    return { victim, survivor, movers, stayers, placedMs, back, recoveredMs: Math.max(...back.map((b) => b.ms)), gaps, stalls, log, keptBefore, keptAfter: await kept() };
  } finally {
    watching = false;
    await watch;
  }
}

/** One line per stall, for the test's and the bench's output. */
export function describeStalls(stalls: Stall[]): string {
  if (stalls.length === 0) return `no stall of ${STALL_REPORT_MS} ms or more`;
  return stalls.map((s) => `${s.who}<-${s.from} ${s.ms} ms from +${s.atMs} ms at ${s.width} px${s.senderSuspended ? ` (${s.from}'s browser had stopped encoding that layer)` : ''}`).join('; ');
}
