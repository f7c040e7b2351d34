// Schema upgrades: a database created by an earlier release (migrated up to each earlier
// migration N) and holding that release's rows is brought to head by createDb(), the
// function every Lectern process opens its database with, and keeps every row. On PGlite
// and, when DATABASE_URL is set (CI), on Postgres; plus two processes racing to migrate
// the same fresh Postgres database.
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, MIGRATIONS_DIR, type Db } from './createDb.js';
import { rowsOf } from './rows.js';
import { users } from './schema/index.js';
import { seedsUpTo } from './test/upgradeSeeds.js';
import { createEmptyPostgres, dbKinds, type DbKind } from './testing.js';

interface JournalEntry {
  idx: number;
  tag: string;
}
const JOURNAL = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
const HEAD = JOURNAL.entries.length - 1;
const EARLIER = JOURNAL.entries.filter((e) => e.idx < HEAD).map((e) => e.idx);

const scratch = mkdtempSync(join(tmpdir(), 'lectern-upgrade-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A migrations folder that ends at migration `n`: the journal cut there, the SQL files copied. */
function folderUpTo(n: number): string {
  const dir = join(scratch, `upto-${n}-${randomBytes(3).toString('hex')}`);
  mkdirSync(join(dir, 'meta'), { recursive: true });
  const entries = JOURNAL.entries.filter((e) => e.idx <= n);
  for (const e of entries) copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...JOURNAL, entries }));
  return dir;
}

/** Raw SQL on a database, whatever its kind. */
interface Raw {
  rows(text: string): Promise<Record<string, unknown>[]>;
}

/** Every public table's rows, restricted to the columns it has now: table -> sorted JSON of its rows. */
type Snapshot = Map<string, { columns: string[]; rows: string }>;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function tableColumns(raw: Raw): Promise<Map<string, string[]>> {
  const cols = await raw.rows(`select table_name, column_name from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position`);
  const byTable = new Map<string, string[]>();
  for (const c of cols) byTable.set(String(c.table_name), [...(byTable.get(String(c.table_name)) ?? []), String(c.column_name)]);
  return byTable;
}

async function rowsJson(raw: Raw, table: string, columns: string[]): Promise<string> {
  const list = columns.map(ident).join(', ');
  const [r] = await raw.rows(`select coalesce(json_agg(x order by x::text), '[]')::text as j from (select ${list} from ${ident(table)}) x`);
  return String(r?.j);
}

async function snapshot(raw: Raw): Promise<Snapshot> {
  const snap: Snapshot = new Map();
  for (const [table, columns] of await tableColumns(raw)) snap.set(table, { columns, rows: await rowsJson(raw, table, columns) });
  return snap;
}

/** The same tables and columns read again after the upgrade (columns added since are left out). */
async function reread(raw: Raw, before: Snapshot): Promise<Snapshot> {
  const now = await tableColumns(raw);
  const snap: Snapshot = new Map();
  for (const [table, { columns }] of before) {
    const kept = columns.filter((c) => now.get(table)?.includes(c));
    snap.set(table, { columns: kept, rows: await rowsJson(raw, table, kept) });
  }
  return snap;
}

const dbRaw = (db: Db): Raw => ({ rows: async (text) => rowsOf<Record<string, unknown>>(await db.db.execute(sql.raw(text))) });

/** One database of a kind: brought to migration N by drizzle's migrator on a cut folder, then opened with createDb(). */
interface Target {
  /** Migrates the fresh database up to `n`, runs `seed`, returns what it then holds. */
  atMigration(n: number, seed: string[]): Promise<Snapshot>;
  /** Opens the database as Lectern does (createDb, migrations on). */
  open(): Promise<Db>;
  destroy(): Promise<void>;
}

async function pgliteTarget(): Promise<Target> {
  // In memory: the same PGlite goes from the cut folder's migrator to createDb().
  const client = await PGlite.create('memory://');
  return {
    async atMigration(n, seed) {
      await migratePglite(drizzlePglite({ client }), { migrationsFolder: folderUpTo(n) });
      for (const statement of seed) await client.exec(statement);
      return snapshot({ rows: async (text) => (await client.query<Record<string, unknown>>(text)).rows });
    },
    open: () => createDb({ dataDir: 'memory://', pglite: client }),
    destroy: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/** A fresh, empty Postgres database (as createTestDb makes them, but not migrated). */
async function postgresTarget(): Promise<Target> {
  const { url, drop } = await createEmptyPostgres('lectern_up');
  return {
    async atMigration(n, seed) {
      const client = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: folderUpTo(n) });
        for (const statement of seed) await client.unsafe(statement);
        return await snapshot({ rows: async (text) => [...(await client.unsafe<Record<string, unknown>[]>(text))] });
      } finally {
        await client.end();
      }
    },
    open: () => createDb({ databaseUrl: url, dataDir: '', poolSize: 2 }),
    destroy: drop,
  };
}

const targets: Record<DbKind, () => Promise<Target>> = { pglite: pgliteTarget, postgres: postgresTarget };
const KINDS = dbKinds();

describe.each(KINDS)('schema upgrades on %s', (kind) => {
  it.each(EARLIER)('a database at migration %i with its rows migrates to head and keeps every row', async (n) => {
    const target = await targets[kind]();
    try {
      const before = await target.atMigration(n, seedsUpTo(n));
      const seeded = [...before.values()].filter((t) => t.rows !== '[]').length;
      expect(seeded).toBeGreaterThan(5); // the seeds did land: users, courses, sessions, codes, ...
      const db = await target.open();
      try {
        const after = await reread(dbRaw(db), before);
        for (const [table, was] of before) expect({ table, columns: after.get(table)?.columns, rows: after.get(table)?.rows }).toEqual({ table, ...was });
        // At head: every migration recorded once, and the app's schema reads the old rows.
        const applied = rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
        expect(applied[0]?.n).toBe(HEAD + 1);
        const emails = (await db.db.select({ email: users.email }).from(users)).map((u) => u.email).sort();
        expect(emails).toEqual(['Ada@Example.test', 'ada@example.test', 'gone@example.test', 'tess@example.test']);
      } finally {
        await db.close();
      }
    } finally {
      await target.destroy();
    }
  });
});

describe.runIf(KINDS.includes('postgres'))('migration lock on postgres', () => {
  it('two createDb calls racing on one fresh database both succeed, and each migration is applied once', async () => {
    const { url, drop } = await createEmptyPostgres('lectern_up');
    try {
      const opened = await Promise.all([createDb({ databaseUrl: url, dataDir: '', poolSize: 2 }), createDb({ databaseUrl: url, dataDir: '', poolSize: 2 })]);
      try {
        const [row] = rowsOf<{ n: number; hashes: number }>(
          await opened[0].db.execute(sql`select count(*)::int as n, count(distinct hash)::int as hashes from drizzle.__drizzle_migrations`),
        );
        expect(row).toEqual({ n: HEAD + 1, hashes: HEAD + 1 });
        for (const db of opened) await db.ping();
      } finally {
        for (const db of opened) await db.close();
      }
    } finally {
      await drop();
    }
  });
});
