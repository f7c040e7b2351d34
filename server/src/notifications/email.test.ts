import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox } from '@lectern/db';
import { parseIcs } from '../scheduling/test/testKit.js';
import { dbKinds, type TestApp } from '../test/harness.js';
import { createEmailChannel } from './channels/email.js';
import { Dispatcher } from './Dispatcher.js';
import { writeSessionEvent, type SessionNotificationEvent } from './sessionEvents.js';
import { createChannels } from './startNotifications.js';
import { insertSession, openDispatchApp } from './test/fixtures.js';
import { leaves } from './test/mime.js';
import { SmtpSink } from './test/smtpSink.js';

describe.each(dbKinds())('email notifications on %s', (kind) => {
  let smtp: SmtpSink;
  let t: TestApp, d: Dispatcher, teacher: Awaited<ReturnType<TestApp['userWithToken']>>;
  beforeAll(async () => {
    smtp = await SmtpSink.start();
    const env = { LECTERN_SMTP_URL: smtp.url, LECTERN_PUBLIC_URL: 'https://lectern.example.test', LECTERN_OUTBOX_MAX_ATTEMPTS: '3', LECTERN_OUTBOX_BACKOFF_SECONDS: '10' };
    ({ t, d, teacher } = await openDispatchApp(kind, { env, at: '2026-03-02T08:00:00Z' }));
  });
  afterAll(async () => {
    await d?.close();
    await t?.close();
    await smtp?.close();
  });

  const emit = (e: SessionNotificationEvent) => t.runtime.ctx.db.transaction((tx) => writeSessionEvent(tx, e));
  const mailTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));

  it('email of a scheduled session reaches a real SMTP server with text, HTML and the .ics attached', async () => {
    const student = await t.userWithToken('student', 'Sam Student');
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date('2026-03-10T09:30:00Z'), invitees: [student.id] });
    await emit({ type: 'session.scheduled', sessionId: id });
    const r = await d.drain();
    expect(r.sent).toBe(2); // in-app + email
    const [mail, ...more] = mailTo(student.email);
    expect(more).toHaveLength(0);
    expect(mail!.mime.headers.get('subject')).toBe('New session: Algebra II');
    const parts = leaves(mail!.mime);
    const text = parts.find((p) => p.contentType === 'text/plain')!;
    const html = parts.find((p) => p.contentType === 'text/html')!;
    const ics = parts.find((p) => p.contentType === 'text/calendar')!;
    expect(text.body).toContain('Tue 10 Mar 2026, 10:30 (Europe/Berlin)');
    expect(text.body).toContain('https://lectern.example.test/');
    expect(html.body).toContain('<h2');
    expect(ics.headers.get('content-disposition')).toMatch(/attachment; filename=session\.ics/);
    const cal = parseIcs(ics.body);
    expect(cal.method).toBe('PUBLISH');
    expect(cal.events).toHaveLength(1);
    expect(cal.events[0]).toMatchObject({ uid: `${id}@lectern`, start: '2026-03-10T09:30:00.000Z', startZone: 'UTC', end: '2026-03-10T10:15:00.000Z', status: 'CONFIRMED', summary: 'Algebra II' });
    expect(mail!.messageId).toMatch(/^<[0-9a-f-]{36}@lectern\.outbox>$/);
  });

  it('email of a cancelled session carries the .ics with STATUS:CANCELLED to every invitee and enrolled student', async () => {
    const a = await t.userWithToken('student');
    const b = await t.userWithToken('student');
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date('2026-03-11T09:30:00Z'), invitees: [a.id, b.id, teacher.id] });
    await emit({ type: 'session.cancelled', sessionId: id, reason: 'Teacher is ill', actorId: teacher.id });
    await d.drain();
    for (const u of [a, b]) {
      const [mail] = mailTo(u.email);
      expect(mail!.mime.headers.get('subject')).toBe('Cancelled: Algebra II');
      const ics = leaves(mail!.mime).find((p) => p.contentType === 'text/calendar')!;
      expect(parseIcs(ics.body).events).toEqual([expect.objectContaining({ uid: `${id}@lectern`, status: 'CANCELLED' })]);
      expect(leaves(mail!.mime).find((p) => p.contentType === 'text/plain')!.body).toContain('Reason: Teacher is ill');
    }
    expect(mailTo(teacher.email)).toHaveLength(0); // the actor is not told about their own change
  });

  it('email retries with exponential backoff on 4xx, then dead-letters and admins see it', async () => {
    const student = await t.userWithToken('student');
    const admin = await t.userWithToken('admin');
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date('2026-03-12T09:30:00Z'), invitees: [student.id] });
    smtp.rejectWith = { code: 451, message: 'try later' };
    try {
      await emit({ type: 'session.scheduled', sessionId: id });
      const row = async () =>
        (await t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.recipientId, student.id), eq(notificationOutbox.channel, 'email'))))[0]!;
      expect((await d.drain()).retried).toBe(1);
      const first = await row();
      expect(first.status).toBe('pending');
      expect(first.nextAttemptAt!.getTime() - t.clock.now().getTime()).toBe(10_000);
      expect((await d.drain()).claimed).toBe(0); // not due yet
      t.clock.advance(10_000);
      expect((await d.drain()).retried).toBe(1);
      expect((await row()).nextAttemptAt!.getTime() - t.clock.now().getTime()).toBe(20_000);
      t.clock.advance(20_000);
      expect((await d.drain()).dead).toBe(1);
      const dead = await row();
      expect(dead.status).toBe('dead');
      expect(dead.attempts).toBe(3);
      expect(dead.lastError).toMatch(/try later/);
    } finally {
      smtp.rejectWith = undefined;
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/admin/outbox?status=dead', headers: admin.headers });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ recipientId: string; channel: string }[]>()).toContainEqual(expect.objectContaining({ recipientId: student.id, channel: 'email', attempts: 3 }));
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/outbox?status=dead', headers: student.headers })).statusCode).toBe(403);
    // An admin can send it again once the mail server is back.
    const deadId = list.json<{ id: string; recipientId: string }[]>().find((r) => r.recipientId === student.id)!.id;
    expect((await t.app.inject({ method: 'POST', url: `/api/admin/outbox/${deadId}/retry`, headers: admin.headers })).statusCode).toBe(200);
    expect((await d.drain()).sent).toBe(1);
    expect(mailTo(student.email)).toHaveLength(1);
  });

  it('email with a 5xx answer is dead-lettered at once (no retries)', async () => {
    const student = await t.userWithToken('student');
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date('2026-03-13T09:30:00Z'), invitees: [student.id] });
    smtp.rejectWith = { code: 550, message: 'no such mailbox' };
    try {
      await emit({ type: 'session.scheduled', sessionId: id });
      expect((await d.drain()).dead).toBe(1);
    } finally {
      smtp.rejectWith = undefined;
    }
  });

  it('email is skipped cleanly when SMTP is not configured', async () => {
    const student = await t.userWithToken('student');
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date('2026-03-14T09:30:00Z'), invitees: [student.id] });
    const ctx = t.runtime.ctx;
    const off = createEmailChannel({ db: ctx.db, smtpUrl: undefined, from: 'x@y.z' });
    expect(off.enabled).toBe(false);
    const channels = { ...createChannels(ctx), email: off };
    const plain = await Dispatcher.create({ db: ctx.db, clock: ctx.clock, logger: ctx.logger, channels, publicUrl: 'http://x', leaseMs: 60_000, maxAttempts: 3, backoffMs: 1000 });
    await emit({ type: 'session.scheduled', sessionId: id });
    const r = await plain.drain();
    expect(r).toMatchObject({ sent: 1, skipped: 1, dead: 0 });
    expect(mailTo(student.email)).toHaveLength(0);
  });
});
