// Who may schedule what: editing, invitees, courses, hosts. Every scheduling route asks these.
import { and, eq, inArray } from 'drizzle-orm';
import { courses, enrolments, users, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { viewableSession, type SessionRow } from '../sessions/sessionAccess.js';

/** Changing the schedule (time, details, invitees, cancel): the host or an admin. */
export function canEdit(who: AccessClaims, session: SessionRow): boolean {
  return who.role === 'admin' || (who.role !== 'student' && session.hostId === who.userId);
}

export function assertCanEdit(who: AccessClaims, session: SessionRow): void {
  if (!canEdit(who, session)) throw new ForbiddenError('Only the session host or an admin can change this session');
}

/** The session `id` when `who` may edit it: hidden from outsiders (404), refused to other viewers (403). */
export async function editableSession(db: Database, who: AccessClaims, id: string): Promise<SessionRow> {
  const session = await viewableSession(db, who, id);
  assertCanEdit(who, session);
  return session;
}

/** A teacher may attach only a course they run; mentors and admins any course. */
export async function assertCourseUsable(db: Database, who: AccessClaims, courseId: string): Promise<void> {
  const [course] = await db.select().from(courses).where(eq(courses.id, courseId));
  if (!course) throw new ValidationError('courseId: no such course');
  if (who.role === 'teacher' && course.ownerId !== who.userId) throw new ForbiddenError('You can only schedule sessions for your own courses');
}

/**
 * Invitees must exist. A teacher may invite only students enrolled in one of their courses;
 * a mentor only students; an admin anyone.
 */
export async function assertInvitable(db: Database, who: AccessClaims, userIds: string[]): Promise<void> {
  const ids = [...new Set(userIds)];
  if (!ids.length) return;
  const found = await db.select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, ids));
  if (found.length !== ids.length) throw new ValidationError('invitees: unknown user id');
  if (who.role === 'admin') return;
  if (found.some((u) => u.role !== 'student')) throw new ForbiddenError('Only students can be invited');
  if (who.role !== 'teacher') return;
  const enrolled = await db
    .selectDistinct({ id: enrolments.userId })
    .from(enrolments)
    .innerJoin(courses, eq(courses.id, enrolments.courseId))
    .where(and(eq(courses.ownerId, who.userId), inArray(enrolments.userId, ids)));
  if (enrolled.length !== ids.length) throw new ForbiddenError('You can only invite students enrolled in your courses');
}

/** Students of the given courses, checked like assertCourseUsable. */
export async function studentsOfCourses(db: Database, who: AccessClaims, courseIds: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const id of new Set(courseIds)) {
    await assertCourseUsable(db, who, id);
    const rows = await db
      .select({ id: enrolments.userId })
      .from(enrolments)
      .innerJoin(users, eq(users.id, enrolments.userId))
      .where(and(eq(enrolments.courseId, id), eq(users.role, 'student')));
    for (const r of rows) out.add(r.id);
  }
  return [...out];
}

/** A session host (or co-host) must be a teacher, mentor or admin. */
export async function assertStaff(db: Database, userIds: string[], what: string): Promise<void> {
  const ids = [...new Set(userIds)];
  if (!ids.length) return;
  const found = await db.select({ id: users.id, role: users.role, disabled: users.disabled }).from(users).where(inArray(users.id, ids));
  if (found.length !== ids.length) throw new NotFoundError(`${what}: unknown user`);
  if (found.some((u) => u.role === 'student' || u.disabled)) throw new ValidationError(`${what} must be an active teacher, mentor or admin`);
}
