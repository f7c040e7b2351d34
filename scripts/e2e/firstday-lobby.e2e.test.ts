// First day, before and at the door: a guest who arrives before the host sees "Waiting for
// the host to start" and the host is told (point 6); signed-in people get the same camera
// and microphone check as guests (point 7); every control of the main pages is reachable
// with Tab and shows where the focus is (point 16, keyboard).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { inEveryLook, openFirstdaySuite, openPage, shot, signInAs, type FirstdayServer } from './firstdaySupport.js';
import { joinByCode } from './support.js';

let server: FirstdayServer;
let browser: Browser;
beforeAll(async () => {
  ({ server, browser } = await openFirstdaySuite({ env: { LECTERN_RTC_PORT_BASE: '26700' } }));
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const phase = (page: Page) => page.evaluate(() => (window as { __lectern?: { phase: string } }).__lectern?.phase ?? null);

async function scheduled(teacherToken: string, title: string, minutesAhead: number, extra: Record<string, unknown> = {}): Promise<string> {
  const at = new Date(Date.now() + minutesAhead * 60_000).toISOString();
  const s = await server.api<{ id: string }>('POST', '/api/sessions', { title, scheduledAt: at, durationMinutes: 45, timezone: 'UTC', guestAccess: 'open', ...extra }, teacherToken);
  expect(s.status).toBe(201);
  return s.body.id;
}

describe('first day: before the host starts', () => {
  it('a guest waits for the start, the host is told, and Start lets the guest in', async () => {
    const teacher = await server.user('teacher', 'Tess Teacher');
    const sid = await scheduled(teacher.token, 'Chemistry', 10);
    const code = (await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token)).body.code;

    const guest = await openPage(browser);
    await joinByCode(guest.page, server.url, code, 'Gina Guest');
    await guest.page.getByText('Waiting for the host to start').waitFor({ timeout: 20_000 });
    await guest.page.getByText('You will join automatically when the host starts the session').waitFor();
    expect(await phase(guest.page)).toBe('waiting');
    await shot(guest.page, 'room-waiting-for-start-desktop-light');

    // The host, signed in elsewhere in the app, gets the notice in the notification center.
    const host = await openPage(browser);
    await signInAs(host.page, server.url, teacher.email, teacher.password);
    const bell = host.page.getByRole('button', { name: /^Notifications/ });
    await expect.poll(() => bell.getAttribute('aria-label'), { timeout: 20_000 }).toMatch(/1 unread/);
    await bell.click();
    const center = host.page.getByRole('dialog', { name: 'Notification center' });
    await center.getByText('Gina Guest is waiting: Chemistry').waitFor();
    await shot(host.page, 'notice-someone-waiting-desktop-light');

    // The notice opens the session; Start now, then the device check, then the room.
    await center.getByRole('button', { name: /^Now Gina Guest is waiting/ }).click();
    await host.page.waitForURL((u) => u.pathname === `/sessions/${sid}`);
    await host.page.getByRole('button', { name: 'Start now' }).click();
    await host.page.waitForURL((u) => u.pathname === `/room/${sid}/check`);
    await host.page.getByRole('button', { name: 'Join now' }).click();
    await expect.poll(() => phase(host.page), { timeout: 30_000 }).toBe('joined');

    // The guest goes in by themselves, and the host's notice is gone.
    await expect.poll(() => phase(guest.page), { timeout: 30_000 }).toBe('joined');
    await guest.page.getByRole('region', { name: "Participants' video" }).getByText('Tess Teacher').waitFor();
    const rows = await server.api<{ type: string }[] | { notifications: { type: string }[] }>('GET', '/api/me/notifications', undefined, teacher.token);
    const list = Array.isArray(rows.body) ? rows.body : rows.body.notifications;
    expect(list.filter((n) => n.type === 'session.waiting')).toHaveLength(0);
    await guest.context.close();
    await host.context.close();
  });

  it('the waiting screen in every look', async () => {
    const teacher = await server.user('teacher', 'Walt Teacher');
    const sid = await scheduled(teacher.token, 'Biology', 30);
    const code = (await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token)).body.code;
    await inEveryLook(browser, async (page, vp, scheme) => {
      await joinByCode(page, server.url, code, `Guest ${vp} ${scheme}`);
      await page.getByText('Waiting for the host to start').waitFor({ timeout: 20_000 });
      await shot(page, `room-waiting-for-start-${vp}-${scheme}`);
    });
  });
});

describe('first day: the device check for signed-in people', () => {
  it('a student goes through the same camera and microphone check before the room', async () => {
    const teacher = await server.user('mentor', 'Dora Mentor');
    const student = await server.user('student', 'Sam Student');
    const sid = await scheduled(teacher.token, 'Geometry', 5);
    expect((await server.api('POST', `/api/sessions/${sid}/invitees`, { userIds: [student.id] }, teacher.token)).status).toBeLessThan(300);
    expect((await server.api('POST', `/api/sessions/${sid}/start`, undefined, teacher.token)).status).toBe(200);

    await inEveryLook(browser, async (page, vp, scheme) => {
      await signInAs(page, server.url, student.email, student.password);
      await page.goto(`${server.url}/room/${sid}/check`);
      await page.getByRole('heading', { name: 'Join “Geometry”' }).waitFor();
      await page.getByLabel('Your camera preview').waitFor();
      await page.getByText('Joining as Sam Student').waitFor();
      await shot(page, `device-check-${vp}-${scheme}`);
    });

    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, student.email, student.password);
    // From the dashboard: Join leads to the check, Join now into the room.
    const item = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Geometry' }) }).first();
    await item.getByRole('button', { name: 'Join' }).click();
    await page.waitForURL((u) => u.pathname === `/room/${sid}/check`);
    await page.getByRole('button', { name: 'Join now' }).click();
    await page.waitForURL((u) => u.pathname === `/room/${sid}`);
    await expect.poll(() => phase(page), { timeout: 30_000 }).toBe('joined');
    await context.close();
  });
});

