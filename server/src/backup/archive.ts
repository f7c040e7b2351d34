// The backup archive: one format for PGlite and Postgres. Gzip'd JSON lines:
//   1. a header (format, version, source kind, creation time, migration level, and every
//      table with its columns, their SQL types and its row count, in restore order);
//   2. each table's rows in that order, one JSON array of column values per line, every
//      value in PostgreSQL's text form (what `::text` gives and `::type` reads back:
//      timestamps with their offset, jsonb, arrays, bytea as hex) or null;
//   3. a trailer with the SHA-256 of every line before it.
// Written to a temporary file (mode 0600: it holds password hashes), synced, then renamed;
// read twice on restore: once to verify all of it, once to load it.
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, fsyncSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { z } from 'zod';

export const ARCHIVE_FORMAT = 'lectern-backup';
export const ARCHIVE_VERSION = 1;
/** One line of the archive may not be longer than this (a row with a large jsonb value still fits). */
const MAX_LINE = 64 * 1024 * 1024;

/** The archive cannot be used: corrupted, truncated, not a Lectern backup, or not for this database. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

const Identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'not a plain SQL name');
/** format_type() output: letters, digits, spaces, brackets, parentheses, commas, dots, quotes of a quoted enum name. */
const SqlType = z.string().regex(/^[A-Za-z_][A-Za-z0-9_ .,()"[\]]{0,100}$/, 'not a SQL type name');

export const ArchiveTable = z.strictObject({
  name: Identifier,
  columns: z.array(z.strictObject({ name: Identifier, type: SqlType })).min(1).max(200),
  rows: z.number().int().min(0),
});
export type ArchiveTable = z.infer<typeof ArchiveTable>;

export const MigrationLevel = z.strictObject({ count: z.number().int().min(0), last: z.string().max(200).nullable() });
export type MigrationLevel = z.infer<typeof MigrationLevel>;

export const ArchiveHeader = z.strictObject({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(ARCHIVE_VERSION),
  source: z.enum(['pglite', 'postgres']),
  createdAt: z.iso.datetime(),
  migrations: MigrationLevel,
  tables: z.array(ArchiveTable).max(1000),
});
export type ArchiveHeader = z.infer<typeof ArchiveHeader>;

const Trailer = z.strictObject({ end: z.literal(true), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const Row = z.array(z.string().nullable());

/** Writes an archive atomically: `rows(table)` yields that table's rows, in header order. */
export async function writeArchive(file: string, header: ArchiveHeader, rows: (table: ArchiveTable) => AsyncIterable<(string | null)[]>): Promise<{ bytes: number }> {
  const tmp = `${file}.${process.pid}.tmp`;
  async function* lines(): AsyncGenerator<string> {
    const hash = createHash('sha256');
    const emit = (line: string) => {
      hash.update(line);
      return line;
    };
    yield emit(`${JSON.stringify(header)}\n`);
    for (const table of header.tables) {
      let n = 0;
      for await (const row of rows(table)) {
        if (row.length !== table.columns.length) throw new Error(`${table.name}: a row with ${row.length} values for ${table.columns.length} columns`);
        n++;
        yield emit(`${JSON.stringify(row)}\n`);
      }
      if (n !== table.rows) throw new Error(`${table.name}: ${n} rows read, ${table.rows} counted`);
    }
    yield `${JSON.stringify({ end: true, sha256: hash.digest('hex') })}\n`;
  }
  try {
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw err;
  }
  // The rename is durable once the directory is synced.
  const dirFd = openSync(dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } catch {
    // some file systems refuse fsync on a directory
  } finally {
    closeSync(dirFd);
  }
  return { bytes: statSync(file).size };
}

/** The archive's lines, gunzipped; a damaged gzip stream surfaces as a BackupError. */
async function* archiveLines(file: string): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const input = createReadStream(file);
  input.on('error', (err) => gunzip.destroy(err));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.length > MAX_LINE) throw new BackupError(`${file}: a line is longer than ${MAX_LINE} characters`);
      yield line;
    }
  } catch (err) {
    if (err instanceof BackupError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new BackupError(`${file}: ${(err as Error).message}`);
    throw new BackupError(`${file} is not a readable Lectern backup (${(err as Error).message}): it is damaged or truncated`);
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseLine<T>(schema: z.ZodType<T>, line: string, what: string, file: string): T {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new BackupError(`${file}: ${what} is not valid JSON: the archive is damaged`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BackupError(`${file}: ${what} is malformed (${parsed.error.issues[0]?.message ?? 'invalid'}): the archive is damaged`);
  return parsed.data;
}

/**
 * Reads an archive. `onRow` (optional) receives each row in order; without it the archive
 * is only verified. Throws BackupError on anything out of place, including a checksum that
 * does not match and lines missing at the end.
 */
export async function readArchive(
  file: string,
  onHeader?: (header: ArchiveHeader) => Promise<void>,
  onRows?: (table: ArchiveTable, rows: (string | null)[][]) => Promise<void>,
  batch = 500,
): Promise<ArchiveHeader> {
  const hash = createHash('sha256');
  const it = archiveLines(file)[Symbol.asyncIterator]();
  const next = async (what: string): Promise<string> => {
    const r = await it.next();
    if (r.done) throw new BackupError(`${file} ends before ${what}: the archive is truncated`);
    return r.value;
  };
  try {
    const first = await next('its header');
    hash.update(`${first}\n`);
    const header = parseLine(ArchiveHeader, first, 'the header', file);
    await onHeader?.(header);
    for (const table of header.tables) {
      let pending: (string | null)[][] = [];
      for (let i = 0; i < table.rows; i++) {
        const line = await next(`row ${i + 1} of ${table.name}`);
        hash.update(`${line}\n`);
        const row = parseLine(Row, line, `row ${i + 1} of ${table.name}`, file);
        if (row.length !== table.columns.length) throw new BackupError(`${file}: row ${i + 1} of ${table.name} has ${row.length} values for ${table.columns.length} columns`);
        if (onRows) {
          pending.push(row);
          if (pending.length >= batch) {
            await onRows(table, pending);
            pending = [];
          }
        }
      }
      if (onRows && pending.length > 0) await onRows(table, pending);
    }
    const trailer = parseLine(Trailer, await next('its trailer'), 'the trailer', file);
    if (trailer.sha256 !== hash.digest('hex')) throw new BackupError(`${file}: the checksum does not match its contents: the archive is damaged`);
    if (!(await it.next()).done) throw new BackupError(`${file}: data after the trailer: the archive is damaged`);
    return header;
  } finally {
    await it.return?.(undefined);
  }
}
