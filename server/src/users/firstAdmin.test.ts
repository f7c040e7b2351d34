// LECTERN_ADMIN_* on a database that already has users (a restart, or another node that
// created the first admin a moment earlier) is not a crash: nothing is created, no error.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestDb, dbKinds } from '@lectern/db/testing';
import { users } from '@lectern/db';
import { ensureFirstAdmin } from './userService.js';

const opts = () => ({ email: 'first-admin@example.test', password: `pw-${randomBytes(12).toString('hex')}`, scryptLogN: 10 });

describe.each(dbKinds())('ensureFirstAdmin on %s', (kind) => {
  it('creates the admin once; started again with the same LECTERN_ADMIN_* it creates nothing and does not throw', async () => {
    const db = await createTestDb(kind);
    try {
      const o = opts();
      expect((await ensureFirstAdmin(db.db, o))?.email).toBe(o.email);
      await expect(ensureFirstAdmin(db.db, o)).resolves.toBeNull();
      await expect(ensureFirstAdmin(db.db, { ...o, email: 'another-admin@example.test' })).resolves.toBeNull();
      expect((await db.db.select().from(users)).map((u) => u.email)).toEqual([o.email]);
    } finally {
      await db.destroy();
    }
  });

  it('two nodes starting at once with LECTERN_ADMIN_*: one creates the admin, the other finds it made, neither throws', async () => {
    const db = await createTestDb(kind);
    try {
      const o = opts();
      // Both count no user before either inserts (the password hash comes in between).
      const results = await Promise.all([ensureFirstAdmin(db.db, o), ensureFirstAdmin(db.db, o)]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect((await db.db.select().from(users)).map((u) => u.email)).toEqual([o.email]);
    } finally {
      await db.destroy();
    }
  });
});
