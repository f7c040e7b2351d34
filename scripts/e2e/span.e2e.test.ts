// One room across two SFU nodes, for real: two API nodes and two SFU nodes (separate
// processes linked by a private Redis), with LECTERN_NODE_ROOM_PEERS=2 so that the third
// participant of a room is placed on the other SFU node. Four browser participants, joined
// through both API nodes, two on each SFU node: everyone sees and hears everyone (video frames
// decoded, audio decoded with energy). Then kill -9 of the room's home SFU node (where it was
// placed first, with the active-speaker observer): only its participants
// reconnect (to the surviving node) and get media back within 15 s, while the media between the
// others never stops and keeps its consumers (nothing of theirs is rebuilt).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClusterSuite, ROOT, type ClusterSuite, type NodeSpec } from './nodes.js';
import { createTestUser, joinByCode, signIn, waitForPeerId } from './support.js';

const SPECS: NodeSpec[] = [
  { name: 'api-1', role: 'api', port: 3721 },
  { name: 'api-2', role: 'api', port: 3722 },
  { name: 'sfu-1', role: 'sfu', port: 3731, rtcPortBase: 25400 },
  { name: 'sfu-2', role: 'sfu', port: 3732, rtcPortBase: 25410 },
];
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
mkdirSync(SHOTS, { recursive: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Participant {
  name: string;
  page: Page;
  peer: string;
}

interface Reading {
  consumerId: string;
  peerId: string;
  kind: string;
  bytes: number;
  frames: number;
  energy: number;
}

/** What `page` receives now, by consumer; consumers in `stale` are left out. */
async function readings(page: Page, stale?: ReadonlySet<string>): Promise<Map<string, Reading>> {
  const stats = await page.evaluate(async () => (window.__lectern ? (await window.__lectern.stats()).consumers : []));
  const fresh = stats.filter((c) => !stale?.has(c.consumerId));
  return new Map(fresh.map((c) => [c.consumerId, { consumerId: c.consumerId, peerId: c.peerId, kind: c.kind, bytes: c.bytesReceived, frames: c.framesDecoded, energy: c.audioEnergy }]));
}

/** From `a` to `b`: whether `from`'s video decoded new frames, its audio brought new bytes, and what played of that audio was audible (its energy rose). */
function flowing(a: Map<string, Reading>, b: Map<string, Reading>, from: string): { video: boolean; audio: boolean; audible: boolean } {
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
async function seesAndHears(who: Participant, from: Participant[], timeoutMs: number, since = Date.now(), stale?: ReadonlySet<string>): Promise<number> {
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

describe('a room across two SFU nodes', () => {
  let suite: ClusterSuite;
  let teacher: { email: string; password: string; token: string };
  let adminToken = '';
  let sid = '';
  const people: Participant[] = [];

  beforeAll(async () => {
    // Placement is the API nodes' work: two participants of a room per SFU node, then the next node.
    suite = await openClusterSuite('span', SPECS, { LECTERN_NODE_ROOM_PEERS: '2' });
    const t = await createTestUser(suite.db, 'teacher', 'Tess Teacher', 'teacher');
    const a = await createTestUser(suite.db, 'admin', 'Ada Admin', 'admin');
    const login = async (u: { email: string; password: string }) => (await suite.api<{ accessToken: string }>('api-1', 'POST', '/api/auth/login', u)).body.accessToken;
    teacher = { ...t, token: await login(t) };
    adminToken = await login(a);
  });

  afterAll(async () => {
    await suite?.close();
  });

  const url = (node: string) => suite.cluster.url(node);
  const homeOf = () => suite.redis.get(`${suite.cluster.prefix}lectern:room:${sid}:node`);
  const nodeOfPeers = () => suite.redis.hgetall(`${suite.cluster.prefix}lectern:room:${sid}:peers`);
  /** The admin's view of the room: peers per SFU node. */
  async function layout(): Promise<Record<string, number>> {
    const res = await suite.api<{ nodes: { nodeId: string; routers: { peers: number }[] }[] }>('api-2', 'GET', `/api/admin/rooms/${sid}`, undefined, adminToken);
    expect(res.status).toBe(200);
    return Object.fromEntries(res.body.nodes.map((n) => [n.nodeId, n.routers.reduce((sum, r) => sum + r.peers, 0)]));
  }

  it('span: four participants through two API nodes sit two on each SFU node, and everyone sees and hears everyone', async () => {
    const session = await suite.newSession('Big lecture', teacher.token);
    sid = session.sid;

    // One at a time, alternating API nodes: the first two fill the room's home node, the next two go to the other.
    const tPage = await suite.newPage();
    await signIn(tPage, url('api-1'), teacher.email, teacher.password);
    await tPage.goto(`${url('api-1')}/room/${sid}`);
    // In the room once placed (the peer id comes before the media join that places it).
    const placedNow = async (p: Participant) => {
      await expect.poll(async () => (await nodeOfPeers())[p.peer], { timeout: 20_000 }).toMatch(/^sfu-[12]$/);
      people.push(p);
    };
    await placedNow({ name: 'Tess', page: tPage, peer: await waitForPeerId(tPage) });
    for (const [name, node] of [['Gus', 'api-2'], ['Nia', 'api-1'], ['Oli', 'api-2']] as const) {
      const page = await suite.newPage();
      await joinByCode(page, url(node), session.code, `${name} Guest`);
      await placedNow({ name, page, peer: await waitForPeerId(page) });
    }

    const home = await homeOf();
    expect(home).toMatch(/^sfu-[12]$/);
    const other = home === 'sfu-1' ? 'sfu-2' : 'sfu-1';
    const placed = await nodeOfPeers();
    expect(people.map((p) => placed[p.peer])).toEqual([home, home, other, other]);
    await expect.poll(layout, { timeout: 10_000 }).toEqual({ [home!]: 2, [other]: 2 });

    for (const who of people) {
      await seesAndHears(
        who,
        people.filter((p) => p !== who),
        30_000,
      );
    }
    await people[2]!.page.screenshot({ path: join(SHOTS, 'span-four-on-two-nodes.png') });
  });

  it('span: kill -9 of the room’s home SFU node moves only its participants, who get media back within 15 s; the others never lose theirs', async () => {
    const placed = await nodeOfPeers();
    // The room's home node: where it was first placed, with the active-speaker observer.
    const victim = (await homeOf())!;
    expect(placed[people[0]!.peer]).toBe(victim);
    const survivor = victim === 'sfu-1' ? 'sfu-2' : 'sfu-1';
    const movers = people.filter((p) => placed[p.peer] === victim);
    const stayers = people.filter((p) => placed[p.peer] === survivor);
    expect(movers).toHaveLength(2);
    expect(stayers).toHaveLength(2);
    const [s1, s2] = stayers as [Participant, Participant];
    const before = await Promise.all(stayers.map((p) => readings(p.page)));
    const consumersBetween = (r: Map<string, Reading>, from: Participant) => [...r.values()].filter((x) => x.peerId === from.peer).map((x) => x.consumerId).sort();
    const kept = [consumersBetween(before[0]!, s2), consumersBetween(before[1]!, s1)];
    expect(kept[0]).toHaveLength(2);

    // What reached anyone before the kill does not count as the movers' media coming back.
    const stale = new Set((await Promise.all(people.map((p) => readings(p.page)))).flatMap((r) => [...r.keys()]));
    const t0 = Date.now();
    await suite.cluster.kill(victim, 'SIGKILL');

    // The stayers, sampled every 500 ms until the movers are back: each one's video and audio from the other keep coming.
    let watching = true;
    const gaps = { video: 0, audio: 0 };
    const watch = (async () => {
      let prev = await Promise.all(stayers.map((p) => readings(p.page)));
      const since = [{ video: Date.now(), audio: Date.now() }, { video: Date.now(), audio: Date.now() }];
      while (watching) {
        await sleep(500);
        const next = await Promise.all(stayers.map((p) => readings(p.page)));
        const now = Date.now();
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

    // The movers: everyone sees and hears them again, and they everyone, without a reload.
    const moversPlaced = async () => {
      const n = await nodeOfPeers();
      return movers.every((m) => n[m.peer] === survivor);
    };
    const placedAgain = expect.poll(moversPlaced, { timeout: 25_000, interval: 100 }).toBe(true).then(() => Date.now() - t0);
    const back = await Promise.all([
      ...movers.map(async (m) => ({ what: `${m.name} receives everyone`, ms: await seesAndHears(m, people.filter((p) => p !== m), 25_000, t0, stale) })),
      ...stayers.map(async (s) => ({ what: `${s.name} receives the movers`, ms: await seesAndHears(s, movers, 25_000, t0, stale) })),
    ]);
    const recoveredMs = Math.max(...back.map((b) => b.ms));
    console.log(`[span] after kill -9: movers placed again at ${await placedAgain} ms; ${back.map((b) => `${b.what} at ${b.ms} ms`).join('; ')}`);
    await sleep(2000); // and the stayers a little longer
    watching = false;
    await watch;
    console.log(`[span] kill -9 of ${victim}: movers' media back after ${recoveredMs} ms; longest gap between the stayers: video ${gaps.video} ms, audio ${gaps.audio} ms`);
    expect(recoveredMs).toBeLessThan(15_000);
    // "Never lose it": no stall a person would call a freeze (samples are 500 ms apart on a busy machine).
    expect(gaps.video).toBeLessThan(2_500);
    expect(gaps.audio).toBeLessThan(2_500);

    // Only the movers moved: the stayers' consumers of each other are the same ones, their peers unchanged.
    const after = await Promise.all(stayers.map((p) => readings(p.page)));
    expect([consumersBetween(after[0]!, s2), consumersBetween(after[1]!, s1)]).toEqual(kept);
    expect(await Promise.all(people.map((p) => p.page.evaluate(() => window.__lectern?.peerId)))).toEqual(people.map((p) => p.peer));
    const now = await nodeOfPeers();
    expect(people.map((p) => now[p.peer])).toEqual(people.map(() => survivor));
    await expect.poll(layout, { timeout: 10_000 }).toEqual({ [survivor]: 4 });
    await movers[0]!.page.screenshot({ path: join(SHOTS, 'span-after-kill.png') });
  });
});
