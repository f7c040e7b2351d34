// `lectern restore FILE`: the archive decides how the database is opened. Into a fresh
// database, a backup from an older Lectern is restored at its own migration level and then
// migrated to this version's (the same upgrade a running database gets); a database that
// already has a schema must be at the backup's level (restoreDatabase checks).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MIGRATIONS_DIR, type Db } from '@lectern/db';
import { readArchive } from './archive.js';
import { BackupError, migrationLevel, restoreDatabase, type RestoreResult } from './backup.js';

export type OpenDb = (opts: { migrate: boolean; migrationsFolder?: string }) => Promise<Db>;

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

/** A copy of this version's migrations that ends after the first `count`. */
export function migrationsUpTo(count: number): { folder: string; remove: () => void } {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as Journal;
  const root = mkdtempSync(join(tmpdir(), 'lectern-migrations-'));
  mkdirSync(join(root, 'meta'));
  const entries = journal.entries.slice(0, count);
  for (const e of entries) copyFileSync(join(MIGRATIONS_DIR, `${e.tag}.sql`), join(root, `${e.tag}.sql`));
  writeFileSync(join(root, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  return { folder: root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RestoreFileResult extends RestoreResult {
  /** Set when the backup came from an older schema: the tag it was restored at, before migrating to this version's. */
  upgradedFrom?: string;
}

export async function restoreFile(open: OpenDb, file: string, opts: { force?: boolean } = {}): Promise<RestoreFileResult> {
  const header = await readArchive(file); // damaged: refused before anything is opened or created
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as Journal;
  const head = journal.entries.length;
  const older = header.migrations.count < head;
  if (older) {
    const probe = await open({ migrate: false });
    const fresh = await migrationLevel(probe.db)
      .then((l) => l.count === 0)
      .catch(() => true) // no migrations table yet
      .finally(() => probe.close());
    if (fresh) {
      const tag = journal.entries[header.migrations.count - 1]?.tag;
      if (header.migrations.last !== (tag ?? null)) throw new BackupError(`The backup's migration ${header.migrations.last ?? 'none'} is not this version's migration ${header.migrations.count}: the schemas differ`);
      const cut = migrationsUpTo(header.migrations.count);
      try {
        const atLevel = await open({ migrate: true, migrationsFolder: cut.folder });
        let result: RestoreResult;
        try {
          result = await restoreDatabase(atLevel.db, file, opts);
        } finally {
          await atLevel.close();
        }
        await (await open({ migrate: true })).close();
        return { ...result, upgradedFrom: tag ?? 'none' };
      } finally {
        cut.remove();
      }
    }
  }
  const db = await open({ migrate: true });
  try {
    return await restoreDatabase(db.db, file, opts);
  } finally {
    await db.close();
  }
}
