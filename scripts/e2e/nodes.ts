// Lectern nodes as server processes, for the multi-node browser suites (chat, calls, cluster):
// each node runs server/src/main.ts from source; the nodes share one Postgres database and a
// private Redis. Two API nodes with a class of three people: openClassOnTwoNodes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { courses, enrolments } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { freePort, TestRedis } from '../../server/src/cluster/test/testRedis.js';
import { announceSuiteDb, buildClientCopy, callJson, createTestUser, launchBrowser } from './support.js';

export const ROOT = new URL('../..', import.meta.url).pathname;

// Inside scripts/e2e.sh's network namespace only loopback exists: Postgres through its unix socket.
export const PG_ENV = { PGHOST: process.env.LECTERN_E2E_PG_SOCKET ?? '/var/run/postgresql', PGUSER: 'postgres' };

/**
 * A fresh Postgres database for a multi-node suite (always Postgres: node processes cannot
 * share PGlite); this process, like the nodes, reaches it through PG_ENV. Announced in the log.
 */
export async function createSuiteDb(): Promise<TestDb> {
  Object.assign(process.env, PG_ENV);
  const db = await createTestDb('postgres', { ...process.env, DATABASE_URL: process.env.LECTERN_E2E_DATABASE_URL ?? 'postgres:///test' });
  announceSuiteDb('postgres', 'redis');
  return db;
}

/** The environment of a node process: what every node starts with, then the node's own `vars`. */
export function nodeEnv(vars: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...PG_ENV,
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    LECTERN_SCRYPT_LOG_N: '14',
    LECTERN_LOG_LEVEL: process.env.LECTERN_TEST_LOG_LEVEL ?? 'info',
    LECTERN_SFU_WORKERS: '1',
    ...vars,
    ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
  };
}

/** Starts a node process with `env`; its output is appended to `logFile`. */
export function spawnNode(env: Record<string, string>, logFile: string): ChildProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', 'server/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  return proc;
}

/** The status of the node's /readyz; 0 while nothing answers. */
export async function readyStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** Waits until the node at `url` is ready; fails when its process exits first or after `timeoutMs`. */
export async function waitReady(proc: ChildProcess, url: string, logFile: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`node ${url} exited while starting (see ${logFile})`);
    if ((await readyStatus(url)) === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`node ${url} not ready after ${timeoutMs} ms (see ${logFile})`);
}

export type NodeName = 'a' | 'b';

export interface TwoNodes {
  db: TestDb;
  url(n: NodeName): string;
  /** Kills both nodes, stops Redis and drops the database. */
  close(): Promise<void>;
}

/**
 * Two API nodes of one deployment: node A also hosts the SFU (role all), node B is API only.
 * They share a fresh Postgres database, a private Redis, a JWT secret and a freshly built
 * client. `name` names node ids, temp folders and the logs (artifacts/<name>-logs); `env` adds
 * settings to both nodes. On a failure what started is closed.
 */
