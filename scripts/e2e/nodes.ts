// Lectern nodes as server processes, for the multi-node browser suites (chat, calls, cluster):
// each node runs server/src/main.ts from source; the nodes share one Postgres database and a
// private Redis. Two API nodes with a class of three people: openClassOnTwoNodes.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
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
