// Which sessions a caller sees in lists and feeds: hosted, co-hosted, invited, or of a course
// they are enrolled in. Admins see all of them.
import { and, eq, exists, or, sql, type SQL } from 'drizzle-orm';
import { enrolments, sessionCohosts, sessionInvitees, sessions, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';

export function visibleTo(db: Database, userId: string): SQL {
  return or(
    eq(sessions.hostId, userId),
    exists(db.select({ x: sql`1` }).from(sessionCohosts).where(and(eq(sessionCohosts.sessionId, sessions.id), eq(sessionCohosts.userId, userId)))),
    exists(db.select({ x: sql`1` }).from(sessionInvitees).where(and(eq(sessionInvitees.sessionId, sessions.id), eq(sessionInvitees.userId, userId)))),
    exists(db.select({ x: sql`1` }).from(enrolments).where(and(eq(enrolments.courseId, sessions.courseId), eq(enrolments.userId, userId)))),
  )!;
}

/** undefined (no restriction) for admins. */
export function listableBy(db: Database, who: AccessClaims): SQL | undefined {
  return who.role === 'admin' ? undefined : visibleTo(db, who.userId);
}
