// `lectern backup` / `lectern restore`: every application table (schema public) to and from
// the archive of archive.ts, the same on PGlite and Postgres, so a PGlite backup restores
// into Postgres. The backup reads one snapshot (repeatable read, read only); the restore is
// one transaction into a database at the archive's migration level that holds no data
// (or, with force, whose data it replaces), parents before children, sequences reset.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { MIGRATIONS_DIR, rowsOf, type Database, type Executor } from '@lectern/db';
import { BackupError, readArchive, writeArchive, ARCHIVE_FORMAT, ARCHIVE_VERSION, type ArchiveHeader, type ArchiveTable, type MigrationLevel } from './archive.js';

export { BackupError } from './archive.js';

const PAGE = 2000;
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function query<T>(db: Executor, q: SQL | string): Promise<T[]> {
  return rowsOf<T>(await db.execute(typeof q === 'string' ? sql.raw(q) : q));
}

/** The same text forms on every server, whatever its settings. */
async function pinFormats(tx: Executor): Promise<void> {
  for (const s of ["set local timezone = 'UTC'", "set local datestyle = 'ISO, YMD'", "set local intervalstyle = 'postgres'", 'set local extra_float_digits = 3', "set local bytea_output = 'hex'"]) {
    await query(tx, s);
  }
}

/** How many migrations the database has applied, and the tag of the last one (from the journal). */
export async function migrationLevel(db: Executor): Promise<MigrationLevel> {
  const [row] = await query<{ n: number; last: string | null }>(db, 'select count(*)::int as n, max(created_at)::text as last from drizzle.__drizzle_migrations');
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  const last = journal.entries.find((e) => String(e.when) === row?.last)?.tag ?? row?.last ?? null;
  return { count: Number(row?.n ?? 0), last };
}

interface ForeignKey {
  child: string;
  parent: string;
  cols: string;
  refcols: string;
}

async function tablesOf(db: Executor): Promise<{ tables: Map<string, ArchiveTable['columns']>; fks: ForeignKey[] }> {
  const cols = await query<{ table: string; column: string; type: string }>(
    db,
    `select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type
       from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
      where n.nspname = 'public' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by c.relname, a.attnum`,
  );
  const tables = new Map<string, ArchiveTable['columns']>();
  for (const c of cols) tables.set(c.table, [...(tables.get(c.table) ?? []), { name: c.column, type: c.type }]);
  const names = (side: 'conkey' | 'confkey', rel: 'conrelid' | 'confrelid') =>
    `(select string_agg(a.attname, ',' order by u.ord) from unnest(k.${side}) with ordinality u(num, ord) join pg_attribute a on a.attrelid = k.${rel} and a.attnum = u.num)`;
  const fks = await query<ForeignKey>(
    db,
    `select cl.relname as child, pc.relname as parent, ${names('conkey', 'conrelid')} as cols, ${names('confkey', 'confrelid')} as refcols
       from pg_constraint k join pg_class cl on cl.oid = k.conrelid join pg_class pc on pc.oid = k.confrelid join pg_namespace n on n.oid = cl.relnamespace
      where k.contype = 'f' and n.nspname = 'public'`,
  );
  return { tables, fks };
}

/** Tables with every table they reference before them (a table referencing itself is ordered row by row). */
function restoreOrder(tables: string[], fks: ForeignKey[]): string[] {
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: string[] = [];
  const visit = (t: string) => {
    if (done.has(t)) return;
    if (visiting.has(t)) throw new Error(`foreign keys form a cycle through ${t}`);
    visiting.add(t);
    for (const fk of fks) if (fk.child === t && fk.parent !== t) visit(fk.parent);
    visiting.delete(t);
    done.add(t);
    order.push(t);
  };
  for (const t of [...tables].sort()) visit(t);
  return order;
}

