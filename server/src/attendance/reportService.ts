// Reports across sessions: per student, per course, per host (teacher or mentor), and the
// admin overview. Sessions are picked by when they happened (started, else scheduled)
// within [from, to); only sessions that were held count towards rates.
import { and, asc, eq, gte, inArray, lt, ne, or, sql, type SQL } from 'drizzle-orm';
import { attendanceIntervals, courses, enrolments, sessionInvitees, sessions, users, type Database } from '@lectern/db';
import type { SessionRow } from '../sessions/sessionAccess.js';
import { buildSessionReports, isHeld, type ReportOptions } from './sessionReport.js';
import type { CourseReport, HostReport, ReportStatus, SessionReport, StudentReport, StudentSessionRow, Tally } from './contract.js';
import { attended } from './status.js';

/** A time window of reports, from the `RangeQuery` of the contract. */
export interface DateRange {
  from?: Date | undefined;
  to?: Date | undefined;
}

const when = sql`coalesce(${sessions.startedAt}, ${sessions.scheduledAt})`;

// Bound as text with a cast: a raw expression has no column to map a Date for the driver.
const instant = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export function inRange(r: DateRange): SQL | undefined {
  return and(r.from ? gte(when, instant(r.from)) : undefined, r.to ? lt(when, instant(r.to)) : undefined);
}

const rangeDto = (r: DateRange) => ({ from: r.from?.toISOString() ?? null, to: r.to?.toISOString() ?? null });
const round1 = (n: number) => Math.round(n * 10) / 10;
const startOf = (s: SessionReport['session']) => s.startedAt ?? s.scheduledAt;

export async function heldSessions(db: Database, where: (SQL | undefined)[], r: DateRange): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(...where, ne(sessions.status, 'cancelled'), inRange(r)))
    .orderBy(asc(when))
    .then((rows) => rows.filter(isHeld));
}

export function tally(statuses: { status: ReportStatus; minutesPresent: number }[]): Tally {
  const t: Tally = { sessions: statuses.length, attended: 0, present: 0, late: 0, absent: 0, excused: 0, minutes: 0, rate: null };
  for (const s of statuses) {
    if (attended(s.status)) t.attended += 1;
    if (s.status === 'present') t.present += 1;
    if (s.status === 'late') t.late += 1;
    if (s.status === 'absent') t.absent += 1;
    if (s.status === 'excused') t.excused += 1;
    t.minutes += s.minutesPresent;
  }
  t.minutes = round1(t.minutes);
  const counted = t.sessions - t.excused;
  t.rate = counted > 0 ? t.attended / counted : null;
  return t;
}

/** One student's attendance across sessions; `restrict` limits it to the sessions the caller may read. */
export async function studentReport(db: Database, userId: string, r: DateRange, opts: ReportOptions, restrict: SQL | undefined): Promise<StudentReport | null> {
  const [user] = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, userId));
  if (!user) return null;
  const mine = or(
    inArray(sessions.id, db.select({ id: sessionInvitees.sessionId }).from(sessionInvitees).where(eq(sessionInvitees.userId, userId))),
    inArray(sessions.courseId, db.select({ id: enrolments.courseId }).from(enrolments).where(eq(enrolments.userId, userId))),
    inArray(sessions.id, db.select({ id: attendanceIntervals.sessionId }).from(attendanceIntervals).where(eq(attendanceIntervals.participantId, userId))),
  );
  const rows = await heldSessions(db, [mine, restrict], r);
  const reports = await buildSessionReports(db, rows, opts);
  const list: StudentSessionRow[] = [];
  for (const s of rows) {
    const p = reports.get(s.id)?.participants.find((x) => x.participantId === userId);
    if (!p) continue; // enrolled after the session, say
    list.push({
      sessionId: s.id,
      title: s.title,
      courseId: s.courseId,
      at: (s.startedAt ?? s.scheduledAt).toISOString(),
      timezone: s.timezone,
      status: p.status,
      minutesPresent: p.minutesPresent,
      firstJoinAt: p.firstJoinAt,
      lastLeaveAt: p.lastLeaveAt,
      note: p.note,
    });
  }
  return { user, range: rangeDto(r), totals: tally(list), sessions: list };
}

