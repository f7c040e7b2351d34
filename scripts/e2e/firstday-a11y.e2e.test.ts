// First day, look and reach: axe-core (WCAG 2.1 A/AA + best practice) finds no serious or
// critical violation on sign-in, join, room, dashboard, hub, calendar, attendance, admin and
// account pages (point 16); every page is photographed at 1280x800 and 390x844, light and
// dark (points 13, 14). The web app manifest and service worker are served (point 15).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCourse } from '../../server/src/notifications/test/fixtures.js';
import { closeBrowserSuite } from './support.js';
import { axeSerious, inEveryLook, LOOKS, openFirstdaySuite, openPage, shot, signInAs, type AxeViolation, type FirstdayServer } from './firstdaySupport.js';

type Who = 'anon' | 'admin' | 'teacher' | 'student';
interface PageCase {
  name: string;
  who: Who;
  path: () => string;
  ready: (p: Page) => Promise<unknown>;
}

describe('first day: accessibility and every page in four looks', () => {
  let server: FirstdayServer;
  let browser: Browser;
  const people = {} as Record<Exclude<Who, 'anon'>, { email: string; password: string; id: string; token: string }>;
  let courseId = '';
  let liveId = '';
  let doneId = '';
  let laterId = '';
  let code = '';

  beforeAll(async () => {
    ({ server, browser } = await openFirstdaySuite({ env: { LECTERN_RTC_PORT_BASE: '26600' } }));
    people.admin = await server.user('admin', 'Ada Admin');
    people.teacher = await server.user('teacher', 'Tess Teacher');
    people.student = await server.user('student', 'Sam Student');
    courseId = await insertCourse(server.db.db, people.teacher.id, [people.student.id]);
    const mk = async (title: string, at: Date, extra: Record<string, unknown> = {}) =>
      (await server.api<{ id: string }>('POST', '/api/sessions', { title, scheduledAt: at.toISOString(), durationMinutes: 45, timezone: 'Europe/Berlin', courseId, ...extra }, people.teacher.token)).body.id;
    doneId = await mk('Geometry recap', new Date(Date.now() - 2 * 3600_000));
    await server.api('POST', `/api/sessions/${doneId}/start`, undefined, people.teacher.token);
    await server.api('POST', `/api/sessions/${doneId}/end`, undefined, people.teacher.token);
    laterId = await mk('Algebra', new Date(Date.now() + 2 * 86_400_000), { recurrence: 'RRULE:FREQ=WEEKLY;COUNT=4' });
    liveId = await mk('Physics live', new Date(), { guestAccess: 'open' });
    await server.api('POST', `/api/sessions/${liveId}/start`, undefined, people.teacher.token);
    code = (await server.api<{ code: string }>('POST', `/api/sessions/${liveId}/codes`, undefined, people.teacher.token)).body.code;
  });
  afterAll(() => closeBrowserSuite(browser, server));

  const h1 = (name: string | RegExp) => (p: Page) => p.getByRole('heading', { level: 1, name }).first().waitFor();
  const PAGES: PageCase[] = [
    { name: 'signin', who: 'anon', path: () => '/login', ready: h1('Sign in') },
    { name: 'join', who: 'anon', path: () => `/j/${code}`, ready: (p) => p.getByLabel('Your name').waitFor() },
    { name: 'dashboard', who: 'student', path: () => '/', ready: h1('Dashboard') },
    { name: 'my-sessions', who: 'student', path: () => '/my-sessions', ready: h1(/sessions/i) },
    { name: 'session', who: 'student', path: () => `/sessions/${laterId}`, ready: h1('Algebra') },
    { name: 'hub', who: 'teacher', path: () => '/', ready: (p) => p.getByText('Physics live').first().waitFor() },
    { name: 'calendar', who: 'teacher', path: () => '/schedule', ready: (p) => p.locator('.calendar').waitFor() },
    { name: 'schedule-new', who: 'teacher', path: () => '/schedule/new', ready: h1(/Schedule/) },
    { name: 'attendance', who: 'teacher', path: () => '/attendance', ready: h1(/Attendance/) },
    { name: 'attendance-session', who: 'teacher', path: () => `/sessions/${doneId}/attendance`, ready: (p) => p.getByText('Geometry recap').first().waitFor() },
    { name: 'account', who: 'teacher', path: () => '/account', ready: h1('Your account') },
    { name: 'notification-settings', who: 'teacher', path: () => '/settings/notifications', ready: (p) => p.getByRole('checkbox').first().waitFor() },
    { name: 'admin-overview', who: 'admin', path: () => '/admin/overview', ready: h1(/Overview/) },
    { name: 'admin-sessions', who: 'admin', path: () => '/admin/sessions', ready: h1(/sessions/i) },
    { name: 'admin-users', who: 'admin', path: () => '/admin/users', ready: (p) => p.getByText('Page 1').waitFor() },
    { name: 'admin-courses', who: 'admin', path: () => '/admin/courses', ready: (p) => p.getByRole('link', { name: 'Physics' }).first().waitFor() },
    { name: 'admin-course-students', who: 'admin', path: () => `/admin/courses/${courseId}`, ready: (p) => p.getByRole('button', { name: 'Remove Sam Student' }).waitFor() },
    { name: 'admin-outbox', who: 'admin', path: () => '/admin/outbox', ready: h1('Notification outbox') },
    { name: 'forgot', who: 'anon', path: () => '/forgot', ready: h1('Reset your password') },
    { name: 'not-found', who: 'anon', path: () => '/no/such/page', ready: (p) => p.locator('main').waitFor() },
  ];

  it.each(LOOKS)('axe: no serious or critical violation on any page; screenshots of every page (%s, %s)', async (vp, scheme) => {
    const found: Record<string, AxeViolation[]> = {};
    const contexts = new Map<Who, Awaited<ReturnType<typeof openPage>>>();
    for (const pc of PAGES) {
      let ctx = contexts.get(pc.who);
      if (!ctx) {
        ctx = await openPage(browser, vp, scheme);
        if (pc.who !== 'anon') await signInAs(ctx.page, server.url, people[pc.who].email, people[pc.who].password);
        contexts.set(pc.who, ctx);
      }
      const { page } = ctx;
      await page.goto(`${server.url}${pc.path()}`);
      await pc.ready(page);
      await page.waitForTimeout(300);
      await shot(page, `${pc.name}-${vp}-${scheme}`);
      const v = await axeSerious(page);
      if (v.length) found[`${pc.name} (${vp} ${scheme})`] = v;
    }
    for (const c of contexts.values()) await c.context.close();
    if (Object.keys(found).length) console.error(JSON.stringify(found, null, 2));
    expect(found).toEqual({});
  }, 600_000);

  it('axe: the room (host and guest) has no serious or critical violation; screenshots in four looks', async () => {
    const found: Record<string, AxeViolation[]> = {};
    await inEveryLook(browser, async (page, vp, scheme) => {
      await signInAs(page, server.url, people.teacher.email, people.teacher.password);
      await page.goto(`${server.url}/room/${liveId}`);
      // The host's end control: in the bar, or under More on a phone.
      await page.getByRole('button', { name: vp === 'phone' ? 'More' : 'End session' }).waitFor({ timeout: 20_000 });
      await page.waitForTimeout(1000);
      await shot(page, `room-host-${vp}-${scheme}`);
      const v = await axeSerious(page);
      if (v.length) found[`room host (${vp} ${scheme})`] = v;
    });
    const g = await openPage(browser);
    await g.page.goto(`${server.url}/j/${code}`);
    await g.page.getByLabel('Your name').fill('Gia Guest');
    await g.page.getByRole('button', { name: 'Join', exact: true }).click();
    await g.page.getByRole('button', { name: 'Leave' }).waitFor({ timeout: 20_000 });
    const v = await axeSerious(g.page);
    if (v.length) found['room guest'] = v;
    await g.context.close();
    if (Object.keys(found).length) console.error(JSON.stringify(found, null, 2));
    expect(found).toEqual({});
  }, 600_000);

  it('installable: the manifest, its icons and the service worker are served and linked', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${server.url}/login`);
    const href = await page.locator('link[rel=manifest]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const manifest = (await (await fetch(`${server.url}${href}`)).json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string }[] };
    expect(manifest).toMatchObject({ name: 'Lectern', start_url: '/', display: 'standalone' });
    for (const icon of manifest.icons) expect((await fetch(`${server.url}${icon.src}`)).status).toBe(200);
    expect(manifest.icons.some((i) => i.sizes === '192x192')).toBe(true);
    expect(manifest.icons.some((i) => i.sizes === '512x512')).toBe(true);
    await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL ?? null), { timeout: 10_000 }).toMatch(/\/sw\.js$/);
    await context.close();
  });
});
