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

/** What `page` receives now, by consumer; consumers in `stale` are left out. */
export async function readings(page: Page, stale?: ReadonlySet<string>): Promise<Map<string, Reading>> {
  const stats = await page.evaluate(async () => (window.__lectern ? (await window.__lectern.stats()).consumers : []));
  const fresh = stats.filter((c) => !stale?.has(c.consumerId));
  return new Map(fresh.map((c) => [c.consumerId, { consumerId: c.consumerId, peerId: c.peerId, kind: c.kind, bytes: c.bytesReceived, frames: c.framesDecoded, energy: c.audioEnergy }]));
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
  /** The stayers' consumer ids of each other, before and after. */
  keptBefore: string[][];
  keptAfter: string[][];
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
  const watch = (async () => {
    let prev = await Promise.all(stayers.map((p) => readings(p.page)));
    const since = [0, 1].map(() => ({ video: Date.now(), audio: Date.now() }));
    while (watching) {
      await sleep(500);
      // Stamped when asked: on a busy machine the answer may take a while, which is not a gap in the media.
      const now = Date.now();
      const next = await Promise.all(stayers.map((p) => readings(p.page)));
      for (const i of [0, 1]) {
        const f = flowing(prev[i]!, next[i]!, stayers[1 - i]!.peer);
        for (const kind of ['video', 'audio'] as const) {
          if (f[kind]) since[i]![kind] = now;
          gaps[kind] = Math.max(gaps[kind], now - since[i]![kind]);
        }
      }
      prev = next;
    }
  })();

  try {
    const placedAgain = untilPlaced(suite, sid, (n) => movers.every((m) => n[m.peer] === survivor), timeoutMs).then((ok) => (ok ? Date.now() - t0 : Number.NaN));
    const back = await Promise.all([
      ...movers.map(async (m) => ({ what: `${m.name} receives everyone`, ms: await seesAndHears(m, people.filter((p) => p !== m), timeoutMs, t0, stale) })),
      ...stayers.map(async (s) => ({ what: `${s.name} receives the movers`, ms: await seesAndHears(s, movers, timeoutMs, t0, stale) })),
    ]);
    const placedMs = await placedAgain;
    await sleep(2000); // and the stayers a little longer
    return { victim, survivor, movers, stayers, placedMs, back, recoveredMs: Math.max(...back.map((b) => b.ms)), gaps, keptBefore, keptAfter: await kept() };
  } finally {
    watching = false;
    await watch;
  }
}