export async function courseReport(db: Database, courseId: string, r: DateRange, opts: ReportOptions): Promise<CourseReport | null> {
  const [course] = await db.select({ id: courses.id, title: courses.title, ownerId: courses.ownerId }).from(courses).where(eq(courses.id, courseId));
  if (!course) return null;
  const rows = await heldSessions(db, [eq(sessions.courseId, courseId)], r);
  const reports = [...(await buildSessionReports(db, rows, opts)).values()];
  const sessionRows = reports.map((rep) => ({
    sessionId: rep.session.id,
    title: rep.session.title,
    at: startOf(rep.session),
    timezone: rep.timezone,
    ...rep.totals,
  }));
  // Heatmap rows: every expected participant, one cell per session.
  const students = new Map<string, { userId: string; name: string; cells: { sessionId: string; status: ReportStatus | null; minutesPresent: number }[] }>();
  for (const rep of reports) {
    for (const p of rep.participants) {
      if (!p.expected || !p.userId) continue;
      if (!students.has(p.userId)) students.set(p.userId, { userId: p.userId, name: p.name, cells: [] });
    }
  }
  for (const st of students.values()) {
    for (const rep of reports) {
      const p = rep.participants.find((x) => x.participantId === st.userId && x.expected);
      st.cells.push({ sessionId: rep.session.id, status: p?.status ?? null, minutesPresent: p?.minutesPresent ?? 0 });
    }
  }
  const studentRows = [...students.values()]
    .map((st) => ({ ...st, ...tally(st.cells.filter((c): c is typeof c & { status: ReportStatus } => c.status !== null)) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const rates = sessionRows.map((s) => s.rate).filter((x): x is number => x !== null);
  return {
    course: { id: course.id, title: course.title },
    range: rangeDto(r),
    totals: {
      sessions: sessionRows.length,
      averageRate: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : null,
      averageAttended: sessionRows.length > 0 ? round1(sessionRows.reduce((a, s) => a + s.attended, 0) / sessionRows.length) : null,
      students: studentRows.length,
    },
    sessions: sessionRows,
    students: studentRows,
  };
}

/** Sessions a teacher or mentor held (as host or co-host) and how well they were attended. */
export async function hostReport(db: Database, hostId: string, r: DateRange, opts: ReportOptions): Promise<HostReport | null> {
  const [host] = await db.select({ id: users.id, name: users.name, role: users.role }).from(users).where(eq(users.id, hostId));
  if (!host) return null;
  const cohosted = sql`exists (select 1 from session_cohosts c where c.session_id = ${sessions.id} and c.user_id = ${hostId})`;
  const rows = await heldSessions(db, [or(eq(sessions.hostId, hostId), cohosted)], r);
  const reports = [...(await buildSessionReports(db, rows, opts)).values()];
  const list = reports.map((rep) => ({
    sessionId: rep.session.id,
    title: rep.session.title,
    courseId: rep.session.courseId,
    at: startOf(rep.session),
    timezone: rep.timezone,
    asCohost: rep.session.hostId !== hostId,
    heldMinutes: rep.session.startedAt && rep.session.endedAt ? round1((Date.parse(rep.session.endedAt) - Date.parse(rep.session.startedAt)) / 60_000) : null,
    ...rep.totals,
  }));
  const rates = list.map((s) => s.rate).filter((x): x is number => x !== null);
  return {
    host,
    range: rangeDto(r),
    totals: {
      sessionsHeld: list.length,
      averageRate: rates.length > 0 ? rates.reduce((a, b) => a + b, 0) / rates.length : null,
      averageAttended: list.length > 0 ? round1(list.reduce((a, s) => a + s.attended + s.unexpected, 0) / list.length) : null,
      minutesHeld: round1(list.reduce((a, s) => a + (s.heldMinutes ?? 0), 0)),
    },
    sessions: list,
  };
}
