// Test support: fresh, isolated databases on PGlite (always) and Postgres (when
// DATABASE_URL is set). In CI (CI=true) a missing DATABASE_URL is an error, so the
// Postgres suites can never be skipped silently.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type Db } from './createDb.js';

export type DbKind = 'pglite' | 'postgres';

/** The database kinds a suite must run on in this environment. */
export function dbKinds(env: NodeJS.ProcessEnv = process.env): DbKind[] {
  if (env.DATABASE_URL) return ['pglite', 'postgres'];
  if (env.CI === 'true' || env.LECTERN_REQUIRE_POSTGRES === '1') {
    throw new Error('DATABASE_URL is not set but CI requires the Postgres suites to run');
  }
  console.warn('[lectern] DATABASE_URL not set: Postgres suites are NOT running (PGlite only)');
  return ['pglite'];
}

export interface TestDb extends Db {
  /** Drops the throwaway database (Postgres) and closes the handle. */
  destroy(): Promise<void>;
  /** Connection URL of the throwaway Postgres database (undefined for PGlite). */
  url?: string;
}

/** An empty (unmigrated) throwaway Postgres database beside DATABASE_URL's, and how to drop it. */
export async function createEmptyPostgres(
  prefix = 'lectern_t',
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const baseUrl = env.DATABASE_URL;
  if (!baseUrl) throw new Error('DATABASE_URL is required for Postgres tests');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(baseUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** A fresh, migrated database of the given kind, isolated from every other test. */
export async function createTestDb(kind: DbKind, env: NodeJS.ProcessEnv = process.env): Promise<TestDb> {
  if (kind === 'pglite') {
    const db = await createDb({ dataDir: 'memory://' });
    return Object.assign(db, { destroy: () => db.close() });
  }
  const { url, drop } = await createEmptyPostgres('lectern_t', env);
  const db = await createDb({ databaseUrl: url, dataDir: '', poolSize: 5 });
  return Object.assign(db, {
    url,
    destroy: async () => {
      await db.close();
      await drop();
    },
  });
}
