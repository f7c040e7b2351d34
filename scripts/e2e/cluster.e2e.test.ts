// Many nodes, for real: two API processes and two SFU processes on one machine, linked by
// a private Redis, with Postgres as the source of truth, and a browser call whose two
// participants are connected to different API nodes. Then: kill -9 of the SFU carrying
// the call (media flows again on the other node within 15 s, no reload), a Redis restart
// during the call (the call continues, a join while Redis is away is refused with an error
// shown, new joins work after), and a drain (no new rooms
// on the drained node; its room keeps working until it ends, then the node exits).
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@lectern/db/testing';
import { TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { createSuiteDb, nodeEnv, readyStatus, ROOT, spawnNode, waitReady } from './nodes.js';
import { callJson, createTestUser, joinByCode, launchBrowser, signIn, waitForPeerId } from './support.js';

const LOGS = join(ROOT, 'artifacts', 'cluster-logs');
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
mkdirSync(LOGS, { recursive: true });
mkdirSync(SHOTS, { recursive: true });

interface NodeSpec {
  name: string;
  role: 'api' | 'sfu';
  port: number;
  rtcPortBase?: number;
}
const SPECS: NodeSpec[] = [
  { name: 'api-1', role: 'api', port: 3701 },
  { name: 'api-2', role: 'api', port: 3702 },
  { name: 'sfu-1', role: 'sfu', port: 3711, rtcPortBase: 25300 },
  { name: 'sfu-2', role: 'sfu', port: 3712, rtcPortBase: 25310 },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Cluster {
  readonly procs = new Map<string, ChildProcess>();
  readonly prefix = `lectern-test-${randomBytes(4).toString('hex')}:`;
  readonly secret = randomBytes(48).toString('base64url');
  readonly dataDir = mkdtempSync(join(tmpdir(), 'lectern-cluster-'));

  constructor(
    readonly redis: TestRedis,
    readonly databaseUrl: string,
    readonly clientDist: string | undefined,
  ) {}

  url(name: string): string {
    return `http://127.0.0.1:${this.spec(name).port}`;
  }

  spec(name: string): NodeSpec {
    const s = SPECS.find((x) => x.name === name);
    if (!s) throw new Error(`no node ${name}`);
    return s;
  }

  async start(name: string): Promise<void> {
    const s = this.spec(name);
    const env = nodeEnv({
      LECTERN_ROLE: s.role,
      LECTERN_NODE_ID: s.name,
      PORT: String(s.port),
      LECTERN_PUBLIC_URL: this.url(name),
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      LECTERN_REDIS_PREFIX: this.prefix,
      LECTERN_JWT_SECRET: this.secret,
      LECTERN_DATA_DIR: join(this.dataDir, s.name),
      LECTERN_JOIN_RATE_PER_IP: '1000',
      LECTERN_DRAIN_TIMEOUT_SECONDS: '120',
      ...(s.rtcPortBase ? { LECTERN_RTC_PORT_BASE: String(s.rtcPortBase) } : {}),
      ...(this.clientDist ? { LECTERN_CLIENT_DIST: this.clientDist } : {}),
    });
    this.procs.set(name, spawnNode(env, this.logFile(name)));
    await this.waitReady(name, 60_000);
  }

  logFile(name: string): string {
    return join(LOGS, `${name}.log`);
  }

  ready(name: string): Promise<number> {
    return readyStatus(this.url(name));
  }

  async waitReady(name: string, timeoutMs: number): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc) throw new Error(`${name} was never started`);
    await waitReady(proc, this.url(name), this.logFile(name), timeoutMs);
  }

  exited(name: string): Promise<number | null> {
    const proc = this.procs.get(name);
    if (!proc || proc.exitCode !== null) return Promise.resolve(proc?.exitCode ?? null);
    return new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  }

  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.procs.get(name);
    if (!proc || proc.exitCode !== null) return;
    const done = this.exited(name);
    proc.kill(signal);
    if (signal === 'SIGKILL') await done;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.procs.keys()].map((n) => this.kill(n, 'SIGKILL')));
  }
}