/** Rows of a self-referencing table with each row after the row it references. */
function parentsFirst(rows: (string | null)[][], columns: string[], selfFks: ForeignKey[]): (string | null)[][] {
  const at = (names: string) => names.split(',').map((n) => columns.indexOf(n));
  const keyOf = (row: (string | null)[], idx: number[]) => (idx.some((i) => row[i] === null) ? null : JSON.stringify(idx.map((i) => row[i])));
  const out: (string | null)[][] = [];
  const index = selfFks.map((fk) => {
    const ref = at(fk.refcols);
    const byKey = new Map<string, number>();
    rows.forEach((r, i) => {
      const k = keyOf(r, ref);
      if (k !== null) byKey.set(k, i);
    });
    return { cols: at(fk.cols), byKey };
  });
  const state = new Uint8Array(rows.length); // 0 not placed, 1 placing, 2 placed
  const place = (i: number) => {
    if (state[i] !== 0) return;
    state[i] = 1;
    for (const { cols, byKey } of index) {
      const k = keyOf(rows[i]!, cols);
      const parent = k === null ? undefined : byKey.get(k);
      if (parent !== undefined) place(parent);
    }
    state[i] = 2;
    out.push(rows[i]!);
  };
  rows.forEach((_, i) => place(i));
  return out;
}

async function* tableRows(tx: Executor, table: ArchiveTable, selfFks: ForeignKey[]): AsyncGenerator<(string | null)[]> {
  const list = table.columns.map((c) => `${ident(c.name)}::text`).join(', ');
  const all: (string | null)[][] = [];
  for (let offset = 0; offset < table.rows; offset += PAGE) {
    const page = await query<Record<string, string | null>>(tx, `select ${list} from ${ident(table.name)} order by ctid limit ${PAGE} offset ${offset}`);
    const rows = page.map((r) => table.columns.map((c) => r[c.name] ?? null));
    if (selfFks.length > 0) all.push(...rows);
    else yield* rows;
  }
  if (selfFks.length > 0) {
    yield* parentsFirst(
      all,
      table.columns.map((c) => c.name),
      selfFks,
    );
  }
}

export interface BackupResult {
  file: string;
  tables: number;
  rows: number;
  bytes: number;
  migrations: MigrationLevel;
}

/** Writes every application table of `db` to `file` (atomically, mode 0600), from one consistent snapshot. */
export async function backupDatabase(db: Database, source: 'pglite' | 'postgres', file: string, now: Date = new Date()): Promise<BackupResult> {
  return db.transaction(async (tx) => {
    await query(tx, 'set transaction isolation level repeatable read, read only');
    await pinFormats(tx);
    const { tables, fks } = await tablesOf(tx);
    const order = restoreOrder([...tables.keys()], fks);
    const counted: ArchiveTable[] = [];
    for (const name of order) {
      const [c] = await query<{ n: number }>(tx, `select count(*)::int as n from ${ident(name)}`);
      counted.push({ name, columns: tables.get(name) ?? [], rows: Number(c?.n ?? 0) });
    }
    const header: ArchiveHeader = { format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION, source, createdAt: now.toISOString(), migrations: await migrationLevel(tx), tables: counted };
    const { bytes } = await writeArchive(file, header, (t) =>
      tableRows(
        tx,
        t,
        fks.filter((fk) => fk.child === t.name && fk.parent === t.name),
      ),
    );
    return { file, tables: counted.length, rows: counted.reduce((s, t) => s + t.rows, 0), bytes, migrations: header.migrations };
  });
}

export interface RestoreResult {
  file: string;
  tables: number;
  rows: number;
  source: 'pglite' | 'postgres';
  createdAt: string;
}

/** Tables that hold data, other than what a server makes on its first start (setup tokens). */
async function tablesWithData(db: Executor, names: string[]): Promise<string[]> {
  const full: string[] = [];
  for (const name of names) {
    const where = name === 'account_tokens' ? ` where kind <> 'setup'` : '';
    const [r] = await query<{ any: boolean }>(db, `select exists (select 1 from ${ident(name)}${where}) as any`);
    if (r?.any) full.push(name);
  }
  return full;
}