describe('first day: the room on a phone', () => {
  it('the host’s control bar fits 390 px, with Share screen and End session under More', async () => {
    const teacher = await server.user('teacher', 'Pat Teacher');
    const sid = await scheduled(teacher.token, 'Music', 0);
    expect((await server.api('POST', `/api/sessions/${sid}/start`, undefined, teacher.token)).status).toBe(200);
    for (const scheme of ['light', 'dark'] as const) {
      const { context, page } = await openPage(browser, 'phone', scheme);
      await signInAs(page, server.url, teacher.email, teacher.password);
      await page.goto(`${server.url}/room/${sid}`);
      await expect.poll(() => phase(page), { timeout: 30_000 }).toBe('joined');
      const bar = page.getByRole('toolbar', { name: 'Call controls' });
      const overflow = await bar.evaluate((el) => {
        const right = Math.max(...[...el.querySelectorAll('button')].filter((b) => b.offsetParent !== null).map((b) => b.getBoundingClientRect().right));
        return { right, width: window.innerWidth, scroll: el.scrollWidth - el.clientWidth };
      });
      expect(overflow.right).toBeLessThanOrEqual(overflow.width);
      expect(overflow.scroll).toBeLessThanOrEqual(0);
      expect(await bar.getByRole('button', { name: 'End session' }).count()).toBe(0); // hidden on a phone
      await bar.getByRole('button', { name: 'More' }).click();
      const menu = page.getByRole('menu', { name: 'More controls' });
      await menu.getByRole('menuitem', { name: 'End session for everyone' }).waitFor();
      await shot(page, `room-more-menu-phone-${scheme}`);
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'detached' });
      await bar.getByRole('button', { name: 'More' }).click();
      await menu.getByRole('menuitem', { name: 'End session for everyone' }).click();
      await page.getByRole('dialog', { name: 'End the session for everyone?' }).getByRole('button', { name: 'Keep it running' }).click();
      await context.close();
    }
  });
});

/** Tabs through the page: every focus stop must show a focus ring; returns what was reached and what was not. */
async function tabWalk(page: Page): Promise<{ stops: number; unseen: string[]; missed: string[] }> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const unseen: string[] = [];
  let stops = 0;
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press('Tab');
    const step = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return { again: false, name: '', visible: true };
      // Date and time inputs take several Tabs (one per field inside): the same element again is not a cycle.
      const w = window as { kbPrev?: Element };
      if (w.kbPrev === el) return { again: false, name: '', visible: true };
      w.kbPrev = el;
      const again = el.dataset.kbSeen === '1';
      el.dataset.kbSeen = '1';
      const cs = getComputedStyle(el);
      const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow !== 'none' && cs.boxShadow !== '');
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`;
      return { again, name, visible: ring };
    });
    if (step.again) break;
    if (!step.name) continue;
    stops++;
    if (!step.visible) unseen.push(step.name);
  }
  const missed = await page.evaluate(() => {
    const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex="0"]';
    // A radio group is one Tab stop (arrow keys move inside it): one reached radio covers its group.
    const groups = new Set([...document.querySelectorAll<HTMLInputElement>('input[type=radio][data-kb-seen="1"]')].map((r) => r.name));
    return [...document.querySelectorAll<HTMLElement>(sel)]
      .filter((el) => el.offsetParent !== null && el.getAttribute('tabindex') !== '-1' && el.dataset.kbSeen !== '1')
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && groups.has(el.name)))
      .map((el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`);
  });
  return { stops, unseen, missed };
}

describe('first day: keyboard', () => {
  it('every control of the main pages is reached with Tab and shows its focus', async () => {
    const admin = await server.user('admin', 'Ada Admin');
    const teacher = await server.user('mentor', 'Kim Mentor');
    const student = await server.user('student', 'Stu Student');
    const sid = await scheduled(teacher.token, 'Physics', 60);
    await server.api('POST', `/api/sessions/${sid}/invitees`, { userIds: [student.id] }, teacher.token);
    const code = (await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token)).body.code;

    const pages: { who: { email: string; password: string } | null; path: string }[] = [
      { who: null, path: '/login' },
      { who: null, path: `/j/${code}` },
      { who: student, path: '/' },
      { who: teacher, path: '/' },
      { who: teacher, path: '/schedule' },
      { who: teacher, path: `/sessions/${sid}` },
      { who: teacher, path: '/attendance' },
      { who: admin, path: '/admin/users' },
      { who: admin, path: '/admin/overview' },
      { who: student, path: `/room/${sid}/check` },
    ];
    const problems: string[] = [];
    for (const p of pages) {
      const { context, page } = await openPage(browser);
      if (p.who) await signInAs(page, server.url, p.who.email, p.who.password);
      await page.goto(`${server.url}${p.path}`);
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const walk = await tabWalk(page);
      console.log(`[keyboard] ${p.path}: ${walk.stops} focus stops, ${walk.unseen.length} without a visible ring, ${walk.missed.length} unreachable`);
      if (walk.stops < 3) problems.push(`${p.path}: only ${walk.stops} focus stops`);
      for (const u of walk.unseen) problems.push(`${p.path}: no visible focus on ${u}`);
      for (const m of walk.missed) problems.push(`${p.path}: not reachable with Tab: ${m}`);
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
