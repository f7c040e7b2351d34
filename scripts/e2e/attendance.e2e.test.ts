// Attendance in a real browser: two people join a live session through /j/CODE, one leaves
// and comes back, the session ends, and the report must match what happened (order of
// joins and leaves, connections, gaps, statuses, head count). Then seeded history for a
// course, and screenshots of the session report and the course chart for a human to check.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals, attendanceOverrides, courses, enrolments, sessions } from '@lectern/db';
import { closeBrowserSuite, openBrowserSuite, newPage, type TestServer, type TestUser, joinByCode as joinWithCode, signIn as signInAs, shotsDir, waitForPeerId } from './support.js';

const SHOTS = shotsDir('/tmp/lectern-shots');

interface Entry {
  participantId: string;
  name: string;
  status: string;
  firstJoinAt: string | null;
  lastLeaveAt: string | null;
  inRoomNow: boolean;
  intervals: number;
  secondsPresent: number;
  spans: { start: string; end: string }[];
}
interface Report {
  timezone: string;
  participants: Entry[];
  totals: { peakHeadCount: number; present: number };
  timeline: { at: string; count: number }[];
}

describe('attendance in chromium', () => {
  let server: TestServer, browser: Browser, teacher: TestUser;
  beforeAll(async () => void ({ server, browser, teacher } = await openBrowserSuite({ LECTERN_RTC_PORT_BASE: '25200' }, 'Tess Teacher')));
  afterAll(() => closeBrowserSuite(browser, server));

  const signIn = (page: Page, email: string, password: string) => signInAs(page, server.url, email, password);

  async function joinByCode(page: Page, code: string, name: string): Promise<void> {
    await joinWithCode(page, server.url, code, name);
    await waitForPeerId(page);
  }

  const report = async (sid: string) => (await server.api<Report>('GET', `/api/sessions/${sid}/attendance`, undefined, teacher.token)).body;
  const entryOf = (r: Report, name: string) => r.participants.find((p) => p.name === name);
  /** Waits until the server has recorded what the browser did. */
  async function until(sid: string, what: string, pred: (r: Report) => boolean): Promise<Report> {
    let r = await report(sid);
    for (let i = 0; i < 100 && !pred(r); i++) {
      await new Promise((res) => setTimeout(res, 200));
      r = await report(sid);
    }
    if (!pred(r)) throw new Error(`${what}: not seen in the report: ${JSON.stringify(r.participants)}`);
    return r;
  }
  const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : NaN);

  it('a short real session: one leaves and returns; the report matches', async () => {
    const s = await server.api<{ id: string }>('POST', '/api/sessions', { title: 'Optics lab', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'Europe/Lisbon', guestAccess: 'open' }, teacher.token);
    expect(s.status).toBe(201);
    const sid = s.body.id;
    expect((await server.api('POST', `/api/sessions/${sid}/start`, undefined, teacher.token)).status).toBe(200);
    const code = (await server.api<{ code: string }>('POST', `/api/sessions/${sid}/codes`, undefined, teacher.token)).body.code;
    const ana = await server.user('student', 'Ana Sousa');

    const t0 = Date.now();
    const bruno = await newPage(browser); // a guest
    await joinByCode(bruno.page, code, 'Bruno Guest');
    await until(sid, 'Bruno joined', (r) => entryOf(r, 'Bruno Guest')?.inRoomNow === true);

    const a = await newPage(browser); // a signed-in student: the same participant when she returns
    await signIn(a.page, ana.email, ana.password);
    await joinByCode(a.page, code, 'Ana');
    await until(sid, 'Ana joined', (r) => entryOf(r, 'Ana Sousa')?.inRoomNow === true);
    await a.page.waitForTimeout(1500);

    const beforeLeave = Date.now();
    await a.page.getByRole('button', { name: 'Leave' }).click();
    const left = await until(sid, 'Ana left', (r) => entryOf(r, 'Ana Sousa')?.inRoomNow === false);
    const afterLeave = Date.now();
    expect(entryOf(left, 'Ana Sousa')?.lastLeaveAt).not.toBeNull();
    await a.page.waitForTimeout(1500);

    const beforeReturn = Date.now();
    await joinByCode(a.page, code, 'Ana');
    await until(sid, 'Ana returned', (r) => entryOf(r, 'Ana Sousa')?.inRoomNow === true && entryOf(r, 'Ana Sousa')?.intervals === 2);
    await a.page.waitForTimeout(1500);

    await bruno.page.getByRole('button', { name: 'Leave' }).click();
    await until(sid, 'Bruno left', (r) => entryOf(r, 'Bruno Guest')?.inRoomNow === false);
    await a.page.waitForTimeout(1000);
    expect((await server.api('POST', `/api/sessions/${sid}/end`, undefined, teacher.token)).status).toBe(200);
    const tEnd = Date.now();

    const r = await report(sid);
    const A = entryOf(r, 'Ana Sousa')!;
    const B = entryOf(r, 'Bruno Guest')!;
    expect(A).toMatchObject({ status: 'present', intervals: 2, inRoomNow: false });
    expect(B).toMatchObject({ status: 'present', intervals: 1, inRoomNow: false });
    expect(B.participantId).toMatch(/^guest:/);
    expect(A.participantId).toBe(ana.id);
    expect(A.spans).toHaveLength(2);
    const [a1, a2] = A.spans as [Entry['spans'][0], Entry['spans'][0]];
    // What happened, in order: Bruno in, Ana in, Ana out, Ana back, Bruno out, session ends.
    const order = [t0, ms(B.firstJoinAt), ms(A.firstJoinAt), ms(a1.end), ms(a2.start), ms(B.lastLeaveAt), ms(A.lastLeaveAt)];
    for (let i = 1; i < order.length; i++) expect(order[i]).toBeGreaterThanOrEqual(order[i - 1]!);
    expect(ms(a1.end)).toBeGreaterThanOrEqual(beforeLeave - 1000);
    expect(ms(a1.end)).toBeLessThanOrEqual(afterLeave);
    expect(ms(a2.start)).toBeGreaterThanOrEqual(beforeReturn - 1000);
    expect(ms(A.lastLeaveAt)).toBeLessThanOrEqual(tEnd);
    // Minutes are the union of the two visits: the time away does not count.
    const visits = ms(a1.end) - ms(a1.start) + (ms(a2.end) - ms(a2.start));
    expect(Math.abs(A.secondsPresent - visits / 1000)).toBeLessThanOrEqual(1);
    expect(A.secondsPresent).toBeLessThan((ms(A.lastLeaveAt) - ms(A.firstJoinAt)) / 1000);
    expect(r.totals.peakHeadCount).toBe(2);
    expect(r.timeline.map((p) => p.count)).toEqual([1, 2, 1, 2, 1, 0]);

    const csv = await fetch(`${server.url}/api/sessions/${sid}/attendance?format=csv`, { headers: { authorization: `Bearer ${teacher.token}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer());
    expect(text.startsWith('\uFEFFName,')).toBe(true);
    expect(text).toContain('First join (Europe/Lisbon)');
    expect(text).toMatch(/\r\nAna Sousa,[^,]+,guest,present,,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,[\d.]+,2,\r\n/);

    // The teacher's page shows the same.
    const t = await newPage(browser);
    await signIn(t.page, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/sessions/${sid}/attendance`);
    const row = t.page.locator(`tr[data-participant="${ana.id}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(0).innerText()).toBe('Present');
    expect(await row.locator('td').nth(4).innerText()).toBe('2');
    await t.page.screenshot({ path: join(SHOTS, 'attendance-live-session-report.png'), fullPage: true });
    for (const p of [a, bruno, t]) await p.context.close();
  });

  it('seeded history: course chart, heatmap and a session report with corrections', async () => {
    const db = server.db.db;
    const names = ['Amara Okafor', 'Björn Ångström', 'Chloé Dubois', 'Dmitri Volkov', 'Eun-ji Park', 'Farid Haddad'];
    // P present, L late, A absent, E excused, S left and came back.
    const patterns = ['PPPPPPPPPP', 'PPLPPLPPPE', 'PPPPSAPLAA', 'PAPPPPLPPP', 'PPPPEPPSPP', 'PPPPPPAAAA'];
    const students = [];
    for (const n of names) students.push(await server.user('student', n));
    const [course] = await db.insert(courses).values({ title: 'Organic Chemistry', ownerId: teacher.id }).returning();
    await db.insert(enrolments).values(students.map((u) => ({ courseId: course!.id, userId: u.id, createdAt: new Date('2025-01-01T00:00:00Z') })));
    const week = 7 * 86_400_000;
    const first = Date.parse('2026-09-07T08:00:00Z'); // Mondays 10:00 in Berlin
    let lastSession = '';
    for (let k = 0; k < 10; k++) {
      const start = first + k * week;
      const [s] = await db
        .insert(sessions)
        .values({ title: `Lecture ${k + 1}`, scheduledAt: new Date(start), durationMinutes: 60, timezone: 'Europe/Berlin', hostId: teacher.id, courseId: course!.id, status: 'completed', startedAt: new Date(start), endedAt: new Date(start + 3_600_000) })
        .returning();
      lastSession = s!.id;
      const m = (n: number) => new Date(start + n * 60_000);
      const rows: (typeof attendanceIntervals.$inferInsert)[] = [{ sessionId: s!.id, participantId: teacher.id, userId: teacher.id, displayName: 'Tess Teacher', role: 'host', connectionId: `seed-${k}-host`, joinedAt: m(-3), leftAt: m(60), lastSeenAt: m(60) }];
      students.forEach((u, i) => {
        const c = patterns[i]![k];
        const iv = (n: number, from: number, to: number) =>
          rows.push({ sessionId: s!.id, participantId: u.id, userId: u.id, displayName: names[i]!, role: 'participant', connectionId: `seed-${k}-${i}-${n}`, joinedAt: m(from), leftAt: m(to), lastSeenAt: m(to) });
        if (c === 'P') iv(0, i % 3, 58 + (i % 3));
        if (c === 'L') iv(0, 14 + i, 59);
        if (c === 'S') {
          iv(0, 1, 22);
          iv(1, 31, 57);
        }
      });
      await db.insert(attendanceIntervals).values(rows);
      const overrides = students
        .map((u, i) => ({ u, c: patterns[i]![k] }))
        .filter((x) => x.c === 'E')
        .map((x) => ({ sessionId: s!.id, participantId: x.u.id, status: 'excused' as const, note: 'Medical appointment (note on file)', updatedBy: teacher.id }));
      if (overrides.length > 0) await db.insert(attendanceOverrides).values(overrides);
    }
    const cr = await server.api<{ totals: { sessions: number; students: number } }>('GET', `/api/reports/courses/${course!.id}`, undefined, teacher.token);
    expect(cr.body.totals).toMatchObject({ sessions: 10, students: 6 });

    const t = await newPage(browser);
    await signIn(t.page, teacher.email, teacher.password);
    await t.page.goto(`${server.url}/courses/${course!.id}/attendance`);
    await t.page.getByRole('heading', { name: 'Attendance rate over time' }).waitFor();
    await t.page.screenshot({ path: join(SHOTS, 'attendance-course-chart.png'), fullPage: true });
    await t.page.goto(`${server.url}/sessions/${lastSession}/attendance`);
    await t.page.getByRole('heading', { name: 'Head count over the session' }).waitFor();
    await t.page.screenshot({ path: join(SHOTS, 'attendance-session-report.png'), fullPage: true });
    // The excuse dialog opens from the table.
    await t.page.getByRole('button', { name: 'Correct attendance of Chloé Dubois' }).click();
    await t.page.getByRole('dialog').waitFor();
    await t.page.getByLabel(/Note/).fill('Family emergency, told us on Monday');
    await t.page.screenshot({ path: join(SHOTS, 'attendance-excuse-dialog.png') });
    await t.page.getByRole('button', { name: 'Save' }).click();
    await t.page.getByRole('dialog').waitFor({ state: 'hidden' });
    await t.page.locator('td', { hasText: 'Family emergency, told us on Monday' }).waitFor();
    await t.page.goto(`${server.url}/students/${students[5]!.id}/attendance`);
    await t.page.getByRole('heading', { name: 'Session by session' }).waitFor();
    await t.page.screenshot({ path: join(SHOTS, 'attendance-student.png'), fullPage: true });
    const admin = await server.user('admin', 'Ada Admin');
    const ad = await newPage(browser);
    await signIn(ad.page, admin.email, admin.password);
    await ad.page.goto(`${server.url}/admin/overview`);
    await ad.page.getByRole('list', { name: 'Dashboard metrics' }).or(ad.page.locator('dl.stats')).first().waitFor();
    await ad.page.screenshot({ path: join(SHOTS, 'attendance-admin-overview.png'), fullPage: true });
    await t.context.close();
    await ad.context.close();
  });
});
