// Test harness: a real app on a fresh database (PGlite, or Postgres when DATABASE_URL is
// set), with an injected clock. Use `describe.each(dbKinds())`. When REDIS_URL is set the
// app's bus and counters run on that Redis, under a key/channel prefix of its own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { UserRole } from '@lectern/db';
import { createTestDb, type DbKind, type TestDb } from '@lectern/db/testing';
import { buildApp, type BuildAppOptions } from '../app.js';
import { ManualClock } from '../clock.js';
import { loadConfig, type Config } from '../config.js';
import { closeRedis } from '../infra/closeRedis.js';
import type { Lectern } from '../lectern.js';
import { createLogger } from '../logger.js';
import { createRuntime, redisOptions, type Runtime } from '../runtime.js';
import { createUser } from '../users/userService.js';

export { dbKinds } from '@lectern/db/testing';

export interface TestApp {
  app: FastifyInstance;
  runtime: Runtime;
  config: Config;
  clock: ManualClock;
  db: TestDb;
  /** Creates a user and signs in; returns the bearer header and the user id. */
  userWithToken(role: UserRole, name?: string): Promise<{ id: string; email: string; password: string; headers: { authorization: string } }>;
  close(): Promise<void>;
}

/** A user made by `userWithToken`: id, email, password and bearer header. */
export type TestUser = Awaited<ReturnType<TestApp['userWithToken']>>;

/**
 * REDIS_URL of the environment (CI sets it) with a prefix no other test app, test run or agent
 * on that Redis uses. A test that passes its own REDIS_URL (a private server, or '' for the
 * in-memory bus) keeps it.
 */
function sharedRedisEnv(extra: Record<string, string>): Record<string, string> {
  const url = process.env.REDIS_URL;
  if (!url || extra.REDIS_URL !== undefined) return {};
  return { REDIS_URL: url, LECTERN_REDIS_PREFIX: `lectern-test-${randomBytes(6).toString('hex')}:` };
}

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LECTERN_DATA_DIR: mkdtempSync(join(tmpdir(), 'lectern-test-')),
    LECTERN_JWT_SECRET: randomBytes(48).toString('base64url'),
    LECTERN_SCRYPT_LOG_N: '14',
    LECTERN_LOG_LEVEL: process.env.LECTERN_TEST_LOG_LEVEL ?? 'silent',
    ...sharedRedisEnv(extra),
    ...extra,
  };
}

/** Deletes the keys a test app left under its own prefix (rate-limit counters expire anyway). */
async function deletePrefixedKeys(redis: Redis, prefix: string): Promise<void> {
  if (!prefix) return;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * The Lectern with a close() that also deletes what it left under its test prefix on Redis
 * (an SFU node's entries in the node sets, which another node reaps in production).
 */
export function cleaningUp(lectern: Lectern): Lectern {
  const { config } = lectern.runtime.ctx;
  return {
    ...lectern,
    close: async () => {
      await lectern.close();
      if (!config.redisUrl || !config.cluster.redisPrefix) return;
      const redis = new Redis(config.redisUrl, { ...redisOptions(config), maxRetriesPerRequest: 1 });
      redis.on('error', () => undefined);
      await deletePrefixedKeys(redis, config.cluster.redisPrefix).catch(() => undefined);
      await closeRedis(redis);
    },
  };
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: ManualClock;
  app?: BuildAppOptions;
}

export async function createTestApp(kind: DbKind, opts: TestAppOptions = {}): Promise<TestApp> {
  const config = loadConfig(testEnv(opts.env));
  const clock = opts.clock ?? new ManualClock(new Date());
  const db = await createTestDb(kind);
  const runtime = await createRuntime(config, { clock, db, logger: createLogger(config.logLevel) });
  const app = await buildApp(runtime.ctx, { serveClient: false, ...opts.app });
  await app.ready();
  let n = 0;
  return {
    app,
    runtime,
    config,
    clock,
    db,
    async userWithToken(role, name) {
      n += 1;
      const email = `${role}${n}-${randomBytes(3).toString('hex')}@example.test`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const user = await createUser(runtime.ctx.db, { email, password, role, name: name ?? `${role} ${n}` }, config.auth.scryptLogN);
      const token = await runtime.ctx.tokens.signAccess({ userId: user.id, role });
      return { id: user.id, email, password, headers: { authorization: `Bearer ${token}` } };
    },
    async close() {
      await app.close();
      if (runtime.redis) await deletePrefixedKeys(runtime.redis, config.cluster.redisPrefix).catch(() => undefined);
      await runtime.close();
      await db.destroy();
    },
  };
}

/**
 * One test app for the enclosing `describe`: created before its tests and closed after them.
 * The returned object is filled in by that `beforeAll`, so use it in hooks and tests only.
 */
export function useTestApp(kind: DbKind, opts: TestAppOptions = {}): TestApp {
  const t = {} as TestApp;
  let created = false;
  beforeAll(async () => {
    Object.assign(t, await createTestApp(kind, opts));
    created = true;
  });
  afterAll(async () => {
    if (created) await t.close();
  });
  return t;
}
