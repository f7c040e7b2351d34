// Access tokens stop at a password, role or access change on every node: each node caches a
// user's standing, and a change announced by one node makes the others re-read it.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '@lectern/db';
import { createTestDb, dbKinds, type TestDb } from '@lectern/db/testing';
import { EventBus } from '../bus/EventBus.js';
import { MemoryBus } from '../bus/MemoryBus.js';
import { ManualClock } from '../clock.js';
import { AccessGate, cutUserTokens } from './accessGate.js';

describe.each(dbKinds())('access gate on %s', (kind) => {
  let db: TestDb;
  const clock = new ManualClock(new Date('2026-11-30T10:00:00.250Z'));
  const bus = new EventBus(new MemoryBus()); // one bus, as Redis links the nodes
  const nodeA = () => new AccessGate({ db: db.db, bus, clock });
  let a: AccessGate;
  let b: AccessGate;

  beforeAll(async () => {
    db = await createTestDb(kind);
    [a, b] = [nodeA(), nodeA()];
    await a.start();
    await b.start();
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.destroy();
  });

  const newUser = async () => {
    const [u] = await db.db.insert(users).values({ email: `u${Math.random()}@example.test`, name: 'U', role: 'student', passwordHash: 'x' }).returning();
    return u!.id;
  };
  const second = () => Math.floor(clock.now().getTime() / 1000);

  it('a cut-off stamped and announced on one node refuses earlier tokens on the other at once; later ones pass', async () => {
    const userId = await newUser();
    const issuedAt = second();
    await a.check({ userId, issuedAt }); // node A caches the user's standing
    clock.advance(1500);
    await cutUserTokens(db.db, userId, clock.now());
    await b.announce(userId);
    await expect(a.check({ userId, issuedAt })).rejects.toThrow('This sign-in has ended');
    await expect(b.check({ userId, issuedAt })).rejects.toThrow('This sign-in has ended');
    await a.check({ userId, issuedAt: second() }); // a token issued after the change (same second) is fine
  });

  it('without an announcement a node re-reads within 30 s; disabled and deleted users are refused', async () => {
    const userId = await newUser();
    const issuedAt = second();
    await a.check({ userId, issuedAt });
    await db.db.update(users).set({ disabled: true }).where(eq(users.id, userId));
    await a.check({ userId, issuedAt }); // cached: the announcement is what makes it immediate
    clock.advance(30_000);
    await expect(a.check({ userId, issuedAt })).rejects.toThrow('This sign-in has ended');
    await expect(b.check({ userId: '00000000-0000-4000-8000-000000000000', issuedAt })).rejects.toThrow('This sign-in has ended');
  });
});
