import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox, notifications, sessions } from '@lectern/db';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import type { Dispatcher } from './Dispatcher.js';
import { ReminderScheduler } from './ReminderScheduler.js';
import { createChannels, createDispatcher } from './startNotifications.js';
import { insertCourse, insertSession } from './test/fixtures.js';

const MIN = 60_000;

describe.each(dbKinds())('reminders on %s', (kind) => {
  let t: TestApp;
  let d: Dispatcher;
  let schedulers: ReminderScheduler[];
  let teacher: Awaited<ReturnType<TestApp['userWithToken']>>;
  beforeAll(async () => {
    t = await createTestApp(kind);
    t.clock.set('2026-03-29T00:30:00Z'); // the night Europe/Berlin springs forward
    const ctx = t.runtime.ctx;
    d = await createDispatcher(ctx, createChannels(ctx));
    // Three "processes" scanning the same database.
    schedulers = await Promise.all([1, 2, 3].map(() => ReminderScheduler.create({ db: ctx.db, clock: t.clock, logger: ctx.logger, defaultOffsets: [15] })));
    teacher = await t.userWithToken('teacher');
  });
  afterAll(async () => {
    for (const s of schedulers ?? []) await s.close();
    await d?.close();
    await t?.close();
  });

  const tickAll = async () => (await Promise.all(schedulers.map((s) => s.tick()))).reduce((a, r) => ({ enqueued: a.enqueued + r.enqueued, skipped: a.skipped + r.skipped }), { enqueued: 0, skipped: 0 });
  const inApp = (sessionId: string) =>
    t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.channel, 'in_app'), eq(notificationOutbox.eventType, 'session.reminder'))).then((rows) => rows.filter((r) => r.payload.sessionId === sessionId));

  it('reminders fire once, 15 minutes before the start by default, even with three schedulers ticking together', async () => {
    const [a, b] = [await t.userWithToken('student'), await t.userWithToken('student')];
    const course = await insertCourse(t.runtime.ctx.db, teacher.id, [b.id]);
    const start = new Date(t.clock.now().getTime() + 60 * MIN); // 03:30 Berlin (after the jump)
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: start, invitees: [a.id], courseId: course });
    expect((await tickAll()).enqueued).toBe(0);
    t.clock.advance(44 * MIN);
    expect((await tickAll()).enqueued).toBe(0);
    t.clock.advance(1 * MIN);
    expect((await tickAll()).enqueued).toBe(1);
    expect((await tickAll()).enqueued).toBe(0);
    const rows = await inApp(id);
    expect(rows.map((r) => r.recipientId).sort()).toEqual([a.id, b.id].sort());
    await d.drain();
    const [n] = await t.runtime.ctx.db.select().from(notifications).where(eq(notifications.userId, a.id));
    expect(n).toMatchObject({ type: 'session.reminder', title: 'Starts in 15 min: Algebra II', urgent: false });
    expect(n!.body).toContain('Sun 29 Mar 2026, 03:30 (Europe/Berlin)');
  });

  it('reminders after downtime: still-before-start are sent (latest offset only), stale ones skipped', async () => {
    const s = await t.userWithToken('student');
    const now = t.clock.now().getTime();
    const soon = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(now + 5 * MIN), invitees: [s.id], offsets: [60, 15] });
    const missed = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(now - 5 * MIN), invitees: [s.id] });
    const r = await tickAll();
    expect(r).toEqual({ enqueued: 1, skipped: 2 });
    expect((await inApp(soon)).map((x) => x.payload.offsetMinutes)).toEqual([15]);
    expect(await inApp(missed)).toHaveLength(0);
    expect(await tickAll()).toEqual({ enqueued: 0, skipped: 0 });
  });

  it('a reminder whose session started before it could be delivered is skipped as stale', async () => {
    const s = await t.userWithToken('student');
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(t.clock.now().getTime() + 10 * MIN), invitees: [s.id] });
    expect((await tickAll()).enqueued).toBe(1);
    t.clock.advance(11 * MIN); // dispatchers were down until after the start
    const r = await d.drain();
    expect(r.sent).toBe(0);
    expect((await inApp(id)).map((x) => x.status)).toEqual(['skipped']);
  });

  it('a rescheduled session is reminded again for its new start', async () => {
    const s = await t.userWithToken('student');
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(t.clock.now().getTime() + 10 * MIN), invitees: [s.id] });
    expect((await tickAll()).enqueued).toBe(1);
    await t.runtime.ctx.db.update(sessions).set({ scheduledAt: new Date(t.clock.now().getTime() + 120 * MIN) }).where(eq(sessions.id, id));
    expect((await tickAll()).enqueued).toBe(0);
    t.clock.advance(106 * MIN);
    expect((await tickAll()).enqueued).toBe(1);
    expect(await inApp(id)).toHaveLength(2);
  });
});
