// First day, accounts: the first-run setup link from the log (point 1), the profile with a
// password change that signs other devices out, and a password reset whose mail is read
// from a real local SMTP server (point 3).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaves } from '../../server/src/notifications/test/mime.js';
import { SmtpSink } from '../../server/src/notifications/test/smtpSink.js';
import { closeBrowserSuite } from './support.js';
import { inEveryLook, openFirstdaySuite, openPage, shot, signInAs, type FirstdayServer } from './firstdaySupport.js';

describe('first day: accounts', () => {
  let server: FirstdayServer;
  let browser: Browser;
  let smtp: SmtpSink;
  beforeAll(async () => {
    smtp = await SmtpSink.start();
    ({ server, browser } = await openFirstdaySuite({ env: { LECTERN_SMTP_URL: smtp.url } }));
  });
  afterAll(async () => {
    await closeBrowserSuite(browser, server);
    await smtp?.close();
  });

  it('first run: the log prints a one-time /setup/TOKEN link; sign-in says how to finish; the link creates the first admin once', async () => {
    const line = server.logs.find((l) => typeof l.setupUrl === 'string');
    expect(line, 'a log line with the setup link').toBeTruthy();
    const setupUrl = String(line!.setupUrl);
    expect(setupUrl).toMatch(/\/setup\/[A-Za-z0-9_-]{43}$/);
    expect(String(line!.msg)).toContain(setupUrl);
    expect((await server.api('GET', '/api/setup')).body).toEqual({ needed: true });

    await inEveryLook(browser, async (page, vp, scheme) => {
      await page.goto(`${server.url}/login`);
      await page.getByText('Finish setting up Lectern.').waitFor();
      await shot(page, `signin-setup-hint-${vp}-${scheme}`);
      await page.goto(setupUrl);
      await page.getByRole('heading', { name: 'Create the first admin' }).waitFor();
      await shot(page, `setup-${vp}-${scheme}`);
    });

    const { context, page } = await openPage(browser);
    await page.goto(setupUrl);
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.getByText('Enter your name.').waitFor();
    await page.getByText('Use at least 10 characters.').waitFor();
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@school.test');
    await page.getByLabel('Password').fill('first admin password');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/admin/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByText('ada@school.test').waitFor();

    // The token is dead: the page says so, the API refuses.
    await page.goto(setupUrl);
    await page.getByRole('heading', { name: 'Setup is complete' }).waitFor();
    const again = await server.api('POST', '/api/setup', { token: setupUrl.split('/').pop(), email: 'eve@school.test', password: 'another password', name: 'Eve' });
    expect(again.status).toBe(409);
    expect((await server.api('GET', '/api/setup')).body).toEqual({ needed: false });
    await page.goto(`${server.url}/login`);
    await context.close();
  });

  it('profile: name and time zone; a password change needs the current one and signs the other devices out', async () => {
    const u = await server.user('student', 'Sam Student');
    const other = await openPage(browser);
    await signInAs(other.page, server.url, u.email, u.password);

    await inEveryLook(browser, async (page, vp, scheme) => {
      await signInAs(page, server.url, u.email, u.password);
      await page.goto(`${server.url}/account`);
      await page.getByRole('heading', { name: 'Your account' }).waitFor();
      await shot(page, `account-${vp}-${scheme}`);
    });

    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, u.email, u.password);
    await page.getByRole('link', { name: /Sam Student/ }).click();
    await page.getByLabel('Name').fill('Samira Student');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Saved.').waitFor();
    await page.getByRole('link', { name: /Samira Student/ }).waitFor();
    expect(page.getByRole('link', { name: 'notification settings' })).toBeTruthy();

    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('my new password 1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your current password is not right.').waitFor();
    await page.getByLabel('Current password').fill(u.password);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other devices have to sign in again.').waitFor();

    expect((await server.api('POST', '/api/auth/login', { email: u.email, password: u.password })).status).toBe(401);
    expect((await server.api('POST', '/api/auth/login', { email: u.email, password: 'my new password 1' })).status).toBe(200);
    // Both tabs lose their short-lived access token (as after a browser restart): this
    // browser's new refresh cookie signs it back in; the other browser's was revoked.
    await page.evaluate(() => sessionStorage.clear());
    await page.reload();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    await other.page.evaluate(() => sessionStorage.clear());
    await other.page.reload();
    await other.page.waitForURL((url) => url.pathname.startsWith('/login'));
    await other.context.close();
    await context.close();
  });

  it('dark mode: follows the system setting, also when it changes; the header toggle overrides it either way and is remembered', async () => {
    const u = await server.user('student', 'Theo Theme');
    const { context, page } = await openPage(browser, 'desktop', 'light');
    await signInAs(page, server.url, u.email, u.password);
    const LIGHT = 'rgb(245, 246, 248)';
    const DARK = 'rgb(15, 20, 26)';
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const toggle = page.getByRole('button', { name: 'Dark mode' });
    expect(await background()).toBe(LIGHT);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(background).toBe(DARK);
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');

    await toggle.click();
    await expect.poll(background).toBe(LIGHT);
    await page.reload();
    await toggle.waitFor();
    expect(await background()).toBe(LIGHT);
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');

    await page.emulateMedia({ colorScheme: 'light' });
    await toggle.click();
    await expect.poll(background).toBe(DARK);
    await page.reload();
    await toggle.waitFor();
    expect(await background()).toBe(DARK);
    await context.close();
  });

  it('password reset: the same answer for any address; the mailed link (from a local SMTP server) works once', async () => {
    const u = await server.user('teacher', 'Tess Teacher');
    await inEveryLook(browser, async (page, vp, scheme) => {
      await page.goto(`${server.url}/forgot`);
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await shot(page, `forgot-${vp}-${scheme}`);
    });
    const { context, page } = await openPage(browser);
    await page.goto(`${server.url}/login`);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill('nobody@school.test');
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    const same = await page.getByRole('status').filter({ hasText: 'If an account uses this address' }).textContent();
    await page.goto(`${server.url}/forgot`);
    await page.getByLabel('Email').fill(u.email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    expect(await page.getByRole('status').filter({ hasText: 'If an account uses this address' }).textContent()).toBe(same);

    await expect.poll(() => smtp.messages.filter((m) => m.to.includes(u.email)).length, { timeout: 15_000 }).toBe(1);
    expect(smtp.messages.some((m) => m.to.includes('nobody@school.test'))).toBe(false);
    const mail = smtp.messages.find((m) => m.to.includes(u.email))!;
    expect(mail.mime.headers.get('subject')).toBe('Reset your Lectern password');
    const text = leaves(mail.mime).find((p) => p.contentType === 'text/plain')!.body;
    // The mail links to LECTERN_PUBLIC_URL; this test server listens on a random port.
    const link = server.url + new URL(/(http:\/\/\S+\/reset\/[A-Za-z0-9_-]+)/.exec(text)![1]!).pathname;

    await page.goto(link);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await shot(page, 'reset-desktop-light');
    await page.getByLabel('New password', { exact: true }).fill('reset by email 1');
    await page.getByLabel('New password again').fill('reset by email 1');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Password changed' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill('reset by email 1');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));

    // Used once: the same link now fails, in words.
    const { context: c2, page: p2 } = await openPage(browser);
    await p2.goto(link);
    await p2.getByLabel('New password', { exact: true }).fill('reset by email 2');
    await p2.getByLabel('New password again').fill('reset by email 2');
    await p2.getByRole('button', { name: 'Set new password' }).click();
    await p2.getByText('This reset link has expired or was already used. Ask for a new one.').waitFor();
    await c2.close();
    await context.close();
  });
});
