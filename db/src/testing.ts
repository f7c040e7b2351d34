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

/** A fresh, migrated database of the given kind, isolated from every other test. */
export async function createTestDb(kind: DbKind, env: NodeJS.ProcessEnv = process.env): Promise<TestDb> {
  if (kind === 'pglite') {
    const db = await createDb({ dataDir: 'memory://' });
    return Object.assign(db, { destroy: () => db.close() });
  }
  const baseUrl = env.DATABASE_URL;
  if (!baseUrl) throw new Error('DATABASE_URL is required for Postgres tests');
  const name = `lectern_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await createDb({ databaseUrl: url.toString(), dataDir: '' , poolSize: 5 });
  return Object.assign(db, {
    url: url.toString(),
    destroy: async () => {
      await db.close();
      const dropper = postgres(baseUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  });
}
