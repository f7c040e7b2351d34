import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './createDb.js';
import { needsInitdb, PGLITE_SHARED_BUFFERS } from './pgliteMemory.js';
import { rowsOf } from './rows.js';
import { users } from './schema/index.js';
import { createTestDb, dbKinds } from './testing.js';

describe.each(dbKinds())('createDb on %s', (kind) => {
  it('createDb migrations create every table', async () => {
    const db = await createTestDb(kind);
    try {
      const tables = rowsOf<{ table_name: string }>(
        await db.db.execute(
          sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
        ),
      ).map((r) => r.table_name);
      expect(tables).toEqual(expect.arrayContaining(['users', 'courses', 'enrolments', 'sessions', 'join_codes']));
      await db.ping();
    } finally {
      await db.destroy();
    }
  });

  it('createDb enforces unique emails', async () => {
    const db = await createTestDb(kind);
    try {
      const row = { email: 'a@x.test', name: 'A', role: 'student' as const, passwordHash: 'h' };
      await db.db.insert(users).values(row);
      await expect(db.db.insert(users).values(row)).rejects.toThrow();
    } finally {
      await db.destroy();
    }
  });
});

describe('createDb on embedded PGlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('createDb keeps data across a restart and re-runs migrations idempotently', async () => {
    const first = await createDb({ dataDir: dir });
    await first.db.insert(users).values({ email: 'keep@x.test', name: 'K', role: 'admin', passwordHash: 'h' });
    await first.close();
    await first.close(); // idempotent
    const second = await createDb({ dataDir: dir });
    const found = await second.db.select().from(users).where(eq(users.email, 'keep@x.test'));
    expect(found).toHaveLength(1);
    await second.close();
  });

  const setting = async (db: Db, name: string) =>
    rowsOf<{ setting: string }>(await db.db.execute(sql`select current_setting(${name}) as setting`))[0]!.setting;

  it('createDb creates a new folder (in a child process) and opens it with the lean memory settings', async () => {
    const fresh = join(dir, 'fresh');
    expect(needsInitdb(fresh)).toBe(true);
    const db = await createDb({ dataDir: fresh });
    try {
      expect(needsInitdb(fresh)).toBe(false);
      expect(await setting(db, 'shared_buffers')).toBe(PGLITE_SHARED_BUFFERS);
      expect(await setting(db, 'maintenance_work_mem')).toBe('8MB');
      await db.db.insert(users).values({ email: 'fresh@x.test', name: 'F', role: 'admin', passwordHash: 'h' });
    } finally {
      await db.close();
    }
  }, 60_000);

  it('createDb with migrate: false leaves a new folder unmigrated; pgliteSharedBuffers sets the buffer pool', async () => {
    const bare = join(dir, 'bare');
    const db = await createDb({ dataDir: bare, migrate: false, pgliteSharedBuffers: '4MB' });
    try {
      expect(await setting(db, 'shared_buffers')).toBe('4MB');
      const tables = rowsOf<{ n: number }>(await db.db.execute(sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`));
      expect(tables[0]!.n).toBe(0);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('createDb refuses a shared_buffers that is not a Postgres size', async () => {
    await expect(createDb({ dataDir: 'memory://', pgliteSharedBuffers: '16 MB; drop' })).rejects.toThrow(/must be a size such as 16MB/);
  });
});