export async function startTwoNodes(name: string, opts: { rtcPort: number; env?: Record<string, string> }): Promise<TwoNodes> {
  const logs = join(ROOT, 'artifacts', `${name}-logs`);
  mkdirSync(logs, { recursive: true });
  const dist = buildClientCopy(name);
  const ports = { a: 0, b: 0 };
  const url = (n: NodeName) => `http://127.0.0.1:${ports[n]}`;
  const procs: ChildProcess[] = [];
  let redis: TestRedis | undefined;
  let db: TestDb | undefined;
  const close = async () => {
    for (const p of procs) p.kill('SIGKILL');
    await redis?.stop().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
  };
  try {
    redis = await TestRedis.start();
    db = await createSuiteDb();
    ports.a = await freePort();
    ports.b = await freePort();
    const shared = {
      DATABASE_URL: db.url!,
      REDIS_URL: redis.url,
      LECTERN_REDIS_PREFIX: `lectern-${name}-${randomBytes(3).toString('hex')}:`,
      LECTERN_JWT_SECRET: randomBytes(48).toString('base64url'),
      LECTERN_RTC_PORT_BASE: String(opts.rtcPort),
      LECTERN_CLIENT_DIST: dist,
      ...opts.env,
    };
    // A first: it runs the migrations.
    for (const n of ['a', 'b'] as const) {
      const env = nodeEnv({
        ...shared,
        LECTERN_ROLE: n === 'a' ? 'all' : 'api',
        LECTERN_NODE_ID: `${name}-${n}`,
        PORT: String(ports[n]),
        LECTERN_PUBLIC_URL: url(n),
        LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), `lectern-${name}-${n}-`)),
      });
      const logFile = join(logs, `node-${n}.log`);
      const proc = spawnNode(env, logFile);
      procs.push(proc);
      await waitReady(proc, url(n), logFile, 60_000);
    }
    return { db, url, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export type Who = 'teacher' | 's1' | 's2';
export type Person = Awaited<ReturnType<typeof createTestUser>>;

/** A teacher with a course (Physics 101) that two students are enrolled in. */
export async function seedClass(db: TestDb): Promise<Record<Who, Person>> {
  const people = {} as Record<Who, Person>;
  for (const [key, role, name] of [['teacher', 'teacher', 'Tess Teacher'], ['s1', 'student', 'Sam Student'], ['s2', 'student', 'Ada Student']] as const) {
    people[key] = await createTestUser(db, role, name, key);
  }
  const [course] = await db.db.insert(courses).values({ title: 'Physics 101', ownerId: people.teacher.id }).returning();
  await db.db.insert(enrolments).values([people.s1.id, people.s2.id].map((userId) => ({ courseId: course!.id, userId })));
  return people;
}

export interface ClassOnTwoNodes {
  nodes: TwoNodes;
  people: Record<Who, Person>;
  browser: Browser;
  /** Signs `who` in over node `n`'s API: the access token. */
  token(n: NodeName, who: Who): Promise<string>;
  close(): Promise<void>;
}

/** The fixture of the two-node class suites: startTwoNodes, seedClass and one Chromium. */
export async function openClassOnTwoNodes(name: string, opts: { rtcPort: number; env?: Record<string, string> }): Promise<ClassOnTwoNodes> {
  const nodes = await startTwoNodes(name, opts);
  try {
    const people = await seedClass(nodes.db);
    const browser = await launchBrowser();
    return {
      nodes,
      people,
      browser,
      async token(n, who) {
        const res = await callJson<{ accessToken: string }>(nodes.url(n), 'POST', '/api/auth/login', { email: people[who].email, password: people[who].password });
        return res.body.accessToken;
      },
      async close() {
        await browser.close().catch(() => undefined);
        await nodes.close();
      },
    };
  } catch (err) {
    await nodes.close();
    throw err;
  }
}

/** One process of a Cluster: an API node or an SFU node, on fixed ports. */
export interface NodeSpec {
  name: string;
  role: 'api' | 'sfu';
  port: number;
  rtcPortBase?: number;
}

/**
 * Separate API and SFU node processes of one deployment (the cluster suites): they share a
 * Postgres database, a private Redis (`prefix`), a JWT secret and the client build; `env` adds
 * settings to every node. Logs go to artifacts/<logs>/<node>.log.
 */
export class Cluster {
  readonly procs = new Map<string, ChildProcess>();
  readonly prefix = `lectern-test-${randomBytes(4).toString('hex')}:`;
  readonly secret = randomBytes(48).toString('base64url');
  readonly dataDir = mkdtempSync(join(tmpdir(), 'lectern-cluster-'));
  readonly logs: string;
  readonly env: Record<string, string>;

  constructor(
    readonly specs: readonly NodeSpec[],
    readonly redis: TestRedis,
    readonly databaseUrl: string,
    opts: { logs: string; env?: Record<string, string> },
  ) {
    this.env = opts.env ?? {};
    this.logs = join(ROOT, 'artifacts', opts.logs);
    mkdirSync(this.logs, { recursive: true });
  }

  url(name: string): string {
    return `http://127.0.0.1:${this.spec(name).port}`;
  }

  spec(name: string): NodeSpec {
    const s = this.specs.find((x) => x.name === name);
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
      ...(process.env.LECTERN_CLIENT_DIST ? { LECTERN_CLIENT_DIST: process.env.LECTERN_CLIENT_DIST } : {}),
      ...this.env,
    });
    this.procs.set(name, spawnNode(env, this.logFile(name)));
    await this.waitReady(name, 60_000);
  }

  logFile(name: string): string {
    return join(this.logs, `${name}.log`);
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

/** A Cluster's whole fixture: its Redis and database, a Redis client on the cluster's keys, one Chromium. */
export interface ClusterSuite {
  cluster: Cluster;
  db: TestDb;
  redisServer: TestRedis;
  /** A client of the cluster's Redis (keys under `cluster.prefix`). */
  redis: Redis;
  browser: Browser;
  api<T = unknown>(node: string, method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** A browser context of its own (camera and microphone allowed), its page errors logged. */
  newPage(): Promise<Page>;
  /** A session with open guest access, created through api-1, started through api-2, and a join code for it. */
  newSession(title: string, token: string): Promise<{ sid: string; code: string }>;
  /** Each step bounded, so one stuck resource cannot keep the others (processes, database) alive. */
  close(): Promise<void>;
}

/** Starts `specs` (the first one first: it runs the migrations; then the others at once) and the rest of a ClusterSuite. */
export async function openClusterSuite(name: string, specs: readonly NodeSpec[], env?: Record<string, string>): Promise<ClusterSuite> {
  const redisServer = await TestRedis.start();
  const db = await createSuiteDb();
  const cluster = new Cluster(specs, redisServer, db.url!, { logs: `${name}-logs`, ...(env ? { env } : {}) });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  let browser: Browser | undefined;
  const close = async () => {
    const step = (what: string, p: Promise<unknown> | undefined) =>
      Promise.race([Promise.resolve(p).catch((err: unknown) => console.warn(`[${name}] ${what}: ${String(err)}`)), new Promise((r) => setTimeout(r, 15_000))]);
    await step('stop nodes', cluster.stopAll());
    await step('close browser', browser?.close());
    redis.disconnect();
    await step('stop redis', redisServer.stop());
    await step('drop database', db.destroy());
  };
  try {
    const [first, ...rest] = specs;
    await cluster.start(first!.name);
    await Promise.all(rest.map((s) => cluster.start(s.name)));
    browser = await launchBrowser();
  } catch (err) {
    await close();
    throw err;
  }
  const api = <T = unknown>(node: string, method: string, path: string, body?: unknown, token?: string) => callJson<T>(cluster.url(node), method, path, body, token);
  const b = browser;
  return {
    cluster,
    db,
    redisServer,
    redis,
    browser: b,
    api,
    async newPage() {
      const context = await b.newContext({ viewport: { width: 1000, height: 700 }, permissions: ['camera', 'microphone'] });
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
      return page;
    },
    async newSession(title, token) {
      const s = await api<{ id: string }>('api-1', 'POST', '/api/sessions', { title, scheduledAt: new Date().toISOString(), durationMinutes: 60, timezone: 'Europe/Berlin', guestAccess: 'open' }, token);
      if (s.status !== 201) throw new Error(`creating a session: ${s.status} ${JSON.stringify(s.body)}`);
      const started = await api('api-2', 'POST', `/api/sessions/${s.body.id}/start`, undefined, token);
      if (started.status !== 200) throw new Error(`starting the session: ${started.status}`);
      const c = await api<{ code: string }>('api-1', 'POST', `/api/sessions/${s.body.id}/codes`, undefined, token);
      if (!/^[A-Z0-9]{8}$/.test(c.body.code)) throw new Error(`no join code: ${JSON.stringify(c.body)}`);
      return { sid: s.body.id, code: c.body.code };
    },
    close,
  };
}
