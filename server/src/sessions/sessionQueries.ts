// Reading sessions: the caller's list with its filters, one session with its series rule,
// host names for a page of sessions, and creation from a validated body.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { recordings, sessions, sessionSeries, users, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ForbiddenError } from '../errors.js';
import { assertCourseUsable, assertInvitable, assertStaff, studentsOfCourses } from '../scheduling/scheduleRules.js';
import { createScheduled } from '../scheduling/scheduleService.js';
import { listableBy } from '../scheduling/visibility.js';
import type { z } from 'zod';
import type { CreateSessionBody, SessionDto, SessionListQuery } from './contract.js';
import type { SessionRow } from './sessionAccess.js';
import { toSessionDto } from './sessionDto.js';

/** Host display names for a page of sessions. */
export async function hostNames(db: Database, rows: SessionRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.hostId))];
  if (!ids.length) return new Map();
  const found = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(found.map((u) => [u.id, u.name]));
}

/** How many ready recordings each of a page of sessions has (absent: none). */
export async function readyRecordings(db: Database, rows: SessionRow[]): Promise<Map<string, number>> {
  if (!rows.length) return new Map();
  const found = await db
    .select({ sessionId: recordings.sessionId, n: sql<number>`count(*)::int` })
    .from(recordings)
    .where(and(inArray(recordings.sessionId, rows.map((r) => r.id)), eq(recordings.status, 'ready')))
    .groupBy(recordings.sessionId);
  return new Map(found.map((r) => [r.sessionId, Number(r.n)]));
}

/** Sessions the caller hosts, co-hosts, is invited to or whose course they take (admins: all). */
export async function listSessions(db: Database, who: AccessClaims, q: z.output<typeof SessionListQuery>): Promise<SessionDto[]> {
  const rows = await db
    .select()
    .from(sessions)
    .where(
      and(
        listableBy(db, who),
        q.status ? eq(sessions.status, q.status) : undefined,
        q.seriesId ? eq(sessions.seriesId, q.seriesId) : undefined,
        q.hostId ? eq(sessions.hostId, q.hostId) : undefined,
        q.courseId ? eq(sessions.courseId, q.courseId) : undefined,
        q.from ? sql`${sessions.scheduledAt} + ${sessions.durationMinutes} * interval '1 minute' > ${new Date(q.from).toISOString()}::timestamptz` : undefined,
        q.to ? sql`${sessions.scheduledAt} < ${new Date(q.to).toISOString()}::timestamptz` : undefined,
      ),
    )
    .orderBy(q.order === 'desc' ? desc(sessions.scheduledAt) : asc(sessions.scheduledAt))
    .limit(q.limit);
  const [names, recorded] = await Promise.all([hostNames(db, rows), readyRecordings(db, rows)]);
  return rows.map((s) => toSessionDto(s, { hostName: names.get(s.hostId) ?? '', recordings: recorded.get(s.id) ?? 0 }));
}

/** One session as its viewer sees it, with the series rule when it recurs. */
export async function sessionWithSeries(db: Database, session: SessionRow): Promise<SessionDto> {
  const [names, recorded] = await Promise.all([hostNames(db, [session]), readyRecordings(db, [session])]);
  let recurrence: string | undefined;
  if (session.seriesId) {
    const [series] = await db.select({ rrule: sessionSeries.rrule }).from(sessionSeries).where(eq(sessionSeries.id, session.seriesId));
    recurrence = series?.rrule;
  }
  return toSessionDto(session, { hostName: names.get(session.hostId) ?? '', recurrence, recordings: recorded.get(session.id) ?? 0 });
}

/** Schedules a session or a series; returns the first occurrence. */
export async function scheduleFromBody(ctx: AppContext, who: AccessClaims, body: z.output<typeof CreateSessionBody>): Promise<SessionDto> {
  const { db } = ctx;
  const { invitees, inviteCourseIds, cohostIds, hostId: requestedHost, scheduledAt, recurrence, materials, ...fields } = body;
  let hostId = who.userId;
  if (requestedHost && requestedHost !== who.userId) {
    if (who.role !== 'admin') throw new ForbiddenError('Only admins can schedule a session for another host');
    await assertStaff(db, [requestedHost], 'hostId');
    hostId = requestedHost;
  }
  if (fields.courseId) await assertCourseUsable(db, who, fields.courseId);
  const everyone = [...invitees, ...(await studentsOfCourses(db, who, inviteCourseIds))];
  await assertInvitable(db, who, everyone);
  await assertStaff(db, cohostIds, 'cohostIds');
  const rows = await createScheduled(ctx, who, {
    ...fields,
    scheduledAt: new Date(scheduledAt),
    hostId,
    cohostIds,
    invitees: everyone,
    recurrence,
    materials: materials.map((m) => ({ ...m, id: randomUUID() })),
  });
  const first = rows[0]!;
  const names = await hostNames(db, [first]);
  return toSessionDto(first, { hostName: names.get(first.hostId) });
}
