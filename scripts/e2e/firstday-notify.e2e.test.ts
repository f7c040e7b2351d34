// First day, notifications (point 11): one notification for a new weekly series, sent to the
// course's students; clicking it opens the session; RSVP; "Live now" goes away when it ends.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCourse } from '../../server/src/notifications/test/fixtures.js';
import { launchBrowser } from './support.js';
import { buildClient, openPage, shot, signInAs, startFirstday, type FirstdayServer } from './firstdaySupport.js';

describe('first day: notifications', () => {
  let server: FirstdayServer;
  let browser: Browser;
  beforeAll(async () => {
    const dist = buildClient();
    server = await startFirstday(dist, { env: { LECTERN_RTC_PORT_BASE: '26500' } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('notifications: one per series to the course; a click opens the session; RSVP; Live now is withdrawn at the end', async () => {
    const teacher = await server.user('teacher', 'Tess Teacher');
    const student = await server.user('student', 'Sam Student');
    const courseId = await insertCourse(server.db.db, teacher.id, [student.id]);

    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, student.email, student.password);
    const bell = page.getByRole('button', { name: /^Notifications/ });
    await bell.waitFor();

    // Next Monday 10:00 UTC, weekly, six sessions, for the whole course (no one invited by name).
    const d = new Date();
    d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
    d.setUTCHours(10, 0, 0, 0);
    const created = await server.api<{ id: string; seriesId: string }>(
      'POST',
      '/api/sessions',
      { title: 'Algebra', scheduledAt: d.toISOString(), durationMinutes: 45, timezone: 'UTC', courseId, recurrence: 'RRULE:FREQ=WEEKLY;COUNT=6' },
      teacher.token,
    );
    expect(created.status).toBe(201);

    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 15_000 }).toBe('Notifications (1 unread)');
    await bell.click();
    const center = page.getByRole('dialog', { name: 'Notification center' });
    const item = center.locator('.notif-item', { hasText: 'New weekly series: Algebra, Mondays 10:00, 6 sessions' });
    await item.waitFor();
    expect(await center.locator('.notif-item').count()).toBe(1);
    await shot(page, 'notifications-series-desktop-light');
    await item.locator('.notif-open').click();
    await page.waitForURL((u) => u.pathname === `/sessions/${created.body.id}`);
    await page.getByRole('heading', { name: 'Algebra' }).first().waitFor();

    // RSVP on the session page and on the dashboard; the teacher sees the tally.
    await page.getByRole('group', { name: 'Will you come to Algebra?' }).getByRole('button', { name: 'Maybe' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Maybe' }).getAttribute('aria-pressed')).toBe('true');
    await page.goto(`${server.url}/`);
    const dashItem = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Algebra' }) }).first();
    await dashItem.getByRole('button', { name: 'Yes' }).click();
    await expect.poll(() => dashItem.getByRole('button', { name: 'Yes' }).getAttribute('aria-pressed')).toBe('true');
    await shot(page, 'dashboard-rsvp-desktop-light');
    const tally = await server.api<{ counts: { yes: number } }>('GET', `/api/sessions/${created.body.id}/rsvp`, undefined, teacher.token);
    expect(tally.body.counts.yes).toBe(1);

    // Live now arrives when the teacher starts an occurrence, and goes away when it ends.
    const live = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Drop-in help', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', courseId }, teacher.token);
    await page.goto(`${server.url}/`);
    await bell.waitFor();
    expect((await server.api('POST', `/api/sessions/${live.body.id}/start`, undefined, teacher.token)).status).toBe(200);
    await bell.click();
    const liveItem = center.locator('.notif-item', { hasText: 'Live now: Drop-in help' });
    await liveItem.waitFor({ timeout: 15_000 });
    await page.getByRole('listitem').filter({ hasText: 'Drop-in help' }).getByText('Live', { exact: true }).first().waitFor();
    expect((await server.api('POST', `/api/sessions/${live.body.id}/end`, undefined, teacher.token)).status).toBe(200);
    await liveItem.waitFor({ state: 'detached', timeout: 10_000 });
    const listed = await server.api<{ title: string }[]>('GET', '/api/me/notifications', undefined, student.token);
    expect(JSON.stringify(listed.body)).not.toContain('Live now: Drop-in help');
    await context.close();

    // On a phone the panel stays on screen.
    for (const scheme of ['light', 'dark'] as const) {
      const phone = await openPage(browser, 'phone', scheme);
      await signInAs(phone.page, server.url, student.email, student.password);
      await phone.page.getByRole('button', { name: /^Notifications/ }).click();
      const panel = phone.page.getByRole('dialog', { name: 'Notification center' });
      await panel.waitFor();
      const box = (await panel.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await shot(phone.page, `notifications-panel-phone-${scheme}`);
      await phone.context.close();
    }
  });
});
