import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, createChannels } from '../notifications/startNotifications.js';
import type { Dispatcher } from '../notifications/Dispatcher.js';
import { leaves } from '../notifications/test/mime.js';
import { SmtpSink } from '../notifications/test/smtpSink.js';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';

describe.each(dbKinds())('account on %s', (kind) => {
  let t: TestApp;
  let smtp: SmtpSink;
  let d: Dispatcher;
  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await createTestApp(kind, { env: { LECTERN_SMTP_URL: smtp.url, LECTERN_PUBLIC_URL: 'https://lectern.example.test' } });
    d = await createDispatcher(t.runtime.ctx, createChannels(t.runtime.ctx));
  });
  afterAll(async () => {
    await d?.close();
    await t?.close();
    await smtp?.close();
  });

  const login = async (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  const refresh = (token: string) => t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: token } });

  it('password change: needs the current password, answers 204, the old password stops working and other sessions are signed out', async () => {
    const u = await t.userWithToken('student', 'Sam');
    const other = (await login(u.email, u.password)).json<{ refreshToken: string }>().refreshToken;
    const wrong = await t.app.inject({ method: 'POST', url: '/api/me/password', headers: u.headers, payload: { currentPassword: 'nope-nope-nope', newPassword: 'a brand new password' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ error: { message: string } }>().error.message).toBe('Your current password is not right.');
    const ok = await t.app.inject({ method: 'POST', url: '/api/me/password', headers: u.headers, payload: { currentPassword: u.password, newPassword: 'a brand new password' } });
    expect(ok.statusCode).toBe(204);
    expect(ok.cookies.some((c) => c.name === 'lectern_refresh')).toBe(true);
    expect((await login(u.email, u.password)).statusCode).toBe(401);
    expect((await login(u.email, 'a brand new password')).statusCode).toBe(200);
    expect((await refresh(other)).statusCode).toBe(401);
    const mine = ok.cookies.find((c) => c.name === 'lectern_refresh')!.value;
    expect((await refresh(mine)).statusCode).toBe(200);
  });

  it('password reset: same answer for known and unknown emails; the mailed link works once, within 30 minutes', async () => {
    const u = await t.userWithToken('teacher', 'Tess');
    const known = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: u.email } });
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: 'nobody@example.test' } });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    await d.drain();
    const mail = smtp.messages.find((m) => m.to.includes(u.email))!;
    expect(mail.mime.headers.get('subject')).toBe('Reset your Lectern password');
    expect(smtp.messages.some((m) => m.to.includes('nobody@example.test'))).toBe(false);
    const text = leaves(mail.mime).find((p) => p.contentType === 'text/plain')!.body;
    const token = /https:\/\/lectern\.example\.test\/reset\/([A-Za-z0-9_-]+)/.exec(text)![1]!;

    const confirm = (newPassword: string) => t.app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, newPassword } });
    expect((await confirm('reset password one')).statusCode).toBe(204);
    expect((await login(u.email, 'reset password one')).statusCode).toBe(200);
    expect((await confirm('reset password two')).statusCode).toBe(404);

    // A second link expires after 30 minutes.
    await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email: u.email } });
    await d.drain();
    const mails = smtp.messages.filter((m) => m.to.includes(u.email));
    const text2 = leaves(mails[mails.length - 1]!.mime).find((p) => p.contentType === 'text/plain')!.body;
    const token2 = /\/reset\/([A-Za-z0-9_-]+)/.exec(text2)![1]!;
    t.clock.advance(31 * 60_000);
    const late = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token: token2, newPassword: 'too late password' } });
    expect(late.statusCode).toBe(404);
  });
});
