import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { lockDataDir } from './dirLock.js';
import { initPgliteInChild, needsInitdb, pgliteStartParams } from './pgliteMemory.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The database handle every service receives; the same type for Postgres and PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself. */
export type Executor = Parameters<Parameters<Database['transaction']>[0]>[0] | Database;

export interface DbConfig {
  /** postgres:// URL. When absent, embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** Directory for PGlite's files; `memory://` keeps them in memory (tests). */
  dataDir: string;
  /** Max connections in the postgres.js pool. */
  poolSize?: number;
  /** Run migrations on open (default true). */
  migrate?: boolean;
  /** Migrations to run instead of this version's (a restore brings a fresh database to a backup's older level first). */
  migrationsFolder?: string;
  /** An open PGlite to use instead of opening one from `dataDir` (tests that prepare it first); closed with the Db. */
  pglite?: PGlite;
  /** PGlite's Postgres shared_buffers, e.g. `16MB` (default PGLITE_SHARED_BUFFERS): most of its idle memory. */
  pgliteSharedBuffers?: string | undefined;
}

export interface Db {
  readonly db: Database;
  readonly kind: 'postgres' | 'pglite';
  /** Throws if the database does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/** Seconds postgres.js waits for a new connection before failing the query (CONNECT_TIMEOUT). */
export const CONNECT_TIMEOUT_SECONDS = 5;
const IDLE_TIMEOUT_SECONDS = 60;
/** Longest wait between two connection attempts to a database that is away. */
export const RECONNECT_MAX_SECONDS = 1;

/** Seconds before the `retries`-th reconnection: 0.1, 0.2, 0.4 ... capped, with jitter. */
function reconnectBackoff(retries: number): number {
  return Math.min(0.1 * 2 ** Math.max(0, retries - 1), RECONNECT_MAX_SECONDS) * (0.5 + Math.random() / 2);
}

/** Any lock id works as long as every Lectern process uses the same one. */
const MIGRATION_LOCK_ID = 7_202_611;

/**
 * An embedded database on disk is opened by one process only (dirLock.ts); in memory needs no lock.
 * A new folder on disk is created (and migrated with `migrationsFolder`, when given) by a child
 * process (pgliteMemory.ts: initdb's memory would stay).
 */
async function openPglite(dataDir: string, sharedBuffers: string | undefined, migrationsFolder: string | undefined): Promise<{ client: PGlite; release: () => void }> {
  const startParams = pgliteStartParams(sharedBuffers);
  if (dataDir.startsWith('memory://')) return { client: await PGlite.create(dataDir, { startParams }), release: () => undefined };
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    if (needsInitdb(dataDir)) await initPgliteInChild(dataDir, startParams, migrationsFolder);
    return { client: await PGlite.create(dataDir, { startParams }), release };
  } catch (err) {
    release();
    throw err;
  }
}

export async function createDb(config: DbConfig): Promise<Db> {
  const runMigrations = config.migrate ?? true;
  if (config.databaseUrl) {
    const client = postgres(config.databaseUrl, {
      max: config.poolSize ?? 10,
      // A database that is down or unreachable fails a query within seconds (a 503 for the
      // request), never after postgres.js's default 30 s; idle connections are closed so a
      // restarted server is met with fresh ones. A dead connection is replaced on next use.
      connect_timeout: CONNECT_TIMEOUT_SECONDS,
      idle_timeout: IDLE_TIMEOUT_SECONDS,
      // Between failed connection attempts postgres.js waits up to 20 s by default, and
      // queries wait with it: during an outage every request would hang that long, and the
      // first after the database returns too. At most RECONNECT_MAX_SECONDS instead.
      backoff: reconnectBackoff,
      onnotice: () => undefined,
      connection: { application_name: 'lectern' },
    });
    const db = drizzlePostgres({ client, schema }) as unknown as Database;
    if (runMigrations) {
      // Several nodes may start at once: a session-level advisory lock, held on a
      // connection of its own, serialises their migrations.
      const lock = postgres(config.databaseUrl, { max: 1, onnotice: () => undefined });
      try {
        await lock`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        await migratePostgres(drizzlePostgres({ client, schema }), { migrationsFolder: config.migrationsFolder ?? MIGRATIONS_DIR });
      } finally {
        await lock.end({ timeout: 5 });
      }
    }
    let closed = false;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await client`select 1`;
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await client.end({ timeout: 5 });
      },
    };
  }

  const opened = config.pglite ? { client: config.pglite, release: () => undefined } : await openPglite(config.dataDir, config.pgliteSharedBuffers, runMigrations ? (config.migrationsFolder ?? MIGRATIONS_DIR) : undefined);
  const client = opened.client;
  const db = drizzlePglite({ client, schema }) as unknown as Database;
  if (runMigrations) {
    try {
      await migratePglite(drizzlePglite({ client, schema }), { migrationsFolder: config.migrationsFolder ?? MIGRATIONS_DIR });
    } catch (err) {
      await client.close().catch(() => undefined);
      opened.release();
      throw err;
    }
  }
  let closed = false;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        opened.release();
      }
    },
  };
}