function checkSchema(header: ArchiveHeader, level: MigrationLevel, tables: Map<string, ArchiveTable['columns']>): void {
  if (header.migrations.count > level.count) {
    throw new BackupError(
      `The backup comes from a newer Lectern (migration ${header.migrations.last ?? header.migrations.count}; this database is at ${level.last ?? level.count}): upgrade Lectern first`,
    );
  }
  if (header.migrations.count < level.count) {
    throw new BackupError(
      `The backup comes from an older Lectern (migration ${header.migrations.last ?? header.migrations.count}; this database is at ${level.last ?? level.count}): ` +
        'restore it with the Lectern version that wrote it, then upgrade',
    );
  }
  const mismatch = (a: ArchiveTable['columns'] | undefined, b: ArchiveTable['columns'] | undefined) => JSON.stringify(a) !== JSON.stringify(b);
  for (const t of header.tables) {
    if (mismatch(t.columns, tables.get(t.name))) throw new BackupError(`The table ${t.name} of the backup does not match this database's: the schemas differ`);
  }
  const missing = [...tables.keys()].filter((n) => !header.tables.some((t) => t.name === n));
  if (missing.length > 0) throw new BackupError(`The backup has no table ${missing.join(', ')}: the schemas differ`);
}

/**
 * Restores `file` into `db` (migrated to the archive's level). Verifies the whole archive
 * before touching anything; then, in one transaction, empties every table and loads the rows.
 * Refuses a database that holds data unless `force`.
 */
export async function restoreDatabase(db: Database, file: string, opts: { force?: boolean; /** rows per INSERT */ batch?: number } = {}): Promise<RestoreResult> {
  const header = await readArchive(file); // verify everything first: a damaged archive changes nothing
  return db.transaction(async (tx) => {
    await pinFormats(tx);
    const { tables } = await tablesOf(tx);
    checkSchema(header, await migrationLevel(tx), tables);
    const names = header.tables.map((t) => t.name);
    const full = await tablesWithData(tx, names);
    if (full.length > 0 && !opts.force) {
      throw new BackupError(`The database is not empty (${full.slice(0, 5).join(', ')}${full.length > 5 ? ', ...' : ''} hold rows): restore into a fresh database, or add --force to replace its contents`);
    }
    if (names.length > 0) await query(tx, `truncate ${names.map(ident).join(', ')} restart identity`);
    await readArchive(file, undefined, async (table, rows) => {
      const cols = table.columns.map((c) => ident(c.name)).join(', ');
      const values = table.columns.map((c, i) => `(r->>${i})::${c.type}`).join(', ');
      await tx.execute(sql`${sql.raw(`insert into ${ident(table.name)} (${cols}) overriding system value select ${values} from jsonb_array_elements(`)}${JSON.stringify(rows)}${sql.raw('::jsonb) r')}`);
    }, opts.batch);
    await resetSequences(tx);
    return { file, tables: header.tables.length, rows: header.tables.reduce((s, t) => s + t.rows, 0), source: header.source, createdAt: header.createdAt };
  });
}

/** Sequences owned by a column continue after the restored rows. */
async function resetSequences(tx: Executor): Promise<void> {
  const seqs = await query<{ seq: string; tbl: string; col: string }>(
    tx,
    `select s.relname as seq, t.relname as tbl, a.attname as col
       from pg_depend d join pg_class s on s.oid = d.objid and s.relkind = 'S' join pg_class t on t.oid = d.refobjid
       join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and d.deptype in ('a', 'i')`,
  );
  for (const s of seqs) {
    await query(tx, `select setval('${ident(s.seq).replace(/'/g, "''")}', coalesce((select max(${ident(s.col)}) from ${ident(s.tbl)}), 0) + 1, false)`);
  }
}
