// `lectern restore` of a backup made by an older Lectern: into a fresh database it is restored
// at its own migration level and then migrated to this version's, keeping every row; into a
// database that already has this version's schema it is refused.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, rowsOf, users, type Db } from '@lectern/db';
import { createTestDb, dbKinds, type DbKind } from '@lectern/db/testing';
import { seedsUpTo } from '@lectern/db/test-seeds';
import { backupDatabase, migrationLevel } from './backup.js';
import { migrationsUpTo, restoreFile, type OpenDb } from './restoreFile.js';

const scratch = mkdtempSync(join(tmpdir(), 'lectern-restore-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh database of the kind, with nothing in it (not migrated): how to open it, and how to drop it. */
async function freshTarget(kind: DbKind): Promise<{ open: OpenDb; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const dir = mkdtempSync(join(scratch, 'pg-'));
    return { open: (o) => createDb({ dataDir: join(dir, 'pglite'), ...o }), drop: () => Promise.resolve() };
  }
  const base = process.env.DATABASE_URL!;
  const name = `lectern_rs_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`).finally(() => admin.end());
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    open: (o) => createDb({ databaseUrl: url.toString(), dataDir: '', poolSize: 2, ...o }),
    drop: async () => {
      const dropper = postgres(base, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`drop database if exists ${name} with (force)`).finally(() => dropper.end());
    },
  };
}

/** A backup of a PGlite database at migration level `count`, holding that schema's seed rows. */
async function olderBackup(count: number): Promise<string> {
  const cut = migrationsUpTo(count);
  const db = await createDb({ dataDir: 'memory://', migrationsFolder: cut.folder });
  try {
    for (const s of seedsUpTo(count - 1)) await db.db.execute(sql.raw(s));
    const file = join(scratch, `older-${count}-${randomBytes(3).toString('hex')}.gz`);
    await backupDatabase(db.db, 'pglite', file);
    return file;
  } finally {
    await db.close();
    cut.remove();
  }
}

const emails = async (db: Db) => (await db.db.select({ e: users.email }).from(users)).map((u) => u.e).sort();

describe.each(dbKinds())('restoring an older backup on %s', (kind) => {
  it.each([4, 9])('a backup at migration level %i restores into a fresh database, which then migrates to head', async (count) => {
    const file = await olderBackup(count);
    const target = await freshTarget(kind);
    try {
      const result = await restoreFile(target.open, file);
      expect(result.upgradedFrom).toMatch(new RegExp(`^000${count - 1}_`));
      const db = await target.open({ migrate: false });
      try {
        const head = await migrationLevel(db.db);
        expect(head.count).toBeGreaterThan(count);
        const [applied] = rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
        expect(applied?.n).toBe(head.count);
        expect(await emails(db)).toEqual(['Ada@Example.test', 'ada@example.test', 'gone@example.test', 'tess@example.test']);
      } finally {
        await db.close();
      }
    } finally {
      await target.drop();
    }
  }, 180_000);

  it('into a database already at this version it is refused (older), and nothing changes', async () => {
    const file = await olderBackup(4);
    const db = await createTestDb(kind);
    try {
      const open: OpenDb = () => Promise.resolve(Object.assign(Object.create(db) as Db, { close: () => Promise.resolve() }));
      await expect(restoreFile(open, file)).rejects.toThrow(/older Lectern \(migration 0003_.*restore it with the Lectern version that wrote it/);
      expect(await emails(db)).toEqual([]);
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
