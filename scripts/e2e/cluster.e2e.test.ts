// Many nodes, for real: two API processes and two SFU processes on one machine, linked by
// a private Redis, with Postgres as the source of truth, and a browser call whose two
// participants are connected to different API nodes. Then: kill -9 of the SFU carrying
// the call (media flows again on the other node within 15 s, no reload), a Redis restart
// during the call (the call continues, a join while Redis is away is refused with an error
// shown, new joins work after), and a drain (no new rooms
// on the drained node; its room keeps working until it ends, then the node exits).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClusterSuite, ROOT, type ClusterSuite, type NodeSpec } from './nodes.js';
import { createTestUser, joinByCode, signIn, waitForPeerId } from './support.js';

const SPECS: NodeSpec[] = [
  { name: 'api-1', role: 'api', port: 3701 },
  { name: 'api-2', role: 'api', port: 3702 },
  { name: 'sfu-1', role: 'sfu', port: 3711, rtcPortBase: 25300 },
  { name: 'sfu-2', role: 'sfu', port: 3712, rtcPortBase: 25310 },
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
mkdirSync(SHOTS, { recursive: true });

describe('cluster: two API nodes and two SFU nodes linked by Redis', () => {
  let suite: ClusterSuite;
  let teacher: { email: string; password: string; token: string };
  // The call under test.
  let sid = '';
  let code = '';
  let tPage: Page;
  let gPage: Page;
  let teacherPeer = '';
  let guestPeer = '';

  beforeAll(async () => {
    suite = await openClusterSuite('cluster', SPECS);
    const { email, password } = await createTestUser(suite.db, 'teacher', 'Tess Teacher', 'teacher');
    const login = await api<{ accessToken: string }>('api-1', 'POST', '/api/auth/login', { email, password });
    expect(login.status).toBe(200);
    teacher = { email, password, token: login.body.accessToken };
  });

  afterAll(async () => {
    await suite?.close();
  });

  const api = <T = unknown>(node: string, method: string, path: string, body?: unknown, token?: string) => suite.api<T>(node, method, path, body, token);
  const newSession = (title: string) => suite.newSession(title, teacher.token);
  const newPage = () => suite.newPage();

  async function joinAsGuest(node: string, joinCode: string, name: string): Promise<{ page: Page; peer: string }> {
    const page = await newPage();
    await joinByCode(page, suite.cluster.url(node), joinCode, name);
    return { page, peer: await waitForPeerId(page) };
  }


  /** How a join attempt on `page` ended within `timeoutMs`: `refused: <the error shown>` or `joined`; throws when it hangs. */
  async function joinOutcome(page: Page, timeoutMs: number): Promise<string> {
    const refusal = page.locator('[role=alert], .room-status-card h1').first();
    const joined = page.waitForFunction(() => Boolean(window.__lectern?.peerId), undefined, { timeout: timeoutMs }).then(() => 'joined');
    const refused = refusal.waitFor({ timeout: timeoutMs }).then(async () => `refused: ${(await refusal.innerText()).trim()}`);
    const first = await Promise.race([joined, refused].map((p) => p.then((v) => ({ v }), (err: unknown) => ({ err }))));
    if ('v' in first) return first.v;
    throw new Error(`a join neither succeeded nor was refused within ${timeoutMs} ms (${String(first.err)}); page at ${page.url()}`);
  }

  type Sample = Map<string, { peerId: string; kind: string; bytes: number; frames: number }>;
  async function sample(page: Page): Promise<Sample> {
    const stats = await page.evaluate(async () => (window.__lectern ? (await window.__lectern.stats()).consumers : []));
    return new Map(stats.map((c) => [c.consumerId, { peerId: c.peerId, kind: c.kind, bytes: c.bytesReceived, frames: c.framesDecoded }]));
  }

  /** True when, between two samples, some consumer of `peer` shows audio bytes and video frames rising. */
  function rising(a: Sample, b: Sample, peer: string): boolean {
    const grew = (kind: string) =>
      [...b].some(([id, s]) => {
        const before = a.get(id);
        return s.peerId === peer && s.kind === kind && before !== undefined && s.bytes > before.bytes && (kind === 'audio' || s.frames > before.frames);
      });
    return grew('audio') && grew('video');
  }

  /** Samples `page` every `everyMs` until `peer`'s media is rising between two samples (`flowing`) or is not (stalled). */
  async function waitMedia(page: Page, peer: string, flowing: boolean, timeoutMs: number, everyMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    let prev = await sample(page);
    while (Date.now() < until) {
      await sleep(everyMs);
      const next = await sample(page);
      if (rising(prev, next, peer) === flowing) return;
      prev = next;
    }
    throw new Error(flowing ? `no media from ${peer} within ${timeoutMs} ms; last: ${JSON.stringify([...prev.values()])}` : `media from ${peer} never stalled`);
  }

  /** Waits until `page` receives `peer`'s audio and video (bytes and decoded frames rising). */
  const mediaFlows = (page: Page, peer: string, timeoutMs = 30_000) => waitMedia(page, peer, true, timeoutMs, 600);
  const mediaStalls = (page: Page, peer: string, timeoutMs = 15_000) => waitMedia(page, peer, false, timeoutMs, 1000);

  const placementOf = (roomId: string) => suite.redis.get(`${suite.cluster.prefix}lectern:room:${roomId}:node`);

  it('cluster: participants on different API nodes meet in one room with media flowing both ways', async () => {
    ({ sid, code } = await newSession('Cluster call'));
    tPage = await newPage();
    await signIn(tPage, suite.cluster.url('api-1'), teacher.email, teacher.password);
    await tPage.goto(`${suite.cluster.url('api-1')}/room/${sid}`);
    teacherPeer = await waitForPeerId(tPage);
    ({ page: gPage, peer: guestPeer } = await joinAsGuest('api-2', code, 'Gus Guest'));
    expect(new URL(tPage.url()).port).toBe('3701');
    expect(new URL(gPage.url()).port).toBe('3702');

    await mediaFlows(tPage, guestPeer);
    await mediaFlows(gPage, teacherPeer);
    expect(await placementOf(sid)).toMatch(/^sfu-[12]$/);
    await gPage.screenshot({ path: join(SHOTS, 'cluster-call.png') });
  });

  it('cluster: kill -9 of the SFU carrying the call — media flows again on the other node within 15 s, without a reload', async () => {
    const host = (await placementOf(sid))!;
    const other = host === 'sfu-1' ? 'sfu-2' : 'sfu-1';
    await gPage.evaluate(() => ((window as unknown as { __marker: number }).__marker = 7));
    const t0 = Date.now();
    await suite.cluster.kill(host, 'SIGKILL');
    await mediaStalls(gPage, teacherPeer);
    await Promise.all([mediaFlows(tPage, guestPeer, 20_000), mediaFlows(gPage, teacherPeer, 20_000)]);
    const recoveredMs = Date.now() - t0;
    console.log(`[cluster] media flowing again ${recoveredMs} ms after kill -9 of ${host}`);
    expect(recoveredMs).toBeLessThan(15_000);
    expect(await placementOf(sid)).toBe(other);
    expect(await gPage.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(7); // same page, no reload
    await suite.cluster.start(host); // back for the next tests
  });

  it('cluster: a Redis restart during the call — the call continues, a join meanwhile is refused with an error shown, and new joins work once Redis is back', async () => {
    await suite.redisServer.stop();
    // Media does not depend on Redis: the call keeps flowing while it is away.
    await mediaFlows(gPage, teacherPeer, 10_000);
    await mediaFlows(tPage, guestPeer, 10_000);
    // A join while Redis is away: answered (an error the person can read), not left hanging.
    const outage = await newPage();
    await joinByCode(outage, suite.cluster.url('api-2'), code, 'Olive Outage');
    const during = await joinOutcome(outage, 30_000);
    console.log(`[cluster] a join during the Redis outage: ${during}`);
    expect(during).toBe('refused: Could not join: The service is briefly unavailable. Try again in a moment.');
    await outage.context().close();
    await suite.redisServer.start();
    for (const n of ['api-1', 'api-2', 'sfu-1', 'sfu-2']) await suite.cluster.waitReady(n, 20_000);
    await mediaFlows(gPage, teacherPeer);

    // A newcomer joins through the other API node than the guest, after the restart.
    const { page: nPage, peer: newPeer } = await joinAsGuest('api-1', code, 'Nia Newcomer');
    await mediaFlows(nPage, teacherPeer);
    await mediaFlows(nPage, guestPeer);
    await mediaFlows(gPage, newPeer);
    await mediaFlows(tPage, newPeer);
    await nPage.context().close();
  });

  it('cluster: a drained SFU node takes no new rooms; its room keeps working until it ends, then the node exits', async () => {
    const host = (await placementOf(sid))!;
    const other = host === 'sfu-1' ? 'sfu-2' : 'sfu-1';
    await suite.cluster.kill(host, 'SIGTERM');
    await expect.poll(() => suite.cluster.ready(host), { timeout: 10_000 }).toBe(503);
    // Wait until the draining flag is visible to placement (next announcement).
    await expect
      .poll(async () => JSON.parse((await suite.redis.get(`${suite.cluster.prefix}lectern:sfu:node:${host}`)) ?? '{}') as { draining?: boolean }, { timeout: 10_000 })
      .toMatchObject({ draining: true });

    const second = await newSession('Second call');
    const { page: sPage, peer: soloPeer } = await joinAsGuest('api-2', second.code, 'Sol Second');
    expect(soloPeer).not.toBe('');
    await expect.poll(() => placementOf(second.sid), { timeout: 15_000 }).toBe(other);

    // The existing call continues on the draining node.
    await mediaFlows(gPage, teacherPeer);
    await mediaFlows(tPage, guestPeer);
    expect(await placementOf(sid)).toBe(host);

    // The call ends; the drained node has nothing left and exits cleanly.
    const exited = suite.cluster.exited(host);
    expect((await api('api-1', 'POST', `/api/sessions/${sid}/end`, undefined, teacher.token)).status).toBe(200);
    expect(await exited).toBe(0);
    await sPage.context().close();
  });
});
