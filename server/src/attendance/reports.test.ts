// Reports across sessions on an injected clock: a student, a course, a host, the admin
// overview, with date-range filters and role checks.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { courses, enrolments, sessions, type UserRole } from '@lectern/db';
import { recordJoin, recordLeave } from '../gateway/attendance.js';
import { endSession, startSession } from '../sessions/sessionService.js';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';

const day = (d: string, hhmm: string) => new Date(`2026-02-${d}T${hhmm}:00Z`);
type User = Awaited<ReturnType<TestApp['userWithToken']>> & { role: UserRole };

describe.each(dbKinds())('attendance reports on %s', (kind) => {
  let t: TestApp;
  let admin: User, teacher: User, mentor: User, other: User, alice: User, bob: User, erin: User;
  let courseId: string;
  const ids: string[] = [];

  const user = async (role: UserRole, name: string): Promise<User> => ({ ...(await t.userWithToken(role, name)), role });
  const get = async (u: User, url: string) => {
    const token = await t.runtime.ctx.tokens.signAccess({ userId: u.id, role: u.role });
    const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, body: res.json<Record<string, unknown> & { [k: string]: never }>() };
  };

  /** Holds a one-hour session on day `d` at 09:00 UTC; `present` maps participant -> [join, leave] minutes. */
  async function hold(d: string, opts: { host: User; present: [User | string, number, number][]; priceCents?: number; currency?: string; type?: 'class' | 'one_on_one' }) {
    const ctx = t.runtime.ctx;
    t.clock.set(day(d, '08:00'));
    const [s] = await ctx.db
      .insert(sessions)
      .values({ title: `Lesson ${d}`, scheduledAt: day(d, '09:00'), durationMinutes: 60, timezone: 'UTC', hostId: opts.host.id, courseId, priceCents: opts.priceCents ?? 0, currency: opts.currency ?? 'EUR', type: opts.type ?? 'class' })
      .returning();
    const id = s!.id;
    ids.push(id);
    t.clock.set(day(d, '09:00'));
    await startSession(ctx, id);
    const events: { at: number; run: () => Promise<void> }[] = [];
    opts.present.forEach(([who, from, to], n) => {
      const pid = typeof who === 'string' ? who : who.id;
      const conn = `${id}-${n}`;
      events.push({ at: from, run: () => recordJoin(ctx, { connectionId: conn, sessionId: id, participantId: pid, userId: typeof who === 'string' ? null : who.id, displayName: typeof who === 'string' ? 'Guest' : 'typed name', role: 'participant' }) });
      events.push({ at: to, run: () => recordLeave(ctx, conn) });
    });
    for (const e of events.sort((a, b) => a.at - b.at)) {
      t.clock.set(new Date(day(d, '09:00').getTime() + e.at * 60_000));
      await e.run();
    }
    t.clock.set(day(d, '10:00'));
    await endSession(ctx, id);
    return id;
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    admin = await user('admin', 'Ada Admin');
    teacher = await user('teacher', 'Tess');
    mentor = await user('mentor', 'Milo Mentor');
    other = await user('teacher', 'Otto');
    alice = await user('student', 'Alice');
    bob = await user('student', 'Bob');
    erin = await user('student', 'Erin');
    const db = t.runtime.ctx.db;
    const [c] = await db.insert(courses).values({ title: 'Chemistry', ownerId: teacher.id }).returning();
    courseId = c!.id;
    await db.insert(enrolments).values([
      { courseId, userId: alice.id, createdAt: day('01', '00:00') },
      { courseId, userId: bob.id, createdAt: day('01', '00:00') },
      { courseId, userId: erin.id, createdAt: day('09', '00:00') }, // joins the course in week 2
    ]);
    // Week 1: Alice on time, Bob late, a paying guest. Week 2 (mentor hosts): Alice absent, Bob and Erin on time.
    await hold('02', { host: teacher, present: [[alice, 0, 50], [bob, 20, 60], ['guest:g1', 0, 30]], priceCents: 1500 });
    await hold('09', { host: mentor, present: [[bob, 1, 31], [erin, 2, 62]], type: 'one_on_one' });
    t.clock.set(day('20', '12:00'));
  });
  afterAll(async () => t?.close());

  it('a student: attendance rate, minutes and late count, with date filters', async () => {
    const { status, body } = await get(alice, '/api/me/attendance');
    expect(status).toBe(200);
    expect(body.totals).toEqual({ sessions: 2, attended: 1, present: 1, late: 0, absent: 1, excused: 0, minutes: 50, rate: 0.5 });
    const bobs = (await get(teacher, `/api/reports/students/${bob.id}`)).body;
    expect(bobs.totals).toMatchObject({ sessions: 2, attended: 2, late: 1, minutes: 70, rate: 1 });
    const erins = (await get(admin, `/api/reports/students/${erin.id}`)).body;
    expect(erins.totals).toMatchObject({ sessions: 1, attended: 1 }); // not expected before she enrolled
    const filtered = (await get(alice, '/api/me/attendance?from=2026-02-05&to=2026-02-28')).body;
    expect(filtered.totals).toMatchObject({ sessions: 1, absent: 1, rate: 0 });
    expect((await get(alice, '/api/me/attendance?to=2026-02-02')).body.totals).toMatchObject({ sessions: 1, present: 1 });
    expect((await get(alice, '/api/me/attendance?from=2026-02-10&to=2026-02-05')).status).toBe(400);
  });

  it('a student cannot read another student; a teacher sees only their own sessions of a student', async () => {
    expect((await get(alice, `/api/reports/students/${bob.id}`)).status).toBe(404);
    expect((await get(other, `/api/reports/students/${bob.id}`)).body.totals).toMatchObject({ sessions: 0, rate: null });
  });

  it('a course: rate per session over time and a per-student grid', async () => {
    const { status, body } = await get(teacher, `/api/reports/courses/${courseId}`);
    expect(status).toBe(200);
    const sessionsOut = body.sessions as unknown as { at: string; rate: number; attended: number; expected: number; late: number }[];
    expect(sessionsOut.map((s) => [s.at, s.expected, s.attended, s.late, s.rate])).toEqual([
      [day('02', '09:00').toISOString(), 2, 2, 1, 1],
      [day('09', '09:00').toISOString(), 3, 2, 0, 2 / 3],
    ]);
    expect(body.totals).toMatchObject({ sessions: 2, students: 3 });
    expect((body.totals as unknown as { averageRate: number }).averageRate).toBeCloseTo(5 / 6);
    const students = body.students as unknown as { name: string; cells: { status: string | null }[]; rate: number | null }[];
    expect(students.map((s) => [s.name, s.cells.map((c) => c.status), s.rate])).toEqual([
      ['Alice', ['present', 'absent'], 0.5],
      ['Bob', ['late', 'present'], 1],
      ['Erin', [null, 'present'], 1],
    ]);
    // Hosting a session of the course does not make the mentor its teacher; nor is another teacher.
    expect((await get(mentor, `/api/reports/courses/${courseId}`)).status).toBe(403);
    expect((await get(other, `/api/reports/courses/${courseId}`)).status).toBe(403);
    expect((await get(admin, `/api/reports/courses/${courseId}`)).status).toBe(200);
    expect((await get(alice, `/api/reports/courses/${courseId}`)).status).toBe(403);
    expect((await get(teacher, `/api/reports/courses/${courseId}?from=2026-02-08`)).body.totals).toMatchObject({ sessions: 1 });
  });

  it('a host: sessions held and average attendance', async () => {
    const { body } = await get(teacher, `/api/reports/hosts/${teacher.id}`);
    expect(body.totals).toMatchObject({ sessionsHeld: 1, averageRate: 1, averageAttended: 3, minutesHeld: 60 });
    expect((await get(admin, `/api/reports/hosts/${mentor.id}`)).body.totals).toMatchObject({ sessionsHeld: 1 });
    expect((await get(other, `/api/reports/hosts/${teacher.id}`)).status).toBe(403);
  });

  it('the admin overview: totals, live now, participants, meetings, revenue', async () => {
    const ctx = t.runtime.ctx;
    const [live] = await ctx.db
      .insert(sessions)
      .values({ title: 'Now', scheduledAt: day('20', '12:00'), timezone: 'UTC', hostId: teacher.id })
      .returning();
    await startSession(ctx, live!.id);
    await recordJoin(ctx, { connectionId: 'now-1', sessionId: live!.id, participantId: alice.id, userId: alice.id, displayName: 'Alice', role: 'participant' });
    const { status, body } = await get(admin, '/api/admin/overview');
    expect(status).toBe(200);
    expect(body.totals).toEqual({ sessions: 3, scheduled: 0, live: 1, completed: 2, cancelled: 0, liveNow: 1, inRoomNow: 1, participants: 4, meetings: 1 });
    expect(body.revenue).toEqual([{ currency: 'EUR', cents: 4500, sessions: 1, attendees: 3 }]);
    const feb = (await get(admin, '/api/admin/overview?from=2026-02-05&to=2026-02-15')).body;
    expect(feb.totals).toMatchObject({ sessions: 1, liveNow: 1, participants: 2, meetings: 1 });
    expect(feb.revenue).toEqual([]);
    expect((await get(teacher, '/api/admin/overview')).status).toBe(403);
  });

  it('the admin overview trend: sessions held and attendance per week, in a time zone', async () => {
    type Trend = { timezone: string; weeks: { start: string; sessions: number; expected: number; attended: number; excused: number; guests: number; rate: number | null }[] };
    const utc = (await get(admin, '/api/admin/overview/trend?from=2026-02-01&to=2026-02-22')).body as unknown as Trend;
    expect(utc.timezone).toBe('UTC');
    expect(utc.weeks).toEqual([
      { start: '2026-01-26', sessions: 0, expected: 0, attended: 0, excused: 0, guests: 0, rate: null },
      { start: '2026-02-02', sessions: 1, expected: 2, attended: 2, excused: 0, guests: 1, rate: 1 },
      { start: '2026-02-09', sessions: 1, expected: 3, attended: 2, excused: 0, guests: 0, rate: 2 / 3 },
      { start: '2026-02-16', sessions: 1, expected: 0, attended: 0, excused: 0, guests: 1, rate: null }, // the live one: Alice joined uninvited
    ]);
    // 09:00 UTC on a Monday is still Sunday in Honolulu: each session falls in the week before.
    const hnl = (await get(admin, '/api/admin/overview/trend?from=2026-02-01&to=2026-02-22&timezone=Pacific/Honolulu')).body as unknown as Trend;
    expect(hnl.weeks.map((w) => [w.start, w.sessions])).toEqual([
      ['2026-01-26', 1],
      ['2026-02-02', 1],
      ['2026-02-09', 0],
      ['2026-02-16', 1],
    ]);
    // Without a range: the last 12 weeks up to now (the clock says Friday 20 February).
    const recent = (await get(admin, '/api/admin/overview/trend')).body as unknown as Trend;
    expect(recent.weeks).toHaveLength(12);
    expect(recent.weeks.at(-1)?.start).toBe('2026-02-16');
    expect(recent.weeks.reduce((n, w) => n + w.sessions, 0)).toBe(3);
    expect((await get(admin, '/api/admin/overview/trend?from=2020-01-01')).status).toBe(400);
    expect((await get(admin, '/api/admin/overview/trend?timezone=Mars/Olympus')).status).toBe(400);
    expect((await get(teacher, '/api/admin/overview/trend')).status).toBe(403);
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> }>();
    expect(doc.paths['/api/admin/overview/trend']?.get?.responses?.['200']).toBeDefined();
  });
});
