// Many nodes, for real: two API processes and two SFU processes on one machine, linked by
// a private Redis, with Postgres as the source of truth, and a browser call whose two
// participants are connected to different API nodes. Then: kill -9 of the SFU carrying
// the call (media flows again on the other node within 15 s, no reload), a Redis restart
// during the call (the call continues, new joins work after), and a drain (no new rooms
// on the drained node; its room keeps working until it ends, then the node exits).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { createUser } from '../../server/src/users/userService.js';
import { callJson, launchBrowser } from './support.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const LOGS = join(ROOT, 'artifacts', 'cluster-logs');
const SHOTS = join(ROOT, 'artifacts', 'screenshots');
mkdirSync(LOGS, { recursive: true });
mkdirSync(SHOTS, { recursive: true });

// Inside scripts/e2e.sh's network namespace only loopback exists: Postgres through its unix socket.
const PG_SOCKET_DIR = process.env.LECTERN_E2E_PG_SOCKET ?? '/var/run/postgresql';
const PG_ENV = { PGHOST: PG_SOCKET_DIR, PGUSER: 'postgres' };

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
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      ...PG_ENV,
      NODE_ENV: 'test',
      LECTERN_ROLE: s.role,
      LECTERN_NODE_ID: s.name,
      PORT: String(s.port),
      HOST: '127.0.0.1',
      LECTERN_PUBLIC_URL: this.url(name),
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      LECTERN_REDIS_PREFIX: this.prefix,
      LECTERN_JWT_SECRET: this.secret,
      LECTERN_DATA_DIR: join(this.dataDir, s.name),
      LECTERN_SCRYPT_LOG_N: '14',
      LECTERN_LOG_LEVEL: process.env.LECTERN_TEST_LOG_LEVEL ?? 'info',
      LECTERN_SFU_WORKERS: '1',
      LECTERN_JOIN_RATE_PER_IP: '1000',
      LECTERN_DRAIN_TIMEOUT_SECONDS: '120',
      ...(s.rtcPortBase ? { LECTERN_RTC_PORT_BASE: String(s.rtcPortBase) } : {}),
      ...(this.clientDist ? { LECTERN_CLIENT_DIST: this.clientDist } : {}),
      ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    };
    const log = createWriteStream(join(LOGS, `${s.name}.log`), { flags: 'a' });
    const proc = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    this.procs.set(name, proc);
    await this.waitReady(name, 60_000);
  }

  async ready(name: string): Promise<number> {
    try {
      const res = await fetch(`${this.url(name)}/readyz`);
      return res.status;
    } catch {
      return 0;
    }
  }

  async waitReady(name: string, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const proc = this.procs.get(name);
      if (!proc || proc.exitCode !== null) throw new Error(`${name} exited while starting (see ${LOGS}/${name}.log)`);
      if ((await this.ready(name)) === 200) return;
      await sleep(250);
    }
    throw new Error(`${name} not ready after ${timeoutMs} ms`);
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
    Object.assign(process.env, PG_ENV);
    redisServer = await TestRedis.start();
    db = await createTestDb('postgres', { ...process.env, DATABASE_URL: process.env.LECTERN_E2E_DATABASE_URL ?? 'postgres:///test' });
    cluster = new Cluster(redisServer, db.url!, process.env.LECTERN_CLIENT_DIST);
    // API nodes first (the first one runs migrations), then the SFU nodes.
    await cluster.start('api-1');
    await Promise.all([cluster.start('api-2'), cluster.start('sfu-1'), cluster.start('sfu-2')]);
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    browser = await launchBrowser();
    const email = `teacher-${randomBytes(3).toString('hex')}@example.test`;
    const password = `pw-${randomBytes(8).toString('hex')}`;
    await createUser(db.db, { email, password, role: 'teacher', name: 'Tess Teacher' }, 14);
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
    await page.goto(`${cluster.url(node)}/j/${joinCode}`);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    return { page, peer: await peerIdOf(page) };
  }

  async function peerIdOf(page: Page): Promise<string> {
    await page.waitForFunction(() => Boolean(window.__lectern?.peerId), undefined, { timeout: 30_000 });
    return page.evaluate(() => window.__lectern?.peerId ?? '');
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

  /** Waits until `page` receives `peer`'s audio and video (bytes and decoded frames rising). */
  async function mediaFlows(page: Page, peer: string, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let prev = await sample(page);
    while (Date.now() < until) {
      await sleep(600);
      const next = await sample(page);
      if (rising(prev, next, peer)) return;
      prev = next;
    }
    throw new Error(`no media from ${peer} within ${timeoutMs} ms; last: ${JSON.stringify([...prev.values()])}`);
  }

  async function mediaStalls(page: Page, peer: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let prev = await sample(page);
    while (Date.now() < until) {
      await sleep(1000);
      const next = await sample(page);
      if (!rising(prev, next, peer)) return;
      prev = next;
    }
    throw new Error(`media from ${peer} never stalled`);
  }

  const placementOf = (roomId: string) => redis.get(`${cluster.prefix}lectern:room:${roomId}:node`);

  it('cluster: participants on different API nodes meet in one room with media flowing both ways', async () => {
    ({ sid, code } = await newSession('Cluster call'));
    tPage = await newPage();
    await tPage.goto(`${cluster.url('api-1')}/login`);
    await tPage.getByLabel('Email').fill(teacher.email);
    await tPage.getByLabel('Password').fill(teacher.password);
    await tPage.getByRole('button', { name: 'Sign in' }).click();
    await tPage.waitForURL((u) => !u.pathname.startsWith('/login'));
    await tPage.goto(`${cluster.url('api-1')}/room/${sid}`);
    teacherPeer = await peerIdOf(tPage);
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

  it('cluster: a Redis restart during the call — the call continues, and new joins work once Redis is back', async () => {
    await redisServer.stop();
    // Media does not depend on Redis: the call keeps flowing while it is away.
    await mediaFlows(gPage, teacherPeer, 10_000);
    await mediaFlows(tPage, guestPeer, 10_000);
    await sleep(1500);
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
