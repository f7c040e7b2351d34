// Who may read which attendance reports. A session's report: its host, co-hosts, admins,
// and the teacher of its course (the course owner, whom an admin sets). Attaching a course
// to a session one hosts gives no rights over the course: anyone hosting may attach one.
// A student sees only their own records. Corrections: the session's hosts and admins.
import { eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { courses, sessionCohosts, sessions, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import { canHost, type SessionRow } from '../sessions/sessionAccess.js';

const isStaffRole = (who: AccessClaims) => who.role === 'admin' || who.role === 'teacher' || who.role === 'mentor';

/** Sessions this user hosts or co-hosts (SQL condition on `sessions`). */
function hostsOrCohosts(userId: string): SQL {
  return or(
    eq(sessions.hostId, userId),
    sql`exists (select 1 from ${sessionCohosts} where ${sessionCohosts.sessionId} = ${sessions.id} and ${sessionCohosts.userId} = ${userId})`,
  ) as SQL;
}

/** Course ids this teacher/mentor teaches: the ones they own. */
export async function taughtCourseIds(db: Database, who: AccessClaims): Promise<string[]> {
  if (!isStaffRole(who)) return [];
  const owned = await db.select({ id: courses.id }).from(courses).where(eq(courses.ownerId, who.userId));
  return owned.map((r) => r.id);
}

export async function teachesCourse(db: Database, who: AccessClaims, courseId: string): Promise<boolean> {
  if (who.role === 'admin') return true;
  return (await taughtCourseIds(db, who)).includes(courseId);
}

/** Corrections change the record: the session's host, co-hosts and admins only. */
export function canCorrectSession(db: Database, who: AccessClaims, session: SessionRow): Promise<boolean> {
  return canHost(db, who, session);
}

export async function canReadSessionReport(db: Database, who: AccessClaims, session: SessionRow): Promise<boolean> {
  if (await canHost(db, who, session)) return true;
  return session.courseId !== null && (await teachesCourse(db, who, session.courseId));
}

/**
 * SQL condition on `sessions` for the sessions whose reports `who` may read; undefined for
 * admins (everything).
 */
export async function readableSessions(db: Database, who: AccessClaims): Promise<SQL | undefined> {
  if (who.role === 'admin') return undefined;
  const taught = await taughtCourseIds(db, who);
  return or(hostsOrCohosts(who.userId), taught.length > 0 ? inArray(sessions.courseId, taught) : undefined);
}