describe('cluster: two API nodes and two SFU nodes linked by Redis', () => {
  let redisServer: TestRedis;
  let db: TestDb;
  let cluster: Cluster;
  let redis: Redis;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let teacher: { email: string; password: string; token: string };
  // The call under test.
  let sid = '';
  let code = '';
  let tPage: Page;
  let gPage: Page;
  let teacherPeer = '';
  let guestPeer = '';

  beforeAll(async () => {
    redisServer = await TestRedis.start();
    db = await createSuiteDb();
    cluster = new Cluster(redisServer, db.url!, process.env.LECTERN_CLIENT_DIST);
    // API nodes first (the first one runs migrations), then the SFU nodes.
    await cluster.start('api-1');
    await Promise.all([cluster.start('api-2'), cluster.start('sfu-1'), cluster.start('sfu-2')]);
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    browser = await launchBrowser();
    const { email, password } = await createTestUser(db, 'teacher', 'Tess Teacher', 'teacher');
    const login = await api<{ accessToken: string }>('api-1', 'POST', '/api/auth/login', { email, password });
    expect(login.status).toBe(200);
    teacher = { email, password, token: login.body.accessToken };
  });

  afterAll(async () => {
    // Each step bounded, so one stuck resource cannot keep the others (processes, database) alive.
    const step = (what: string, p: Promise<unknown> | undefined) =>
      Promise.race([Promise.resolve(p).catch((err: unknown) => console.warn(`[cluster] ${what}: ${String(err)}`)), sleep(15_000)]);
    await step('stop nodes', cluster?.stopAll());
    await step('close browser', browser?.close());
    redis?.disconnect();
    await step('stop redis', redisServer?.stop());
    await step('drop database', db?.destroy());
  });

  const api = <T = unknown>(node: string, method: string, path: string, body?: unknown, token?: string) => callJson<T>(cluster.url(node), method, path, body, token);

  async function newSession(title: string): Promise<{ sid: string; code: string }> {
    const s = await api<{ id: string }>('api-1', 'POST', '/api/sessions', { title, scheduledAt: new Date().toISOString(), durationMinutes: 60, timezone: 'Europe/Berlin', guestAccess: 'open' }, teacher.token);
    expect(s.status).toBe(201);
    expect((await api('api-2', 'POST', `/api/sessions/${s.body.id}/start`, undefined, teacher.token)).status).toBe(200);
    const c = await api<{ code: string }>('api-1', 'POST', `/api/sessions/${s.body.id}/codes`, undefined, teacher.token);
    expect(c.body.code).toMatch(/^[A-Z0-9]{8}$/);
    return { sid: s.body.id, code: c.body.code };
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 }, permissions: ['camera', 'microphone'] });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    return page;
  }

  async function joinAsGuest(node: string, joinCode: string, name: string): Promise<{ page: Page; peer: string }> {
    const page = await newPage();
    await joinByCode(page, cluster.url(node), joinCode, name);
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

  const placementOf = (roomId: string) => redis.get(`${cluster.prefix}lectern:room:${roomId}:node`);

  it('cluster: participants on different API nodes meet in one room with media flowing both ways', async () => {
    ({ sid, code } = await newSession('Cluster call'));
    tPage = await newPage();
    await signIn(tPage, cluster.url('api-1'), teacher.email, teacher.password);
    await tPage.goto(`${cluster.url('api-1')}/room/${sid}`);
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
    await cluster.kill(host, 'SIGKILL');
    await mediaStalls(gPage, teacherPeer);
    await Promise.all([mediaFlows(tPage, guestPeer, 20_000), mediaFlows(gPage, teacherPeer, 20_000)]);
    const recoveredMs = Date.now() - t0;
    console.log(`[cluster] media flowing again ${recoveredMs} ms after kill -9 of ${host}`);
    expect(recoveredMs).toBeLessThan(15_000);
    expect(await placementOf(sid)).toBe(other);
    expect(await gPage.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(7); // same page, no reload
    await cluster.start(host); // back for the next tests
  });

  it('cluster: a Redis restart during the call — the call continues, a join meanwhile is refused with an error shown, and new joins work once Redis is back', async () => {
    await redisServer.stop();
    // Media does not depend on Redis: the call keeps flowing while it is away.
    await mediaFlows(gPage, teacherPeer, 10_000);
    await mediaFlows(tPage, guestPeer, 10_000);
    // A join while Redis is away: answered (an error the person can read), not left hanging.
    const outage = await newPage();
    await joinByCode(outage, cluster.url('api-2'), code, 'Olive Outage');
    const during = await joinOutcome(outage, 30_000);
    console.log(`[cluster] a join during the Redis outage: ${during}`);
    expect(during).toBe('refused: Could not join: The service is briefly unavailable. Try again in a moment.');
    await outage.context().close();
    await redisServer.start();
    for (const n of ['api-1', 'api-2', 'sfu-1', 'sfu-2']) await cluster.waitReady(n, 20_000);
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
    await cluster.kill(host, 'SIGTERM');
    await expect.poll(() => cluster.ready(host), { timeout: 10_000 }).toBe(503);
    // Wait until the draining flag is visible to placement (next announcement).
    await expect
      .poll(async () => JSON.parse((await redis.get(`${cluster.prefix}lectern:sfu:node:${host}`)) ?? '{}') as { draining?: boolean }, { timeout: 10_000 })
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
    const exited = cluster.exited(host);
    expect((await api('api-1', 'POST', `/api/sessions/${sid}/end`, undefined, teacher.token)).status).toBe(200);
    expect(await exited).toBe(0);
    await sPage.context().close();
  });
});
