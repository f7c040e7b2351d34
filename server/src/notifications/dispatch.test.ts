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
import { messageIdOf } from './channels/email.js';
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

  /**
   * Every reminder email counted, not just its Message-ID: each outbox row reaches the mail
   * server exactly once, except the rows in `resent` (a killed sender delivered them but died
   * before marking them sent), which arrive exactly twice under the same Message-ID.
   */
  async function expectExactlyOnce(resent: ReadonlySet<string> = new Set()): Promise<void> {
    const db = t.runtime.ctx.db;
    const reminders = smtp.messages.filter((m) => (m.mime.headers.get('subject') ?? '').startsWith('Starts in'));
    const perId = new Map<string, number>();
    for (const m of reminders) perId.set(m.messageId, (perId.get(m.messageId) ?? 0) + 1);
    expect(perId.size).toBe(SESSIONS * STUDENTS);
    const wrong = [...perId].filter(([id, n]) => n !== (resent.has(id) ? 2 : 1));
    expect(wrong, 'Message-IDs delivered an unexpected number of times').toEqual([]);
    expect(reminders).toHaveLength(SESSIONS * STUDENTS + resent.size);
    const inApp = await db.select({ id: notifications.id }).from(notifications).where(eq(notifications.type, 'session.reminder'));
    expect(inApp).toHaveLength(SESSIONS * STUDENTS);
    const notSent = await db.select({ id: notificationOutbox.id, status: notificationOutbox.status }).from(notificationOutbox).where(and(eq(notificationOutbox.eventType, 'session.reminder')));
    expect(notSent.filter((r) => r.status !== 'sent')).toEqual([]);
  }

  /** Polls `check` until it returns true; fails naming `what` and the last state after `timeoutMs`. */
  async function waitFor(what: string, check: () => Promise<boolean | string>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: boolean | string = false;
    while (Date.now() < deadline) {
      last = await check();
      if (last === true) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}${typeof last === 'string' ? ` (last seen: ${last})` : ''}`);
  }

  /** Emails the child sent whose rows were leased again after it died (attempts 2): those reach the server twice. */
  async function resentByOthers(fromChild: ReadonlySet<string>): Promise<Set<string>> {
    const db = t.runtime.ctx.db;
    const reclaimed = await db.select({ id: notificationOutbox.id }).from(notificationOutbox).where(and(eq(notificationOutbox.channel, 'email'), eq(notificationOutbox.attempts, 2)));
    return new Set(reclaimed.map((r) => messageIdOf(r)).filter((id) => fromChild.has(id)));
  }

  it('three concurrent dispatchers deliver 1,000 due reminders exactly once', async () => {
    await dueReminders();
    const results = await Promise.all((await threeDispatchers()).map((d) => d.drain()));
    expect(results.reduce((n, r) => n + r.claimed, 0)).toBe(2 * SESSIONS * STUDENTS);
    await expectExactlyOnce();
    // No crash, no lease expiry: nothing but the reminders, once each, reached the mail server.
    expect(smtp.messages).toHaveLength(SESSIONS * STUDENTS);
  }, 300_000);

  it('a dispatcher killed mid-batch loses no reminder; the others finish after its lease', async () => {
    await dueReminders();
    const db = t.runtime.ctx.db;
    const fromChild = new Set<string>();
    if (kind === 'postgres') {
      const child = spawn(process.execPath, ['--conditions=lectern-source', '--import', 'tsx', fileURLToPath(new URL('./test/dispatchChild.ts', import.meta.url)), t.db.url!, smtp.url], {
        cwd: fileURLToPath(new URL('../..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      smtp.onMessage = (m) => {
        if (!(m.mime.headers.get('from') ?? '').includes('child@lectern.test')) return;
        fromChild.add(m.messageId);
        if (fromChild.size === 150) child.kill('SIGKILL');
      };
      expect(await exited).toBe('SIGKILL');
      smtp.onMessage = undefined;
    } else {
      await freezeVictimAfter150Emails();
    }
    const leased = await db.select({ id: notificationOutbox.id }).from(notificationOutbox).where(eq(notificationOutbox.status, 'sending'));
    expect(leased.length).toBeGreaterThan(0); // it really died holding a batch
    // The dead dispatcher's lease (30 s; the child's runs on the wall clock) has passed.
    t.clock.set(new Date(Math.max(Date.now(), t.clock.now().getTime()) + 31_000));
    await Promise.all((await threeDispatchers()).map((d) => d.drain()));
    // Sent, then killed before marking: at most one row per sending worker (the child runs 2).
    const resent = await resentByOthers(fromChild);
    expect(resent.size).toBeLessThanOrEqual(2);
    await expectExactlyOnce(resent);
  }, 300_000);

  /**
   * One process, same effect as a kill: after 150 emails every send of the victim hangs for
   * ever, so the rows it has leased are never marked. Returns once the victim is frozen and
   * every send it did complete is marked in the database (so nothing of it lands later).
   */
  async function freezeVictimAfter150Emails(): Promise<void> {
    const ctx = t.runtime.ctx;
    let emails = 0;
    let dead = false;
    let inFlight = 0;
    let settled = 0;
    const freeze = (c: Channel): Channel => ({
      ...c,
      send: async (row, m) => {
        if (dead) return new Promise(() => undefined);
        if (c.name === 'email' && ++emails === 150) dead = true;
        inFlight++;
        try {
          return await c.send(row, m);
        } finally {
          inFlight--;
          settled++;
        }
      },
    });
    const real = createChannels(ctx);
    const victim = await Dispatcher.create({
      db: ctx.db, clock: t.clock, logger: ctx.logger, publicUrl: 'http://x', leaseMs: 30_000, maxAttempts: 5, backoffMs: 1000, batchSize: 100, id: 'victim',
      channels: { in_app: freeze(real.in_app), email: freeze(real.email), push: freeze(real.push) },
    });
    void victim.drain(); // never resolves: it hangs in the batch it holds when frozen
    await waitFor('the victim to freeze holding a batch with all its finished sends marked', async () => {
      const rows = await ctx.db.select({ status: notificationOutbox.status, by: notificationOutbox.lockedBy }).from(notificationOutbox);
      const finished = rows.filter((r) => r.status !== 'pending' && r.status !== 'sending').length;
      const held = rows.filter((r) => r.status === 'sending' && r.by === 'victim').length;
      return (dead && inFlight === 0 && finished === settled && held > 0) || `dead=${dead} inFlight=${inFlight} sends=${settled} marked=${finished} held=${held}`;
    });
  }
});
