// Browser journey: a teacher (browser in Europe/Berlin) schedules a weekly series through the
// UI and invites a student with the course-grouped picker; the student (browser in
// America/New_York) sees the next occurrence on their dashboard, in their zone with the
// session's zone indicated, and Join opens only shortly before a start.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, startServer, type TestServer } from './support.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SHOTS = '/tmp/lectern-shots';

interface S {
  id: string;
  seriesId: string | null;
  scheduledAt: string;
  title: string;
  timezone: string;
}

/** 'YYYY-MM-DD' and weekday code of an instant in a zone. */
function localDay(d: Date, zone: string): { date: string; weekday: string } {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  const weekday = new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'long' }).format(d);
  return { date, weekday };
}

describe('scheduling in the browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: join(ROOT, 'client'), stdio: 'inherit' });
    mkdirSync(SHOTS, { recursive: true });
    server = await startServer({ LECTERN_RTC_PORT_BASE: '45000' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(zone: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: zone, locale: 'en-GB' });
    const page = await context.newPage();
    page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
    return page;
  }

  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.goto(`${server.url}/login`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  }

  it('scheduling: a teacher schedules a weekly series in the UI and the invited student sees the next occurrence', async () => {
    const teacher = await server.user('teacher', 'Tara Teacher');
    const student = await server.user('student', 'Sam Student');
    const other = await server.user('student', 'Olga Other');
    const course = await server.api<{ id: string }>('POST', '/api/courses', { title: 'Algebra I' }, teacher.token);
    expect(course.status).toBe(201);
    await server.api('POST', `/api/courses/${course.body.id}/enrolments`, { userIds: [student.id, other.id] }, teacher.token);

    // Start tomorrow (Berlin) at 09:00, weekly on that weekday and the one two days later.
    const zone = 'Europe/Berlin';
    const first = localDay(new Date(Date.now() + 86_400_000), zone);
    const second = localDay(new Date(Date.now() + 3 * 86_400_000), zone);

    const t = await open(zone);
    await signIn(t, teacher.email, teacher.password);
    await t.goto(`${server.url}/schedule/new`);
    await t.getByLabel('Title').fill('Weekly algebra');
    await t.getByLabel('Date and start time').fill(`${first.date}T09:00`);
    await t.getByLabel('Duration (minutes)').fill('60');
    await t.getByLabel('Time zone').selectOption(zone);
    await t.getByLabel('Repeats').selectOption('weekly');
    await t.getByLabel(first.weekday, { exact: true }).check();
    await t.getByLabel(second.weekday, { exact: true }).check();
    await t.getByLabel('Number of sessions').fill('6');
    await expect.poll(() => t.getByText(/^Every week on .*, 6 times$/).count()).toBe(1);
    await t.getByRole('checkbox', { name: /Sam Student/ }).check();
    await expect.poll(() => t.getByText('1 selected').count()).toBe(1);
    await t.getByRole('button', { name: 'Schedule', exact: true }).click();
    await t.waitForURL(/\/sessions\/[0-9a-f-]{36}$/);
    const firstId = t.url().split('/').pop()!;

    // The API agrees: six occurrences at 09:00 Berlin, the student invited.
    const created = await server.api<S>('GET', `/api/sessions/${firstId}`, undefined, teacher.token);
    expect(created.body.seriesId).toBeTruthy();
    const series = (await server.api<S[]>('GET', `/api/sessions?seriesId=${created.body.seriesId}`, undefined, teacher.token)).body;
    expect(series).toHaveLength(6);
    for (const s of series) {
      expect(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' }).format(new Date(s.scheduledAt))).toBe('09:00');
    }
    expect(series[0]!.scheduledAt.slice(0, 10) <= `${first.date}`).toBe(true);
    await expect.poll(() => t.getByText(/^Every week on .*, 6 times$/).count()).toBe(1);
    await t.screenshot({ path: `${SHOTS}/scheduling-session-page.png`, fullPage: true });

    // The teacher's calendar: week view around the first occurrence, then the month view.
    await t.goto(`${server.url}/schedule`);
    const chips = t.locator('.cal-chip', { hasText: 'Weekly algebra' });
    if ((await chips.count()) === 0) await t.getByRole('button', { name: 'Next week' }).click();
    await expect.poll(() => chips.count()).toBeGreaterThan(0);
    await t.screenshot({ path: `${SHOTS}/scheduling-calendar-week.png`, fullPage: true });
    await t.getByRole('button', { name: 'Month', exact: true }).click();
    await expect.poll(() => chips.count()).toBeGreaterThan(0);
    await t.screenshot({ path: `${SHOTS}/scheduling-calendar-month.png`, fullPage: true });

    // One more session that starts in 5 minutes: its Join is open (10-minute window).
    const soon = await server.api<S>(
      'POST',
      '/api/sessions',
      { title: 'Quick check-in', scheduledAt: new Date(Date.now() + 5 * 60_000).toISOString(), durationMinutes: 30, timezone: zone, invitees: [student.id] },
      teacher.token,
    );
    expect(soon.status).toBe(201);

    // The student, in New York, sees the next occurrence on the dashboard.
    const s = await open('America/New_York');
    await signIn(s, student.email, student.password);
    await expect.poll(() => s.getByRole('heading', { name: 'Weekly algebra' }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await s.screenshot({ path: `${SHOTS}/scheduling-student-home.png`, fullPage: true });
    await s.goto(`${server.url}/my-sessions`);
    const rows = s.locator('.session-list li.session-item');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(7);
    const algebra = s.locator('li.session-item', { hasText: 'Weekly algebra' }).first();
    expect(await algebra.locator('time').getAttribute('datetime')).toBe(series[0]!.scheduledAt);
    expect(await algebra.textContent()).toContain('09:00 Europe/Berlin');
    const nyTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' }).format(new Date(series[0]!.scheduledAt));
    expect(await algebra.locator('time').textContent()).toContain(nyTime);
    expect(await algebra.getByRole('button', { name: 'Join' }).isDisabled()).toBe(true);
    const quick = s.locator('li.session-item', { hasText: 'Quick check-in' });
    expect(await quick.getByRole('button', { name: 'Join' }).isEnabled()).toBe(true);
    await s.screenshot({ path: `${SHOTS}/scheduling-student-dashboard.png`, fullPage: true });

    // The admin sees every session and filters by host and status.
    const admin = await server.user('admin', 'Ada Admin');
    const a = await open('UTC');
    await signIn(a, admin.email, admin.password);
    await a.goto(`${server.url}/admin/sessions`);
    await a.getByLabel('Host').selectOption({ label: 'Tara Teacher (teacher)' });
    const tableRows = a.locator('table tbody tr');
    await expect.poll(() => tableRows.count(), { timeout: 15_000 }).toBe(7);
    await a.screenshot({ path: `${SHOTS}/scheduling-admin-sessions.png`, fullPage: true });
    await a.getByLabel('Status').selectOption('cancelled');
    await expect.poll(() => a.getByText('No sessions match.').count()).toBe(1);

    // The other student of the course was not invited and does not see it.
    const hidden = await server.api<S[]>('GET', '/api/sessions', undefined, other.token);
    expect(hidden.body.filter((x) => x.title === 'Weekly algebra')).toHaveLength(0);
  });
});
