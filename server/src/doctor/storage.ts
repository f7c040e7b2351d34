// Checks of what Lectern stores into: the database (reachable, migrations at head), Redis,
// and free space in the data directory. Connection URLs are never printed (they may carry
// passwords): only host, port and database name.
import { existsSync, readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { createDb, MIGRATIONS_DIR, rowsOf, type Db } from '@lectern/db';
import type { Config } from '../config.js';
import { redisOptions } from '../runtime.js';
import { fail, ok, reason, rootCause, warn, within, type CheckResult } from './types.js';

const DB_MS = 5000;
const REDIS_MS = 3000;
export const LOW_DISK_BYTES = 1024 ** 3;

const where = (url: string) => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? '6379' : '5432')}${u.protocol.startsWith('postgres') ? u.pathname : ''}`;
};

/** The committed migrations' timestamps (drizzle records the last applied one). */
function journal(): number[] {
  const j = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
  return j.entries.map((e) => e.when);
}

async function migrationState(db: Db): Promise<CheckResult> {
  const name = 'database';
  const whens = journal();
  let last: number;
  try {
    const rows = rowsOf<{ last: string | null }>(await db.db.execute(sql`select max(created_at)::text as last from drizzle.__drizzle_migrations`));
    last = Number(rows[0]?.last ?? 0);
  } catch (err) {
    if (/does not exist/.test(String((rootCause(err) as Error | undefined)?.message))) return warn(name, 'reachable, no Lectern schema yet', 'nothing to do: Lectern creates it at its first start');
    throw err;
  }
  const pending = whens.filter((w) => w > last).length;
  if (last > (whens.at(-1) ?? 0)) return fail(name, 'reachable, but migrated by a newer Lectern than this one', 'run the newer release (or restore a backup taken before the upgrade)');
  if (pending > 0) return warn(name, `reachable, ${pending} of ${whens.length} migrations pending`, 'nothing to do: Lectern applies them at start (back up first)');
  return ok(name, `reachable, migrations at head (${whens.length})`);
}

export async function checkDatabase(config: Config, lecternRunning: boolean): Promise<CheckResult> {
  const name = 'database';
  const pgliteDir = join(config.dataDir, 'pglite');
  if (!config.databaseUrl) {
    // PGlite is single-process: never open it under a running Lectern.
    if (lecternRunning) return ok(name, `embedded PGlite at ${pgliteDir}, in use by the running Lectern`);
    if (!existsSync(pgliteDir)) return ok(name, `embedded PGlite at ${pgliteDir} does not exist yet: the first start creates it`);
  }
  const target = config.databaseUrl ? `Postgres at ${where(config.databaseUrl)}` : `PGlite at ${pgliteDir}`;
  const opening = createDb({ databaseUrl: config.databaseUrl, dataDir: pgliteDir, migrate: false, poolSize: 1, pgliteSharedBuffers: config.pgliteSharedBuffers });
  try {
    const db = await within(opening, DB_MS, 'open');
    await within(db.ping(), DB_MS, 'ping');
    const state = await within(migrationState(db), DB_MS, 'migrations');
    return { ...state, detail: `${target}: ${state.detail}` };
  } catch (err) {
    return fail(name, `${target}: ${reason(err)}`, config.databaseUrl ? 'start Postgres or fix DATABASE_URL (host, port, credentials, database)' : 'check LECTERN_DATA_DIR (is another process using it?)');
  } finally {
    void opening.then((db) => db.close()).catch(() => undefined);
  }
}

export async function checkRedis(config: Config): Promise<CheckResult> {
  const name = 'redis';
  if (!config.redisUrl) return ok(name, 'not configured (single node: in-memory bus and counters)');
  const target = where(config.redisUrl);
  const redis = new Redis(config.redisUrl, {
    ...redisOptions(config),
    lazyConnect: true,
    connectTimeout: REDIS_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  redis.on('error', (err) => (lastError = err)); // reported below, once
  try {
    await within(
      redis.connect().then(() => redis.ping()),
      REDIS_MS,
      'redis',
    );
    return ok(name, `${target} answers`);
  } catch (err) {
    return fail(name, `cannot reach ${target} (${reason(lastError ?? err)})`, 'start Redis or fix REDIS_URL (and LECTERN_REDIS_TLS_CA_FILE for rediss://)');
  } finally {
    redis.disconnect();
  }
}

/** The data dir or, before the first start, the nearest directory above it that exists. */
function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

export async function checkDisk(config: Config, lowBytes = LOW_DISK_BYTES): Promise<CheckResult> {
  const name = 'disk';
  const dir = existingAncestor(config.dataDir);
  try {
    const s = await statfs(dir);
    const free = s.bavail * s.bsize;
    const shown = `${(free / 1024 ** 3).toFixed(1)} GiB free at ${dir}`;
    if (free < lowBytes) return warn(name, shown, 'free space or move LECTERN_DATA_DIR / LECTERN_RECORDINGS_DIR: recordings take about 1 MB per minute per track');
    return ok(name, shown);
  } catch (err) {
    return fail(name, `cannot read ${dir} (${reason(err)})`, 'set LECTERN_DATA_DIR to a directory Lectern may write');
  }
}
