// Browser journey: a student has the notification center open when the teacher starts
// the session; the urgent live alert appears without a reload (over the /user socket).
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@lectern/db/testing';
import { loadConfig } from '../../server/src/config.js';
import { startLectern, type Lectern } from '../../server/src/lectern.js';
import { insertSession } from '../../server/src/notifications/test/fixtures.js';
import { baseEnv, buildClientCopy, createSuiteTestDb, createTestUser, launchBrowser, newPage } from './support.js';

const SHOTS = '/tmp/lectern-shots';
let DIST: string;

beforeAll(() => {
  DIST = buildClientCopy('notif');
  mkdirSync(SHOTS, { recursive: true });
});

describe('notifications in the browser', () => {
  let db: TestDb;
  let lectern: Lectern;
  let browser: Browser;
  let scryptLogN = 14;
  beforeAll(async () => {
    db = await createSuiteTestDb();
    const config = loadConfig({ ...baseEnv('lectern-e2e-notif-'), LECTERN_RTC_PORT_BASE: '25100', LECTERN_OUTBOX_POLL_MS: '200', LECTERN_CLIENT_DIST: DIST });
    scryptLogN = config.auth.scryptLogN;
    lectern = await startLectern(config, { db });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await lectern?.close();
    await db?.destroy();
  });

  const user = (role: 'teacher' | 'student', name: string) => createTestUser(db, role, name, role, scryptLogN);

  it('notification center shows the live alert, urgent, the moment the teacher starts the session (no reload)', async () => {
    const teacher = await user('teacher', 'Ada Lovelace');
    const student = await user('student', 'Sam Student');
    const sessionId = await insertSession(db.db, { hostId: teacher.id, title: 'Linear Algebra', scheduledAt: new Date(Date.now() + 5 * 60_000), invitees: [student.id] });

    const { context, page } = await newPage(browser);
    await page.goto(`${lectern.url}/login`);
    await page.getByLabel('Email').fill(student.email);
    await page.getByLabel('Password').fill(student.password);
    await page.getByRole('button', { name: /sign in/i }).click();
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await bell.waitFor();
    await bell.click();
    const center = page.getByRole('dialog', { name: 'Notification center' });
    await center.getByText(/Nothing yet/).waitFor();
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const login = await fetch(`${lectern.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: teacher.email, password: teacher.password }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const start = await fetch(`${lectern.url}/api/sessions/${sessionId}/start`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    expect(start.status).toBe(200);

    const item = center.locator('.notif-item', { hasText: 'Live now: Linear Algebra' });
    await item.waitFor({ timeout: 15_000 });
    expect(await item.getAttribute('class')).toContain('is-urgent');
    expect(await item.textContent()).toContain('Ada Lovelace started the session');
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications (1 unread)');
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/notifications-live.png` });

    // Mark it read from the panel: the count goes away, on the server too.
    await center.getByRole('button', { name: 'Mark read: Live now: Linear Algebra' }).click();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications');
    const count = await page.evaluate(async () => {
      const token = sessionStorage.getItem('lectern.accessToken');
      const res = await fetch('/api/me/notifications/unread-count', { headers: { authorization: `Bearer ${token ?? ''}` } });
      return ((await res.json()) as { count: number }).count;
    });
    expect(count).toBe(0);

    // Preferences page renders the matrix.
    await page.goto(`${lectern.url}/settings/notifications`);
    await page.getByRole('checkbox', { name: 'A session goes live: Email' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/notifications-settings.png`, fullPage: true });
    await context.close();
  });
});
