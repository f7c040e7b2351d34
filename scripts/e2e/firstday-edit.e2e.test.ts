// First day, editing and reports (points 9 and 12): a teacher edits a scheduled session in the
// UI (title, a start in another time zone, duration, an invitee added and one removed) after a
// warning about a start in the past, and moves this and the following sessions of a series;
// dates of another year show it; "Start now" is offered from 15 minutes before. A held session
// links to its attendance and recording; its report counts invited people (adding up) and
// guests apart; the admin overview says what its cards count and charts the weeks.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals, recordings, sessionInvitees, sessions } from '@lectern/db';
import { insertCourse } from '../../server/src/notifications/test/fixtures.js';
import { launchBrowser } from './support.js';
import { axeSerious, buildClient, openPage, shot, signInAs, startFirstday, type AxeViolation, type FirstdayServer } from './firstdaySupport.js';

interface S {
  id: string;
  seriesId: string | null;
  scheduledAt: string;
  timezone: string;
  title: string;
  durationMinutes: number;
}
type Person = Awaited<ReturnType<FirstdayServer['user']>>;

/** 'HH:MM' of an instant in a zone. */
const clockIn = (iso: string, zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
/** 'YYYY-MM-DD' of an instant in a zone. */
const dayIn = (ms: number, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

describe('first day: editing sessions, attendance that adds up, the overview charts', () => {
  let server: FirstdayServer;
  let browser: Browser;
  let admin: Person, teacher: Person, sam: Person, sue: Person, lou: Person;
  let chemistryId = '';
  let doneId = '';
  const nextYear = new Date().getFullYear() + 1;

  beforeAll(async () => {
    const dist = buildClient();
    server = await startFirstday(dist, { env: { LECTERN_RTC_PORT_BASE: '26800', LECTERN_ACCESS_TOKEN_TTL_SECONDS: '3600' } });
    browser = await launchBrowser();
    admin = await server.user('admin', 'Ada Admin');
    teacher = await server.user('teacher', 'Tess Teacher');
    sam = await server.user('student', 'Sam Student');
    sue = await server.user('student', 'Sue Student');
    lou = await server.user('student', 'Lou Student');
    await insertCourse(server.db.db, teacher.id, [sam.id, sue.id, lou.id]);
    const chem = await server.api<S>('POST', '/api/sessions', { title: 'Chemistry', scheduledAt: new Date(Date.now() + 5 * 86_400_000).toISOString(), durationMinutes: 60, timezone: 'Europe/Berlin', invitees: [sam.id, sue.id] }, teacher.token);
    expect(chem.status).toBe(201);
    chemistryId = chem.body.id;

    // A session held two hours ago: Sam on time, Sue late, Lou absent, a guest by code; recorded.
    const db = server.db.db;
    const start = new Date(Date.now() - 2 * 3600_000);
    start.setUTCSeconds(0, 0);
    const at = (min: number) => new Date(start.getTime() + min * 60_000);
    const [done] = await db
      .insert(sessions)
      .values({ title: 'Geometry recap', scheduledAt: start, startedAt: start, endedAt: at(45), status: 'completed', durationMinutes: 45, timezone: 'Europe/Berlin', hostId: teacher.id })
      .returning();
    doneId = done!.id;
    await db.insert(sessionInvitees).values([sam, sue, lou].map((u) => ({ sessionId: doneId, userId: u.id })));
    const interval = (participantId: string, userId: string | null, displayName: string, role: string, from: number, to: number) => ({
      sessionId: doneId,
      participantId,
      userId,
      displayName,
      role,
      connectionId: `${doneId}-${participantId}`,
      joinedAt: at(from),
      leftAt: at(to),
      lastSeenAt: at(to),
    });
    await db.insert(attendanceIntervals).values([
      interval(teacher.id, teacher.id, 'Tess Teacher', 'host', 0, 45),
      interval(sam.id, sam.id, 'Sam Student', 'participant', 1, 45),
      interval(sue.id, sue.id, 'Sue Student', 'participant', 12, 40),
      interval('guest:6a1f0000-0000-4000-8000-000000000001', null, 'Gina Guest', 'guest', 2, 30),
    ]);
    await db.insert(recordings).values({ sessionId: doneId, status: 'ready', startedAt: at(1), stoppedAt: at(44), durationSeconds: 43 * 60, fileName: 'recording.mp4', sizeBytes: 1_000_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function teacherPage(path: string): Promise<{ page: Page; close: () => Promise<void> }> {
    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, teacher.email, teacher.password);
    await page.goto(`${server.url}${path}`);
    return { page, close: () => context.close() };
  }

  it('edit: title, a start in the past (warned) then next year in New York, duration, one invitee added and one removed', async () => {
    const { page, close } = await teacherPage(`/sessions/${chemistryId}`);
    await page.getByRole('heading', { level: 1, name: 'Chemistry' }).waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit session' });
    await form.waitFor();
    await form.getByLabel('Title').fill('Chemistry lab');
    await form.getByLabel('Description').fill('Bring goggles.');
    // Yesterday 10:00 in Berlin lies in the past: said, not blocked.
    await form.getByLabel('Date and start time').fill(`${dayIn(Date.now() - 86_400_000, 'Europe/Berlin')}T10:00`);
    await form.getByText('This start time is in the past').waitFor();
    await shot(page, 'session-edit-past-warning-desktop-light');
    await form.getByLabel('Date and start time').fill(`${nextYear}-06-15T14:30`);
    await form.getByLabel('Time zone').selectOption('America/New_York');
    expect(await form.getByText('This start time is in the past').count()).toBe(0);
    await form.getByLabel('Duration (minutes)').fill('90');
    await form.getByRole('button', { name: 'Uninvite Sue Student' }).click();
    await form.getByText('will be uninvited').waitFor();
    await form.getByRole('checkbox', { name: /Lou Student/ }).check();
    await form.getByText('Invitees: 1 to invite, 1 to uninvite.').waitFor();
    await form.getByLabel(/^Reason/).fill('Lab moved to the summer school');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved.').waitFor();

    await page.getByRole('heading', { level: 1, name: 'Chemistry lab' }).waitFor();
    // Another year: the date says which one.
    expect(await page.locator('.page-head .when time').textContent()).toContain(String(nextYear));
    const invited = page.getByRole('region', { name: /Invitees/ });
    await invited.getByText('Lou Student').waitFor();
    expect(await invited.getByText('Sue Student').count()).toBe(0);
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('Rescheduled by Tess Teacher').waitFor();
    await history.getByText('Title: “Chemistry” → “Chemistry lab”').waitFor();
    await history.getByText('Duration: 60 → 90 min').waitFor();
    await history.getByText('Time zone: Europe/Berlin → America/New York').waitFor();
    await history.getByText('Invited Lou Student').waitFor();
    await history.getByText('Uninvited Sue Student').waitFor();
    await history.getByText('Reason: Lab moved to the summer school').waitFor();
    await shot(page, 'session-edited-history-desktop-light');

    const after = await server.api<S & { description: string }>('GET', `/api/sessions/${chemistryId}`, undefined, teacher.token);
    expect(after.body).toMatchObject({ title: 'Chemistry lab', description: 'Bring goggles.', scheduledAt: `${nextYear}-06-15T18:30:00.000Z`, timezone: 'America/New_York', durationMinutes: 90 });
    const inv = await server.api<{ id: string }[]>('GET', `/api/sessions/${chemistryId}/invitees`, undefined, teacher.token);
    expect(inv.body.map((i) => i.id).sort()).toEqual([sam.id, lou.id].sort());
    await close();
  });

  it('edit: this and the following sessions of a series move to the new time; the earlier one stays', async () => {
    const first = new Date(Date.now() + 3 * 86_400_000);
    const s = await server.api<S>('POST', '/api/sessions', { title: 'Algebra', scheduledAt: `${dayIn(first.getTime(), 'Europe/Berlin')}T10:00:00+00:00`, timezone: 'Europe/Berlin', recurrence: 'RRULE:FREQ=WEEKLY;COUNT=4', invitees: [sam.id] }, teacher.token);
    expect(s.status).toBe(201);
    const list = async () => (await server.api<S[]>('GET', `/api/sessions?seriesId=${s.body.seriesId}`, undefined, teacher.token)).body;
    const all = await list();
    const second = all[1]!;
    const { page, close } = await teacherPage(`/sessions/${second.id}`);
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = page.getByRole('form', { name: 'Edit session' });
    await form.getByRole('radio', { name: 'This and the following sessions' }).check();
    await form.getByText('moves each of them by as many days as this one').waitFor();
    await form.getByLabel('Date and start time').fill(`${dayIn(Date.parse(second.scheduledAt), 'Europe/Berlin')}T11:30`);
    await shot(page, 'session-edit-series-desktop-light');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved: 3 sessions changed.').waitFor();
    const moved = await list();
    expect(moved.map((x) => clockIn(x.scheduledAt, 'Europe/Berlin'))).toEqual([clockIn(all[0]!.scheduledAt, 'Europe/Berlin'), '11:30', '11:30', '11:30']);
    expect(moved.map((x) => dayIn(Date.parse(x.scheduledAt), 'Europe/Berlin'))).toEqual(all.map((x) => dayIn(Date.parse(x.scheduledAt), 'Europe/Berlin')));
    await close();
  });

  it('start: "Start now" is offered from 15 minutes before the start, not earlier', async () => {
    const soon = await server.api<S>('POST', '/api/sessions', { title: 'Soon', scheduledAt: new Date(Date.now() + 10 * 60_000).toISOString(), timezone: 'UTC' }, teacher.token);
    const later = await server.api<S>('POST', '/api/sessions', { title: 'Later today', scheduledAt: new Date(Date.now() + 40 * 60_000).toISOString(), timezone: 'UTC' }, teacher.token);
    const { page, close } = await teacherPage(`/sessions/${later.body.id}`);
    await page.getByText('You can start it from 15 min before').waitFor();
    expect(await page.getByRole('button', { name: 'Start now' }).isDisabled()).toBe(true);
    await page.goto(`${server.url}/sessions/${soon.body.id}`);
    await page.getByRole('heading', { level: 1, name: 'Soon' }).waitFor();
    expect(await page.getByRole('button', { name: 'Start now' }).isEnabled()).toBe(true);
    expect(await page.getByText('You can start it from 15 min before').count()).toBe(0);
    // The schedule's list says the same.
    await page.goto(`${server.url}/schedule`);
    const row = page.locator(`[data-session-id="${later.body.id}"]`);
    await row.getByText('You can start it from 15 min before').waitFor();
    expect(await row.getByRole('button', { name: 'Start now' }).isDisabled()).toBe(true);
    await close();
  });

  it('attendance: a held session links to its attendance and recording; invited people add up, guests apart', async () => {
    const { page, close } = await teacherPage('/schedule');
    const past = page.getByRole('region', { name: 'Past' });
    const row = past.locator(`[data-session-id="${doneId}"]`);
    await row.getByRole('link', { name: 'Recording' }).waitFor();
    await row.getByRole('link', { name: 'Attendance' }).click();
    await page.waitForURL(`**/sessions/${doneId}/attendance`);
    await page.getByRole('heading', { name: 'Invited: 3' }).waitFor();
    const stat = async (group: string, label: string) =>
      Number(await page.locator(`dl[aria-label="${group}"] .stat`).filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd').first().textContent());
    const invited = 'Invited people by attendance';
    const [present, late, absent, excused] = [await stat(invited, 'Present'), await stat(invited, 'Late'), await stat(invited, 'Absent'), await stat(invited, 'Excused')];
    expect([present, late, absent, excused]).toEqual([1, 1, 1, 0]);
    expect(present + late + absent + excused).toBe(3);
    await page.getByText('1 present + 1 late + 1 absent + 0 excused = 3 invited.').waitFor();
    expect(await stat('Overall', 'Guests')).toBe(1);
    expect(await stat('Overall', 'Came in total')).toBe(3);
    await page.getByText('joined without an invitation (with a code, say); not in the rate').waitFor();
    await page.locator('tr.att-group', { hasText: 'Guests (1)' }).waitFor();
    await page.locator('tr.att-group', { hasText: 'Invited (3)' }).waitFor();
    await page.locator('tr.att-group', { hasText: 'Hosts (1)' }).waitFor();
    await shot(page, 'attendance-invited-guests-desktop-light');

    // The session page links there too, and to the recording on it.
    await page.goto(`${server.url}/sessions/${doneId}`);
    const details = page.getByRole('region', { name: 'Details' });
    await details.getByRole('link', { name: 'Attendance' }).waitFor();
    await details.getByRole('link', { name: 'Recording' }).click();
    await page.waitForURL((u) => u.hash === '#recordings');
    await page.getByRole('region', { name: 'Recordings' }).waitFor();
    // Its year shows only when it is not this year.
    const when = await page.locator('.page-head .when time').textContent();
    const year = new Date(Date.now() - 2 * 3600_000).getFullYear();
    expect(when?.includes(String(year))).toBe(year !== new Date().getFullYear());
    await close();
  });

  it('overview: every card says what it counts; charts of sessions held and attendance per week, with a table', async () => {
    const { context, page } = await openPage(browser);
    await signInAs(page, server.url, admin.email, admin.password);
    await page.goto(`${server.url}/admin/overview`);
    await page.getByRole('heading', { name: 'Week by week' }).waitFor();
    await page.getByText('different people who joined a session, hosts not counted').waitFor();
    const cards = await page.locator('dl[aria-label="Dashboard metrics"] .stat').count();
    expect(await page.locator('dl[aria-label="Dashboard metrics"] .stat dd.stat-hint').count()).toBe(cards);
    const held = page.getByRole('img', { name: /^Sessions held per week: 1 sessions in 12 weeks/ });
    await held.waitFor();
    await page.getByRole('img', { name: /^Attendance per week: 12 weeks, average 67%/ }).waitFor();
    await page.getByText('The numbers as a table').click();
    const table = page.getByRole('table');
    await table.getByRole('columnheader', { name: 'Attendance' }).waitFor();
    expect(await table.getByRole('cell', { name: '67%' }).count()).toBe(1);
    await shot(page, 'admin-overview-charts-desktop-light');
    await context.close();
  });

  it('looks: the changed pages in four looks, without serious or critical axe violations', async () => {
    const found: Record<string, AxeViolation[]> = {};
    for (const [vp, scheme] of [['desktop', 'light'], ['desktop', 'dark'], ['phone', 'light'], ['phone', 'dark']] as const) {
      const t = await openPage(browser, vp, scheme);
      await signInAs(t.page, server.url, teacher.email, teacher.password);
      await t.page.goto(`${server.url}/sessions/${chemistryId}`);
      await t.page.getByRole('region', { name: 'History' }).waitFor();
      await shot(t.page, `session-history-${vp}-${scheme}`);
      await t.page.getByRole('button', { name: 'Edit', exact: true }).click();
      await t.page.getByRole('form', { name: 'Edit session' }).getByLabel('Date and start time').fill(`${dayIn(Date.now() - 86_400_000, 'America/New_York')}T09:00`);
      await t.page.getByText('This start time is in the past').waitFor();
      await shot(t.page, `session-edit-${vp}-${scheme}`);
      let v = await axeSerious(t.page);
      if (v.length) found[`session edit (${vp} ${scheme})`] = v;
      await t.page.goto(`${server.url}/sessions/${doneId}/attendance`);
      await t.page.getByRole('heading', { name: 'Invited: 3' }).waitFor();
      await shot(t.page, `attendance-session-report-${vp}-${scheme}`);
      await t.page.getByRole('heading', { name: 'Participants' }).scrollIntoViewIfNeeded();
      await shot(t.page, `attendance-session-participants-${vp}-${scheme}`);
      v = await axeSerious(t.page);
      if (v.length) found[`attendance report (${vp} ${scheme})`] = v;
      await t.context.close();

      const a = await openPage(browser, vp, scheme);
      await signInAs(a.page, server.url, admin.email, admin.password);
      await a.page.goto(`${server.url}/admin/overview`);
      await a.page.getByRole('heading', { name: 'Week by week' }).waitFor();
      await a.page.getByRole('heading', { name: 'Week by week' }).scrollIntoViewIfNeeded();
      await shot(a.page, `admin-overview-charts-${vp}-${scheme}`);
      v = await axeSerious(a.page);
      if (v.length) found[`overview (${vp} ${scheme})`] = v;
      await a.context.close();
    }
    if (Object.keys(found).length) console.error(JSON.stringify(found, null, 2));
    expect(found).toEqual({});
  }, 600_000);
});
