// Exactly-once at scale: 1,000 due reminders, three concurrent dispatchers; and a
// dispatcher killed mid-batch (SIGKILL of a child process on Postgres; a dispatcher
// frozen mid-send on PGlite, which cannot be shared between processes).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { notificationOutbox, notifications } from '@lectern/db';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import { Dispatcher } from './Dispatcher.js';
import { ReminderScheduler } from './ReminderScheduler.js';
import { createChannels, createDispatcher } from './startNotifications.js';
import { insertSession } from './test/fixtures.js';
import { SmtpSink } from './test/smtpSink.js';
import type { Channel } from './types.js';

const SESSIONS = 100;
const STUDENTS = 10;
const MIN = 60_000;

describe.each(dbKinds())('outbox dispatch at scale on %s', (kind) => {
  let t: TestApp;
  let smtp: SmtpSink;
  const dispatchers: Dispatcher[] = [];
  beforeEach(async () => {
    // (2,000 outbox rows per test: generous limits for a shared 2-core machine; nothing here is timed)
    smtp = await SmtpSink.start();
    t = await createTestApp(kind, { env: { LECTERN_SMTP_URL: smtp.url, LECTERN_OUTBOX_LEASE_SECONDS: '30' }, clock: undefined });
    t.clock.set(new Date());
  });
  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.close();
    await t?.close();
    await smtp?.close();
  });

  /** 100 sessions starting in 10 minutes, 10 invited students each: 1,000 due reminders. */
  async function dueReminders(): Promise<void> {
    const teacher = await t.userWithToken('teacher');
    const students: string[] = [];
    for (let i = 0; i < STUDENTS; i++) students.push((await t.userWithToken('student')).id);
    const start = new Date(t.clock.now().getTime() + 10 * MIN);
    for (let i = 0; i < SESSIONS; i++) await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: start, invitees: students, title: `Session ${i}` });
    const ctx = t.runtime.ctx;
    const schedulers = await Promise.all([1, 2, 3].map(() => ReminderScheduler.create({ db: ctx.db, clock: t.clock, logger: ctx.logger, defaultOffsets: [15] })));
    const results = await Promise.all(schedulers.map((s) => s.tick()));
    expect(results.reduce((n, r) => n + r.rows, 0)).toBe(2 * SESSIONS * STUDENTS); // in-app + email
  }

  async function threeDispatchers(): Promise<Dispatcher[]> {
    const ctx = t.runtime.ctx;
    const ds = await Promise.all([1, 2, 3].map((i) => createDispatcher(ctx, createChannels(ctx), `d${i}`)));
    dispatchers.push(...ds);
    return ds;
  }

  async function expectExactlyOnce(): Promise<void> {
    const db = t.runtime.ctx.db;
    const reminders = smtp.messages.filter((m) => (m.mime.headers.get('subject') ?? '').startsWith('Starts in'));
    expect(new Set(reminders.map((m) => m.messageId)).size).toBe(SESSIONS * STUDENTS);
    const inApp = await db.select({ id: notifications.id }).from(notifications).where(eq(notifications.type, 'session.reminder'));
    expect(inApp).toHaveLength(SESSIONS * STUDENTS);
    const notSent = await db.select({ id: notificationOutbox.id, status: notificationOutbox.status }).from(notificationOutbox).where(and(eq(notificationOutbox.eventType, 'session.reminder')));
    expect(notSent.filter((r) => r.status !== 'sent')).toEqual([]);
  }

  it('three concurrent dispatchers deliver 1,000 due reminders exactly once', async () => {
    await dueReminders();
    const results = await Promise.all((await threeDispatchers()).map((d) => d.drain()));
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(2 * SESSIONS * STUDENTS);
    await expectExactlyOnce();
    // No crash, no lease expiry: not a single duplicate reached the mail server.
    expect(smtp.messages).toHaveLength(SESSIONS * STUDENTS);
  }, 300_000);

  it('a dispatcher killed mid-batch loses no reminder; the others finish after its lease', async () => {
    await dueReminders();
    const db = t.runtime.ctx.db;
    if (kind === 'postgres') {
      const child = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', fileURLToPath(new URL('./test/dispatchChild.ts', import.meta.url)), t.db.url!, smtp.url], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      let fromChild = 0;
      smtp.onMessage = (m) => {
        if ((m.mime.headers.get('from') ?? '').includes('child@lectern.test') && ++fromChild === 150) child.kill('SIGKILL');
      };
      expect(await exited).toBe('SIGKILL');
      smtp.onMessage = undefined;
      t.clock.set(new Date(Date.now() + 31_000)); // the child's lease (30 s, wall clock) has passed
    } else {
      // Same effect in one process: after 150 emails every send of the victim hangs for ever,
      // so its leased rows are never marked, exactly as if the process had died.
      const ctx = t.runtime.ctx;
      let emails = 0;
      let dead = false;
      const freeze = (c: Channel): Channel => ({
        ...c,
        send: (row, m) => {
          if (dead) return new Promise(() => undefined);
          if (c.name === 'email' && ++emails === 150) dead = true;
          return c.send(row, m);
        },
      });
      const real = createChannels(ctx);
      const victim = await Dispatcher.create({
        db: ctx.db, clock: t.clock, logger: ctx.logger, publicUrl: 'http://x', leaseMs: 30_000, maxAttempts: 5, backoffMs: 1000, batchSize: 100, id: 'victim',
        channels: { in_app: freeze(real.in_app), email: freeze(real.email), push: freeze(real.push) },
      });
      for (let i = 0; i < 20 && !dead; i++) void (await victim.tick());
      void victim.tick(); // claims another batch and freezes in it
      await new Promise((r) => setTimeout(r, 200));
      t.clock.advance(31_000);
    }
    const leased = await db.select({ id: notificationOutbox.id }).from(notificationOutbox).where(eq(notificationOutbox.status, 'sending'));
    expect(leased.length).toBeGreaterThan(0); // it really died holding a batch
    await Promise.all((await threeDispatchers()).map((d) => d.drain()));
    await expectExactlyOnce();
  }, 300_000);
});
