// Backup and restore round trips: realistic rows across the schema (users, tokens, courses,
// sessions, series, attendance, notifications and their outbox, recordings, bookings, chat
// with a reply stored before its parent) are written to an archive and restored into a
// fresh database, and every table reads back the same, on PGlite, on Postgres, and from
// PGlite into Postgres. A damaged archive, a non-empty database and an archive from a newer
// schema are refused, and nothing changes.
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { rowsOf, type Db } from '@lectern/db';
import { createTestDb, dbKinds, type DbKind } from '@lectern/db/testing';
import { seedsUpTo } from '@lectern/db/test-seeds';
import { readArchive } from './archive.js';
import { backupDatabase, BackupError, migrationLevel, restoreDatabase } from './backup.js';

const KINDS = dbKinds();
const scratch = mkdtempSync(join(tmpdir(), 'lectern-backup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let n = 0;
const archivePath = () => join(scratch, `b${++n}.lectern.gz`);

const CONVERSATION = '00000000-0000-4000-8000-000000000040';
const PARENT = '00000000-0000-4000-8000-000000000041';
const REPLY = '00000000-0000-4000-8000-000000000042';

async function seed(db: Db): Promise<void> {
  for (const statement of seedsUpTo(1000)) await db.db.execute(sql.raw(statement));
  // A reply whose parent is updated afterwards (so read in physical order the reply comes first),
  // text with a newline, quotes and a backslash, and a NULL in an array-typed column.
  await db.db.execute(sql.raw(`insert into messages (id, conversation_id, seq, author_id, client_id, text, parent_id) values ('${REPLY}', '${CONVERSATION}', 2, null, 'c-2', E'line one\\nline "two" \\\\ back', '${PARENT}')`));
  await db.db.execute(sql.raw(`update messages set text = 'Hello, edited' where id = '${PARENT}'`));
}

/** Every public table: its rows as sorted JSON. */
async function snapshot(db: Db): Promise<Record<string, string>> {
  const tables = rowsOf<{ t: string }>(await db.db.execute(sql`select table_name as t from information_schema.tables where table_schema = 'public' order by 1`));
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    const [r] = rowsOf<{ j: string }>(await db.db.execute(sql.raw(`select coalesce(json_agg(x order by x::text), '[]')::text as j from "${t}" x`)));
    out[t] = String(r?.j);
  }
  return out;
}

async function withDbs<T>(kinds: [DbKind, DbKind], fn: (from: Db, to: Db) => Promise<T>): Promise<T> {
  const from = await createTestDb(kinds[0]);
  try {
    const to = await createTestDb(kinds[1]);
    try {
      return await fn(from, to);
    } finally {
      await to.destroy();
    }
  } finally {
    await from.destroy();
  }
}

async function roundTrip(kinds: [DbKind, DbKind], batch?: number): Promise<void> {
  await withDbs(kinds, async (from, to) => {
    await seed(from);
    const before = await snapshot(from);
    const seeded = Object.entries(before).filter(([, rows]) => rows !== '[]').map(([t]) => t);
    expect(seeded.length).toBeGreaterThan(20);
    const file = archivePath();
    const written = await backupDatabase(from.db, from.kind, file, new Date('2026-11-30T01:00:00.000Z'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(written.rows).toBeGreaterThan(40);
    const header = await readArchive(file);
    expect(header).toMatchObject({ format: 'lectern-backup', version: 1, source: kinds[0], createdAt: '2026-11-30T01:00:00.000Z', migrations: await migrationLevel(from.db) });
    // Parents before children: users before sessions, a replied-to message before its reply.
    const order = header.tables.map((t) => t.name);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('sessions'));
    expect(order.indexOf('sessions')).toBeLessThan(order.indexOf('attendance_intervals'));

    const restored = await restoreDatabase(to.db, file, { batch });
    expect(restored).toMatchObject({ tables: header.tables.length, rows: written.rows, source: kinds[0] });
    const after = await snapshot(to);
    for (const table of Object.keys(before)) expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  });
}

describe.each(KINDS)('backup and restore on %s', (kind) => {
  it('round trip: every table reads back the same in a fresh database', async () => {
    await roundTrip([kind, kind]);
  });

  it('round trip one row per statement: each foreign key is satisfied row by row (the reply after its parent)', async () => {
    await roundTrip([kind, kind], 1);
  });

  it('a damaged or truncated archive is refused with a clear error and changes nothing', async () => {
    await withDbs([kind, kind], async (from, to) => {
      await seed(from);
      const file = archivePath();
      await backupDatabase(from.db, from.kind, file);
      const bytes = readFileSync(file);
      const plain = gunzipSync(bytes).toString('utf8');
      const lines = plain.split('\n');
      const cases: [string, Buffer, RegExp][] = [
        ['truncated gzip', bytes.subarray(0, Math.floor(bytes.length / 2)), /damaged or truncated/],
        ['rows missing', gzipSync(lines.slice(0, 30).join('\n') + '\n'), /truncated/],
        ['a changed value', gzipSync(plain.replace('Tess Teacher', 'Tess Hacker')), /checksum does not match/],
        ['not gzip', Buffer.from('hello'), /damaged or truncated/],
        ['not an archive', gzipSync('{"hello":1}\n'), /header is malformed/],
      ];
      // Into an empty database, and with force into the seeded one: neither changes.
      const before = await snapshot(from);
      const emptyBefore = await snapshot(to);
      for (const [what, content, message] of cases) {
        const bad = join(scratch, `bad-${++n}.gz`);
        writeFileSync(bad, content);
        await expect(restoreDatabase(to.db, bad), what).rejects.toThrow(message);
        await expect(restoreDatabase(from.db, bad, { force: true }), what).rejects.toBeInstanceOf(BackupError);
      }
      expect(await snapshot(to)).toEqual(emptyBefore);
      expect(await snapshot(from)).toEqual(before);
      await expect(restoreDatabase(to.db, join(scratch, 'missing.gz'))).rejects.toThrow(/ENOENT|no such file/);
    });
  });

  it('a database holding data is refused unless forced; forced, its contents are replaced', async () => {
    await withDbs([kind, kind], async (from, to) => {
      await seed(from);
      const file = archivePath();
      await backupDatabase(from.db, from.kind, file);
      await to.db.execute(sql.raw(`insert into users (email, name, role, password_hash) values ('other@example.test', 'Other', 'admin', 'scrypt$x')`));
      // A first start's setup token alone does not make a database "not empty".
      await to.db.execute(sql.raw(`insert into account_tokens (kind, token_hash) values ('setup', 'setup-hash')`));
      const held = await snapshot(to);
      await expect(restoreDatabase(to.db, file)).rejects.toThrow(/not empty \(users hold rows\).*--force/);
      expect(await snapshot(to)).toEqual(held);
      await restoreDatabase(to.db, file, { force: true });
      expect(await snapshot(to)).toEqual(await snapshot(from));
    });
  });

  it('an archive from a newer schema is refused', async () => {
    await withDbs([kind, kind], async (from, to) => {
      const file = archivePath();
      await backupDatabase(from.db, from.kind, file);
      const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
      const header = JSON.parse(lines[0]!) as { migrations: { count: number; last: string } };
      header.migrations = { count: header.migrations.count + 1, last: '9999_future' };
      lines[0] = JSON.stringify(header);
      const { createHash } = await import('node:crypto');
      const body = lines.slice(0, -2).map((l) => `${l}\n`).join('');
      const newer = join(scratch, `newer-${++n}.gz`);
      writeFileSync(newer, gzipSync(`${body}${JSON.stringify({ end: true, sha256: createHash('sha256').update(body).digest('hex') })}\n`));
      await expect(restoreDatabase(to.db, newer)).rejects.toThrow(/newer Lectern \(migration 9999_future.*upgrade Lectern first/);
    });
  });
});

describe.runIf(KINDS.includes('postgres'))('moving from the embedded database to Postgres', () => {
  it('a PGlite backup restores into Postgres with every row', async () => {
    await roundTrip(['pglite', 'postgres']);
  });
});
