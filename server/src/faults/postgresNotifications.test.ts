// Postgres killed (SIGKILL of the postmaster of a private cluster) in the middle of a burst
// of reminder emails, then started again: every notification committed to the outbox before
// the kill reaches the mail server exactly once (the process that sent a row whose mark the
// outage refused keeps that mark and writes it after the restart, instead of sending the row
// again when its lease runs out), the running process's dispatcher loop and reminder scans
// carry on by themselves, and no promise rejects unhandled.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox, notifications } from '@lectern/db';
import { createTestDb, type TestDb } from '@lectern/db/testing';
import { loadConfig } from '../config.js';
import { waitFor } from '../gateway/test/roomSockets.js';
import { startLectern, type Lectern } from '../lectern.js';
import { ReminderScheduler } from '../notifications/ReminderScheduler.js';
import { insertSession } from '../notifications/test/fixtures.js';
import { SmtpSink } from '../notifications/test/smtpSink.js';
import { cleaningUp, testEnv } from '../test/harness.js';
import { startPrivatePostgres, type PrivatePostgres } from '../test/privatePostgres.js';
import { createUser } from '../users/userService.js';

const SESSIONS = 20;
const STUDENTS = 10;
const EMAILS = SESSIONS * STUDENTS;
/** The emails delivered before the kill. */
const KILL_AFTER = 40;
const OUTAGE_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Postgres killed during a notification burst', { timeout: 240_000 }, () => {
  let pgc: PrivatePostgres;
  let db: TestDb;
  let lectern: Lectern;
  let smtp: SmtpSink;
  let reminders: ReminderScheduler | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => void unhandled.push(err);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    pgc = await startPrivatePostgres();
    smtp = await SmtpSink.start();
    db = await createTestDb('postgres', { DATABASE_URL: pgc.url });
    const config = loadConfig(
      testEnv({ PORT: '0', LECTERN_ROLE: 'api', LECTERN_SMTP_URL: smtp.url, LECTERN_OUTBOX_LEASE_SECONDS: '5', LECTERN_OUTBOX_POLL_MS: '100', LECTERN_OUTBOX_BACKOFF_SECONDS: '1' }),
    );
    lectern = cleaningUp(await startLectern(config, { db, serveClient: false }));
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await reminders?.close();
    await lectern?.close();
    await smtp?.close();
    await db?.destroy().catch(() => undefined);
    await pgc?.destroy();
  });

  const reminderMails = () => smtp.messages.filter((m) => (m.mime.headers.get('subject') ?? '').startsWith('Starts in'));

  it('every committed notification is delivered after the restart, by the same process', async () => {
    const ctx = lectern.runtime.ctx;
    const teacher = await createUser(db.db, { email: 'ada@example.test', name: 'Ada', password: 'teacher-password-1', role: 'teacher' }, 14);
    const students: string[] = [];
    for (let i = 0; i < STUDENTS; i++) students.push((await createUser(db.db, { email: `s${i}@example.test`, name: `Student ${i}`, password: 'student-password-1', role: 'student' }, 14)).id);
    const start = new Date(ctx.clock.now().getTime() + 10 * 60_000);
    for (let i = 0; i < SESSIONS; i++) await insertSession(db.db, { hostId: teacher.id, scheduledAt: start, invitees: students, title: `Session ${i}` });

    // Kill Postgres once the burst is under way and the whole burst is committed.
    let killed: Promise<void> | undefined;
    let scanned = false;
    let sentBeforeKill = 0;
    smtp.onMessage = () => {
      if (killed || !scanned || reminderMails().length < KILL_AFTER) return;
      sentBeforeKill = reminderMails().length;
      killed = pgc.kill9();
    };

    // The burst: one scan (the same service the cron runs) commits 2 rows per reminder
    // (in-app + email) to the outbox; the running process's dispatcher delivers them.
    reminders = await ReminderScheduler.create({ db: ctx.db, clock: ctx.clock, logger: ctx.logger, defaultOffsets: [15] });
    await reminders.tick();
    // (the process's own cron scan may have taken some of them, at a minute boundary)
    const committed = async () => (await db.db.select({ id: notificationOutbox.id }).from(notificationOutbox)).length;
    await waitFor(async () => (await committed()) === 2 * EMAILS, 60_000); // acknowledged: committed before the kill
    scanned = true;
    await waitFor(() => killed !== undefined, 60_000);
    await killed;
    const downAt = Date.now();
    expect(reminderMails().length).toBeLessThan(EMAILS); // really mid-burst

    // While it is down the scan fails cleanly (a rejected tick the cron logs), and so do requests.
    await expect(reminders.tick()).rejects.toThrow();
    const res = await fetch(`${lectern.url}/readyz`);
    expect(res.status).toBe(503);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
    const duringOutage = reminderMails().length;

    // ---- Back on the same port; nobody drains or restarts anything: the loop does it.
    await pgc.start();
    const upAt = Date.now();
    await waitFor(() => new Set(reminderMails().map((m) => m.messageId)).size === EMAILS, 120_000);
    const allDeliveredMs = Date.now() - upAt;

    const perId = new Map<string, number>();
    for (const m of reminderMails()) perId.set(m.messageId, (perId.get(m.messageId) ?? 0) + 1);
    const duplicates = reminderMails().length - perId.size;
    expect(perId.size).toBe(EMAILS);
    expect(duplicates, 'emails sent twice').toBe(0);

    // Every outbox row ends sent; each in-app reminder exists once.
    await waitFor(async () => (await db.db.select({ s: notificationOutbox.status }).from(notificationOutbox)).every((r) => r.s === 'sent'), 60_000);
    const inApp = await db.db.select({ id: notifications.id }).from(notifications).where(eq(notifications.type, 'session.reminder'));
    expect(inApp).toHaveLength(EMAILS);

    // The scan works again in the same process (nothing new is due: all enqueued once).
    expect((await reminders.tick()).rows).toBe(0);
    expect((await fetch(`${lectern.url}/readyz`)).status).toBe(200);
    expect(unhandled).toEqual([]);

    console.info(
      `[postgres-notifications] ${2 * EMAILS} outbox rows (${EMAILS} emails) committed; Postgres SIGKILLed after ${sentBeforeKill} emails, down ${((upAt - downAt) / 1000).toFixed(1)} s ` +
        `(${duringOutage - sentBeforeKill} more arrived meanwhile: sends in flight); all ${EMAILS} delivered ${allDeliveredMs} ms after the restart; ` +
        `${reminderMails().length} messages received, ${duplicates} duplicates; ${inApp.length} in-app rows`,
    );
  });
});
