// The admin overview: how many sessions, how many live now, how many people took part,
// how many meetings (one-to-one, office hours, group meetings) and the revenue of priced
// sessions (price per attendee, by currency).
import { and, countDistinct, eq, gt, inArray, isNull, ne, notInArray, sql } from 'drizzle-orm';
import { attendanceIntervals, sessions, type Database } from '@lectern/db';
import { STALE_MS } from '../gateway/attendance.js';
import type { Overview } from './contract.js';
import { inRange, type DateRange } from './reportService.js';

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
