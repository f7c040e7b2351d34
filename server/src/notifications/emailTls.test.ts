// Email the way production sends it: `smtp://user:pass@host` upgraded with STARTTLS, and
// `smtps://` (TLS from the first byte), each against a sink with a certificate made here
// and trusted through LECTERN_SMTP_TLS_CA_FILE. The sink only allows AUTH on a secure
// connection, so a received mail proves TLS and the login both; wrong credentials and an
// untrusted certificate must fail. The .ics is read with python3-icalendar, not by grep.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox } from '@lectern/db';
import { parseIcs } from '../scheduling/test/testKit.js';
import type { TestApp, TestUser } from '../test/harness.js';
import { createEmailChannel } from './channels/email.js';
import { Dispatcher } from './Dispatcher.js';
import { writeSessionEvent } from './sessionEvents.js';
import { createChannels } from './startNotifications.js';
import { insertSession, openDispatchApp } from './test/fixtures.js';
import { leaves } from './test/mime.js';
import { SmtpSink, type ReceivedMail } from './test/smtpSink.js';
import type { Channel } from './types.js';

const LOGIN = { user: 'lectern@example.test', pass: 'p@ss:w/rd 1' };

/** A self-signed certificate for 127.0.0.1 (openssl CLI), written to a temp dir. */
function selfSigned(): { key: string; cert: string; certFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-smtp-tls-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=lectern-test-smtp',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

describe('email over TLS with a login', () => {
  let tls: ReturnType<typeof selfSigned>;
  let starttls: SmtpSink, implicit: SmtpSink;
  let t: TestApp, d: Dispatcher, teacher: TestUser;
  const extra: Dispatcher[] = [];
  const channels: Channel[] = [];

  beforeAll(async () => {
    tls = selfSigned();
    starttls = await SmtpSink.start({ tls: { key: tls.key, cert: tls.cert }, login: LOGIN });
    implicit = await SmtpSink.start({ tls: { key: tls.key, cert: tls.cert, implicit: true }, login: LOGIN });
    const env = { LECTERN_SMTP_URL: starttls.urlWith(LOGIN), LECTERN_SMTP_TLS_CA_FILE: tls.certFile, LECTERN_PUBLIC_URL: 'https://lectern.example.test' };
    ({ t, d, teacher } = await openDispatchApp('pglite', { env, at: '2026-03-02T08:00:00Z' }));
  });
  afterAll(async () => {
    for (const x of extra) await x.close();
    for (const c of channels) await c.close();
    await d?.close();
    await t?.close();
    await starttls?.close();
    await implicit?.close();
  });

  /** A dispatcher whose email goes through `email` (the app's own goes to the STARTTLS sink). */
  async function dispatcherWith(email: Channel): Promise<Dispatcher> {
    channels.push(email);
    const ctx = t.runtime.ctx;
    const x = await Dispatcher.create({ db: ctx.db, clock: ctx.clock, logger: ctx.logger, channels: { ...createChannels(ctx), email }, publicUrl: 'https://lectern.example.test', leaseMs: 60_000, maxAttempts: 3, backoffMs: 1000 });
    extra.push(x);
    return x;
  }

  /** A new session for a new student, announced; returns both ids. */
  async function announce(at: string): Promise<{ student: TestUser; sessionId: string }> {
    const student = await t.userWithToken('student', 'Sam Student');
    const sessionId = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, title: 'Algebra II', scheduledAt: new Date(at), invitees: [student.id] });
    await t.runtime.ctx.db.transaction((tx) => writeSessionEvent(tx, { type: 'session.scheduled', sessionId }));
    return { student, sessionId };
  }

  const emailRow = async (userId: string) =>
    (await t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.recipientId, userId), eq(notificationOutbox.channel, 'email'))))[0]!;

  /** The one mail to `email` carries a calendar that python3-icalendar reads as this session. */
  function expectInvitation(mails: ReceivedMail[], sessionId: string, start: string): void {
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.secure).toBe(true);
    expect(mail!.user).toBe(LOGIN.user);
    const ics = leaves(mail!.mime).find((p) => p.contentType === 'text/calendar');
    expect(ics).toBeDefined();
    const cal = parseIcs(ics!.body);
    expect(cal.version).toBe('2.0');
    expect(cal.method).toBe('PUBLISH');
    expect(cal.events).toHaveLength(1);
    const [ev] = cal.events;
    expect(ev).toMatchObject({ uid: `${sessionId}@lectern`, summary: 'Algebra II', status: 'CONFIRMED', sequence: 0 });
    // DTSTART is an exact instant in UTC (no floating time); the session's zone travels beside it.
    expect(ev!.start).toBe(start);
    expect(ev!.startZone).toBe('UTC');
    expect(ev!.startRaw).toMatch(/Z$/);
    expect(ev!.startTzid).toBeNull();
    expect(ev!.lecternTzid).toBe('Europe/Berlin');
    expect(new Date(ev!.end).getTime() - new Date(ev!.start).getTime()).toBe(45 * 60_000);
  }

  it('smtp://user:pass@ upgrades with STARTTLS, logs in and delivers the .ics (configured by LECTERN_SMTP_TLS_CA_FILE)', async () => {
    const { student, sessionId } = await announce('2026-03-10T09:30:00Z');
    expect((await d.drain()).sent).toBe(2); // in-app + email
    expectInvitation(starttls.messages.filter((m) => m.to.includes(student.email)), sessionId, '2026-03-10T09:30:00.000Z');
  });

  it('smtps:// speaks TLS from the start, logs in and delivers the .ics', async () => {
    const x = await dispatcherWith(createEmailChannel({ db: t.runtime.ctx.db, smtpUrl: implicit.urlWith(LOGIN), from: 'Lectern <lectern@example.test>', tlsCa: tls.cert }));
    const { student, sessionId } = await announce('2026-03-11T14:00:00Z');
    expect((await x.drain()).sent).toBe(2);
    expectInvitation(implicit.messages.filter((m) => m.to.includes(student.email)), sessionId, '2026-03-11T14:00:00.000Z');
    expect(starttls.messages.filter((m) => m.to.includes(student.email))).toHaveLength(0);
  });

  it.each(['starttls', 'implicit'] as const)('wrong credentials (%s) are refused: nothing delivered, the row dead-lettered with the 535', async (which) => {
    const sink = which === 'starttls' ? starttls : implicit;
    const refusedBefore = sink.failedLogins;
    const wrong = { user: LOGIN.user, pass: 'not-the-password' };
    const x = await dispatcherWith(createEmailChannel({ db: t.runtime.ctx.db, smtpUrl: sink.urlWith(wrong), from: 'Lectern <lectern@example.test>', tlsCa: tls.cert }));
    const { student } = await announce('2026-03-12T09:30:00Z');
    const r = await x.drain();
    expect(r).toMatchObject({ sent: 1, dead: 1 }); // in-app sent; email refused for good (5xx)
    expect(sink.failedLogins).toBe(refusedBefore + 1);
    expect(sink.messages.filter((m) => m.to.includes(student.email))).toHaveLength(0);
    const row = await emailRow(student.id);
    expect(row.status).toBe('dead');
    expect(row.lastError).toMatch(/535/);
  });

  it('an untrusted certificate is refused by default: without the CA nothing is sent and the row waits for a retry', async () => {
    const x = await dispatcherWith(createEmailChannel({ db: t.runtime.ctx.db, smtpUrl: implicit.urlWith(LOGIN), from: 'Lectern <lectern@example.test>' }));
    const { student } = await announce('2026-03-13T09:30:00Z');
    const r = await x.drain();
    expect(r).toMatchObject({ sent: 1, retried: 1 });
    expect(implicit.messages.filter((m) => m.to.includes(student.email))).toHaveLength(0);
    expect((await emailRow(student.id)).lastError).toMatch(/self[- ]signed|certificate/i);
  });
});
