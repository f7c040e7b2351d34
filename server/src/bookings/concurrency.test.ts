// No double booking: 20 people book the same slot at the same moment, spread over two API
// nodes that share one database (and Redis): exactly one 201, nineteen 409, one session.
// On Postgres the nodes have separate connection pools; on PGlite they share the handle.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookings, bookingSlots, sessions } from '@lectern/db';
import { createTestDb, dbKinds, type TestDb } from '@lectern/db/testing';
import { TestRedis } from '../cluster/test/testRedis.js';
import { ManualClock } from '../clock.js';
import { loadConfig } from '../config.js';
import { startLectern, type Lectern } from '../lectern.js';
import { testEnv } from '../test/harness.js';
import { createUser } from '../users/userService.js';

describe.each(dbKinds())('bookings race on %s', (kind) => {
  let redis: TestRedis;
  let db: TestDb;
  let api1: Lectern;
  let api2: Lectern;
  let hostId: string;
  const clock = new ManualClock('2026-05-01T08:00:00Z');

  beforeAll(async () => {
    redis = await TestRedis.start();
    db = await createTestDb(kind);
    const shared = testEnv({ REDIS_URL: redis.url, PORT: '0', LECTERN_BOOKING_RATE_PER_IP: '1000' });
    const env = (extra: Record<string, string>) => loadConfig({ ...shared, ...extra });
    api1 = await startLectern(env({ LECTERN_ROLE: 'api', LECTERN_NODE_ID: 'api-a' }), { db, clock, serveClient: false });
    api2 = await startLectern(env({ LECTERN_ROLE: 'api', LECTERN_NODE_ID: 'api-b' }), { db, clock, serveClient: false });
    const host = await createUser(db.db, { email: `race-${kind}@example.test`, name: 'Rae Host', password: 'host-password-1', role: 'mentor' }, 14);
    hostId = host.id;
    const token = await api1.runtime.ctx.tokens.signAccess({ userId: host.id, role: 'mentor' });
    const res = await fetch(`${api1.url}/api/me/availability`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ timezone: 'America/Chicago', handle: `rae-${kind}`, rules: [{ dayOfWeek: 1, start: '09:00', end: '17:00', slotMinutes: 45, bufferMinutes: 15 }] }),
    });
    expect(res.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await api1?.close();
    await api2?.close();
    await db?.destroy();
    await redis?.stop();
  });

  it('bookings race: 20 concurrent bookings of one slot on two nodes give one 201 and nineteen 409', async () => {
    const start = '2026-05-04T14:00:00.000Z'; // Monday 09:00 CDT
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const node = i % 2 === 0 ? api1 : api2;
        const res = await fetch(`${node.url}/api/bookings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ handle: `rae-${kind}`, start, name: `Guest ${i}`, email: `guest${i}@example.test` }),
        });
        return { status: res.status, body: (await res.json()) as { error?: { code: string; details?: { slots: { start: string }[] } } } };
      }),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    // Every loser is told the slot was taken and gets the next free ones of that day.
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.body.error?.code).toBe('slot_taken');
      expect(r.body.error?.details?.slots[0]?.start).toBe('2026-05-04T15:30:00.000Z'); // 10:30 CDT, after 09:00-09:45 and its buffer
    }
    const made = await db.db.select().from(sessions).where(and(eq(sessions.hostId, hostId), eq(sessions.scheduledAt, new Date(start))));
    expect(made).toHaveLength(1);
    expect(await db.db.select().from(bookings).where(eq(bookings.hostId, hostId))).toHaveLength(1);
    // 45 minutes + 15 buffer = 12 guard granules of 5 minutes.
    expect(await db.db.select().from(bookingSlots).where(eq(bookingSlots.hostId, hostId))).toHaveLength(12);
  });

  it('bookings race: the guard index alone refuses an overlapping booking row', async () => {
    // Even a code path that forgot the lock and the check cannot commit an overlap.
    const [b] = await db.db.select().from(bookings).where(eq(bookings.hostId, hostId));
    await expect(db.db.insert(bookingSlots).values({ hostId, granule: new Date('2026-05-04T14:30:00Z'), bookingId: b!.id })).rejects.toThrow();
  });
});
