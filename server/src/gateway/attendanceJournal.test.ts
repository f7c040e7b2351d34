// Attendance across a Postgres outage longer than the stale cutoff (a private cluster,
// crashed with `pg_ctl stop -m immediate` and started again): joins and leaves meanwhile are
// written afterwards with their own times, and the stale sweep does not close the interval of
// a participant who stayed in the call because its heartbeats failed while the database was away.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { ManualClock } from '../clock.js';
import { createLogger } from '../logger.js';
import { insertSession } from '../notifications/test/fixtures.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/privatePostgres.js';
import { createUser } from '../users/userService.js';
import { HEARTBEAT_MS, STALE_MS } from './attendance.js';
import { AttendanceJournal } from './attendanceJournal.js';

describe('attendance across a Postgres outage', { timeout: 120_000 }, () => {
  let pgc: PrivatePostgres;
  let db: TestDb;
  beforeAll(async () => {
    pgc = await startPrivatePostgres();
    db = await createTestDb('postgres', { DATABASE_URL: pgc.url });
  });
  afterAll(async () => {
    await db?.destroy().catch(() => undefined);
    await pgc?.destroy();
  });

  it('keeps joins and leaves for after the outage and never closes a live interval for it', async () => {
    const clock = new ManualClock(new Date());
    const host = await createUser(db.db, { email: 'host@example.test', name: 'Host', password: 'host-password-1', role: 'teacher' }, 14);
    const sessionId = await insertSession(db.db, { hostId: host.id, scheduledAt: clock.now() });
    const journal = new AttendanceJournal({ db: db.db, clock, logger: createLogger('silent') });
    const who = (connectionId: string) => ({ connectionId, sessionId, participantId: `p-${connectionId}`, userId: null, displayName: connectionId, role: 'guest' });
    const interval = async (connectionId: string) => (await db.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.connectionId, connectionId)))[0];

    await journal.join(who('stays'));
    await journal.heartbeat(['stays']);

    // ---- down for longer than the stale cutoff; one joins and leaves meanwhile.
    await pgc.stopImmediate();
    clock.advance(5_000);
    const joinedAt = clock.now();
    await journal.join(who('brief'));
    await journal.heartbeat(['stays', 'brief']);
    clock.advance(STALE_MS + 30_000);
    const leftAt = clock.now();
    await journal.leave('brief');
    await journal.heartbeat(['stays']);
    expect(journal.pending).toBe(2);
    expect(await journal.sweep()).toBe(0);

    // ---- back: a sweep before anyone could heartbeat again leaves the live interval open.
    await pgc.start();
    clock.advance(1_000);
    expect(await journal.sweep()).toBe(0);
    expect((await interval('stays'))?.leftAt).toBeNull();

    // The kept writes go in with their own times.
    await journal.flush();
    expect(journal.pending).toBe(0);
    const brief = await interval('brief');
    expect(brief?.joinedAt.getTime()).toBe(joinedAt.getTime());
    expect(brief?.leftAt?.getTime()).toBe(leftAt.getTime());

    // Heartbeats resume; once every node has had its heartbeat period, the sweep runs again
    // and finds nothing stale (the live interval was kept fresh meanwhile).
    await journal.heartbeat(['stays']);
    clock.advance(HEARTBEAT_MS);
    await journal.heartbeat(['stays']);
    expect(await journal.sweep()).toBe(0);
    expect((await interval('stays'))?.leftAt).toBeNull();

    // And it does close what nobody heartbeats any more.
    clock.advance(STALE_MS + 1_000);
    expect(await journal.sweep()).toBe(1);
    expect((await interval('stays'))?.leftAt).not.toBeNull();
    await journal.close();
  });
});
