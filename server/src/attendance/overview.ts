// The admin overview: how many sessions, how many live now, how many people took part,
// how many meetings (one-to-one, office hours, group meetings) and the revenue of priced
// sessions (price per attendee, by currency); and per week, sessions held and attendance.
import { and, countDistinct, eq, gt, inArray, isNull, ne, notInArray, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { attendanceIntervals, sessions, type Database } from '@lectern/db';
import { ValidationError } from '../errors.js';
import { STALE_MS } from '../gateway/attendance.js';
import type { Overview, OverviewTrend } from './contract.js';
import { heldSessions, inRange, type DateRange } from './reportService.js';
import { buildSessionReports, type ReportOptions } from './sessionReport.js';

const TREND_WEEKS = 12;
const MAX_WEEKS = 106;

const MEETING_TYPES = ['one_on_one', 'office_hours', 'group_meeting'] as const;
const HOST_ROLES = ['host', 'cohost'];

export async function adminOverview(db: Database, now: Date, r: DateRange): Promise<Overview> {
  const range = inRange(r);
  const byStatus = await db
    .select({ status: sessions.status, n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(range)
    .groupBy(sessions.status);
  const count = (s: string) => byStatus.find((x) => x.status === s)?.n ?? 0;
  const [live] = await db.select({ n: sql<number>`count(*)::int` }).from(sessions).where(eq(sessions.status, 'live'));
  const [inRoom] = await db
    .select({ n: countDistinct(attendanceIntervals.participantId) })
    .from(attendanceIntervals)
    .innerJoin(sessions, eq(sessions.id, attendanceIntervals.sessionId))
    .where(
      and(
        eq(sessions.status, 'live'),
        isNull(attendanceIntervals.leftAt),
        gt(attendanceIntervals.lastSeenAt, new Date(now.getTime() - STALE_MS)),
      ),
    );
  const notHost = notInArray(attendanceIntervals.role, HOST_ROLES);
  const [people] = await db
    .select({ n: countDistinct(attendanceIntervals.participantId) })
    .from(attendanceIntervals)
    .innerJoin(sessions, eq(sessions.id, attendanceIntervals.sessionId))
    .where(and(range, ne(sessions.status, 'cancelled'), notHost));
  const [meetings] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(sessions)
    .where(and(range, ne(sessions.status, 'cancelled'), inArray(sessions.type, [...MEETING_TYPES])));
  const revenue = await db
    .select({
      currency: sessions.currency,
      cents: sql<number>`coalesce(sum(${sessions.priceCents} * a.n), 0)::bigint`,
      sessions: sql<number>`count(*)::int`,
      attendees: sql<number>`coalesce(sum(a.n), 0)::int`,
    })
    .from(sessions)
    .innerJoin(
      sql`(select ${attendanceIntervals.sessionId} as session_id, count(distinct ${attendanceIntervals.participantId})::int as n
           from ${attendanceIntervals} where ${notHost} group by ${attendanceIntervals.sessionId}) a`,
      sql`a.session_id = ${sessions.id}`,
    )
    .where(and(range, ne(sessions.status, 'cancelled'), gt(sessions.priceCents, 0)))
    .groupBy(sessions.currency)
    .orderBy(sessions.currency);
  return {
    range: { from: r.from?.toISOString() ?? null, to: r.to?.toISOString() ?? null },
    totals: {
      sessions: count('scheduled') + count('live') + count('completed'),
      scheduled: count('scheduled'),
      live: count('live'),
      completed: count('completed'),
      cancelled: count('cancelled'),
      liveNow: live?.n ?? 0,
      inRoomNow: Number(inRoom?.n ?? 0),
      participants: Number(people?.n ?? 0),
      meetings: meetings?.n ?? 0,
    },
    revenue: revenue.map((x) => ({ currency: x.currency, cents: Number(x.cents), sessions: x.sessions, attendees: x.attendees })),
  };
}

type Week = OverviewTrend['weeks'][number];

/**
 * Sessions held and attendance per week (Monday to Monday in `zone`) over [from, to);
 * without a range the last 12 weeks, this one included. The counts are the session reports' totals.
 */
export async function overviewTrend(db: Database, r: DateRange, zone: string, opts: ReportOptions): Promise<OverviewTrend> {
  const to = r.to ?? (r.from && r.from > opts.now ? DateTime.fromJSDate(r.from).plus({ weeks: TREND_WEEKS }) : DateTime.fromJSDate(opts.now, { zone }).startOf('week').plus({ weeks: 1 })).toJSDate();
  const from = r.from ?? DateTime.fromJSDate(to, { zone }).minus({ weeks: TREND_WEEKS }).startOf('week').toJSDate();
  const weekOf = (d: Date) => DateTime.fromJSDate(d, { zone }).startOf('week');
  const weeks = new Map<string, Week>();
  for (let w = weekOf(from); w.toJSDate() < to; w = w.plus({ weeks: 1 })) {
    if (weeks.size >= MAX_WEEKS) throw new ValidationError(`choose at most ${MAX_WEEKS} weeks`);
    const start = w.toISODate()!;
    weeks.set(start, { start, sessions: 0, expected: 0, attended: 0, excused: 0, guests: 0, rate: null });
  }
  const rows = await heldSessions(db, [], { from, to });
  const reports = await buildSessionReports(db, rows, opts);
  for (const s of rows) {
    const week = weeks.get(weekOf(s.startedAt ?? s.scheduledAt).toISODate()!);
    const t = reports.get(s.id)?.totals;
    if (!week || !t) continue;
    week.sessions += 1;
    week.expected += t.expected;
    week.attended += t.attended;
    week.excused += t.excused;
    week.guests += t.guests;
  }
  for (const w of weeks.values()) w.rate = w.expected - w.excused > 0 ? w.attended / (w.expected - w.excused) : null;
  return { range: { from: from.toISOString(), to: to.toISOString() }, timezone: zone, weeks: [...weeks.values()] };
}
