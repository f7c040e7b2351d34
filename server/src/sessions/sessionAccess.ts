// Who may do what with a session. Every route and socket handler asks these.
import { and, eq } from 'drizzle-orm';
import { enrolments, sessionCohosts, sessionInvitees, sessions, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import { ForbiddenError, NotFoundError } from '../errors.js';

export type SessionRow = typeof sessions.$inferSelect;

export async function getSessionRow(db: Database, id: string): Promise<SessionRow> {
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
  if (!row) throw new NotFoundError('Session not found');
  return row;
}

export async function isCohost(db: Database, sessionId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select()
    .from(sessionCohosts)
    .where(and(eq(sessionCohosts.sessionId, sessionId), eq(sessionCohosts.userId, userId)));
  return Boolean(row);
}

/** Host, co-host or admin: may start, end, mute, remove, record, make codes. */
export async function canHost(db: Database, who: AccessClaims, session: SessionRow): Promise<boolean> {
  if (who.role === 'admin' || session.hostId === who.userId) return true;
  return isCohost(db, session.id, who.userId);
}

export async function assertCanHost(db: Database, who: AccessClaims, session: SessionRow): Promise<void> {
  if (!(await canHost(db, who, session))) throw new ForbiddenError('Only the session host, a co-host or an admin can do this');
}

/** Invited directly, or enrolled in the session's course. */
export async function isInvitee(db: Database, session: SessionRow, userId: string): Promise<boolean> {
  const [inv] = await db
    .select()
    .from(sessionInvitees)
    .where(and(eq(sessionInvitees.sessionId, session.id), eq(sessionInvitees.userId, userId)));
  if (inv) return true;
  if (!session.courseId) return false;
  const [enr] = await db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.courseId, session.courseId), eq(enrolments.userId, userId)));
  return Boolean(enr);
}

/** May see the session (details, attendance of self, recordings). */
export async function canView(db: Database, who: AccessClaims, session: SessionRow): Promise<boolean> {
  if (await canHost(db, who, session)) return true;
  return isInvitee(db, session, who.userId);
}

export async function assertCanView(db: Database, who: AccessClaims, session: SessionRow): Promise<void> {
  // Not-found rather than forbidden: do not reveal sessions to outsiders.
  if (!(await canView(db, who, session))) throw new NotFoundError('Session not found');
}

/** The session `id` when `who` may see it; 404 otherwise, as for an unknown id. */
export async function viewableSession(db: Database, who: AccessClaims, id: string): Promise<SessionRow> {
  const session = await getSessionRow(db, id);
  await assertCanView(db, who, session);
  return session;
}

/** The session `id` when `who` may host it: 404 when there is none, 403 for everyone else. */
export async function hostableSession(db: Database, who: AccessClaims, id: string): Promise<SessionRow> {
  const session = await getSessionRow(db, id);
  await assertCanHost(db, who, session);
  return session;
}
