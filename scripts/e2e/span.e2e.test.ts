// One room across two SFU nodes, for real: two API nodes and two SFU nodes (separate
// processes linked by a private Redis), with LECTERN_NODE_ROOM_PEERS=2 so that the third
// participant of a room is placed on the other SFU node. Four browser participants, joined
// through both API nodes, two on each SFU node: everyone sees and hears everyone (video frames
// decoded, audio decoded with energy). Then kill -9 of the room's home SFU node (where it was
// placed first, with the active-speaker observer): only its participants reconnect (to the
// surviving node) and get media back, while the media between the others never stops and keeps
// its consumers (nothing of theirs is rebuilt).
//
// The contract says media is back within 15 s. This 2-core machine runs four Chromium pages
// and four node processes here, so the test asserts a generous 30 s and logs the figure;
// `npm run bench -- failover` measures it over several rounds (the number in the README).
//
// The stayers' video, sampled every 500 ms, is also told apart from what congestion control does
// on this loaded machine: while the movers come back, the stayers' browsers' bandwidth estimates
// dip and Chrome stops encoding their 640 px layer; the SFU then has nothing to forward to the
// one receiving it until mediasoup, 1.5 s without packets later, moves that consumer to the
// 320 px layer on its next key frame (traced in the failover bench; see the README). Such a stall
// is bounded by SUSPENDED_STALL_BOUND_MS; any other stall by STALL_BOUND_MS.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClusterSuite, type ClusterSuite, type NodeSpec } from './nodes.js';
import { describeStalls, fillRoom, killHome, roomKeys, seesAndHears, type Participant } from './spanProbe.js';
import { createTestUser, shotsDir } from './support.js';

const SPECS: NodeSpec[] = [
  { name: 'api-1', role: 'api', port: 3721 },
  { name: 'api-2', role: 'api', port: 3722 },
  { name: 'sfu-1', role: 'sfu', port: 3731, rtcPortBase: 25400 },
  { name: 'sfu-2', role: 'sfu', port: 3732, rtcPortBase: 25410 },
];
const SHOTS = shotsDir();
/** The contract's 15 s, doubled for a loaded 2-core machine (see the header). */
const RECOVERY_BOUND_MS = 30_000;
/** The longest the stayers may go without each other's audio, or video the sender kept encoding (see the assertion). */
const STALL_BOUND_MS = 4_000;
/**
 * The longest the stayers may go without video whose layer the sender's browser stopped encoding:
 * 1.5 s for mediasoup to see the layer gone, then a key frame of a running layer, which the
 * starved publisher may take seconds to deliver (the bench's stalls: 1.5-2.2 s).
 */
const SUSPENDED_STALL_BOUND_MS = 10_000;

describe('a room across two SFU nodes', () => {
  let suite: ClusterSuite;
  let teacher: { email: string; password: string; token: string };
  let adminToken = '';
  let sid = '';
  let people: Participant[] = [];

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
    people = await fillRoom(suite, sid, session.code, teacher);

    const home = await roomKeys(suite, sid).home();
    expect(home).toMatch(/^sfu-[12]$/);
    const other = home === 'sfu-1' ? 'sfu-2' : 'sfu-1';
    const placed = await roomKeys(suite, sid).peers();
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

  it('span: kill -9 of the room’s home SFU node moves only its participants, who get media back; the others never lose theirs', async () => {
    const home = await roomKeys(suite, sid).home();
    // The room's home node: where it was first placed (the teacher first), with the active-speaker observer.
    expect((await roomKeys(suite, sid).peers())[people[0]!.peer]).toBe(home);

    const f = await killHome(suite, sid, people, RECOVERY_BOUND_MS);
    console.log(
      `[span] kill -9 of ${f.victim}: movers placed again at ${f.placedMs} ms; ${f.back.map((b) => `${b.what} at ${b.ms} ms`).join('; ')}; ` +
        `longest gap between the stayers: video ${f.gaps.video} ms, audio ${f.gaps.audio} ms; stalls: ${describeStalls(f.stalls)}`,
    );
    expect(f.movers.map((p) => p.name)).toEqual(['Tess', 'Gus']);
    expect(f.placedMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(f.recoveredMs).toBeLessThan(RECOVERY_BOUND_MS);
    // "Never lose it": nothing of theirs is rebuilt (the consumer ids below) and their media does
    // not stop. Samples are 500 ms apart; with four pages on two cores a starved renderer can
    // decode nothing for 1-2 s (the bench's figures), so a stall counts from 4 s (a rebuild takes
    // longer). A stall in which the sender's browser had stopped encoding the received layer is
    // congestion control's (see the header) and has the larger bound.
    const trace = `stalls: ${describeStalls(f.stalls)}\n${f.log.join('\n')}`;
    const longest = (suspended: boolean) => Math.max(0, ...f.stalls.filter((s) => s.senderSuspended === suspended).map((s) => s.ms));
    expect(longest(false), trace).toBeLessThan(STALL_BOUND_MS);
    expect(longest(true), trace).toBeLessThan(SUSPENDED_STALL_BOUND_MS);
    expect(f.gaps.video, trace).toBeLessThan(SUSPENDED_STALL_BOUND_MS);
    expect(f.gaps.audio).toBeLessThan(STALL_BOUND_MS);

    // Only the movers moved: the stayers' consumers of each other are the same ones, their peers unchanged.
    expect(f.keptBefore[0]).toHaveLength(2);
    expect(f.keptAfter).toEqual(f.keptBefore);
    expect(await Promise.all(people.map((p) => p.page.evaluate(() => window.__lectern?.peerId)))).toEqual(people.map((p) => p.peer));
    const now = await roomKeys(suite, sid).peers();
    expect(people.map((p) => now[p.peer])).toEqual(people.map(() => f.survivor));
    await expect.poll(layout, { timeout: 10_000 }).toEqual({ [f.survivor]: 4 });
    await f.movers[0]!.page.screenshot({ path: join(SHOTS, 'span-after-kill.png') });
  });
});
