// Who may talk to whom (enforced on the server for every create and add):
// - admins: anyone;
// - teachers and mentors: other staff, and every student enrolled in a course they teach
//   (own, or host/co-host a session of) or invited to a session they host or co-host;
// - students: no groups; a direct conversation only with a teacher of one of their courses
//   or a mentor/host of a session they are invited to.
import { and, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { courses, enrolments, sessionCohosts, sessionInvitees, sessions, users, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import { ForbiddenError } from '../errors.js';
import type { Contact } from './contract.js';

const STAFF = ['admin', 'teacher', 'mentor'] as const;
export const isStaff = (role: string): boolean => (STAFF as readonly string[]).includes(role);

export function assertMayCreateGroup(who: AccessClaims): void {
  if (!isStaff(who.role)) throw new ForbiddenError('Students cannot create group chats');
}

/**
 * Courses whose students a teacher/mentor may message: owned, or with a session they host or
 * co-host. Wider than attendance rights (owners only, see attendance/access.ts) on purpose:
 * talking to the students one teaches is the point, and it changes no records.
 */
async function chatCourseIds(db: Database, userId: string): Promise<string[]> {
  const owned = await db.select({ id: courses.id }).from(courses).where(eq(courses.ownerId, userId));
  const hosted = await db.selectDistinct({ id: sessions.courseId }).from(sessions).where(and(hostedBy(userId), sql`${sessions.courseId} is not null`));
  return [...new Set([...owned.map((r) => r.id), ...hosted.map((r) => r.id).filter((id): id is string => id !== null)])];
}

/** Everyone `who` may add to a conversation or message directly, with the courses that link them. */
export async function contactsOf(db: Database, who: AccessClaims): Promise<Contact[]> {
  const out = new Map<string, Contact>();
  const add = (r: { id: string; name: string; role: string }, course?: { id: string; title: string } | null) => {
    if (r.id === who.userId) return;
    const c = out.get(r.id) ?? { userId: r.id, name: r.name, role: r.role, courses: [] };
    if (course && !c.courses.some((x) => x.id === course.id)) c.courses.push(course);
    out.set(r.id, c);
  };
  const active = eq(users.disabled, false);
  if (who.role === 'admin') {
    const all = await db.select({ id: users.id, name: users.name, role: users.role }).from(users).where(active).limit(5000);
    all.forEach((r) => add(r));
    const enrolled = await db
      .select({ id: users.id, name: users.name, role: users.role, courseId: courses.id, title: courses.title })
      .from(enrolments)
      .innerJoin(users, eq(users.id, enrolments.userId))
      .innerJoin(courses, eq(courses.id, enrolments.courseId))
      .where(active);
    enrolled.forEach((r) => add(r, { id: r.courseId, title: r.title }));
    return [...out.values()];
  }
  if (isStaff(who.role)) {
    const staff = await db.select({ id: users.id, name: users.name, role: users.role }).from(users).where(and(active, inArray(users.role, [...STAFF])));
    staff.forEach((r) => add(r));
    const taught = await chatCourseIds(db, who.userId);
    if (taught.length > 0) {
      const enrolled = await db
        .select({ id: users.id, name: users.name, role: users.role, courseId: courses.id, title: courses.title })
        .from(enrolments)
        .innerJoin(users, eq(users.id, enrolments.userId))
        .innerJoin(courses, eq(courses.id, enrolments.courseId))
        .where(and(active, inArray(enrolments.courseId, taught)));
      enrolled.forEach((r) => add(r, { id: r.courseId, title: r.title }));
    }
    const invited = await db
      .selectDistinct({ id: users.id, name: users.name, role: users.role })
      .from(sessionInvitees)
      .innerJoin(users, eq(users.id, sessionInvitees.userId))
      .innerJoin(sessions, eq(sessions.id, sessionInvitees.sessionId))
      .where(and(active, hostedBy(who.userId)));
    invited.forEach((r) => add(r));
    return [...out.values()];
  }
  // Student: teachers of their courses (owner, or host/co-host of one of its sessions) and hosts of sessions they are invited to.
  const mine = await db.select({ id: courses.id, title: courses.title, ownerId: courses.ownerId }).from(enrolments).innerJoin(courses, eq(courses.id, enrolments.courseId)).where(eq(enrolments.userId, who.userId));
  const courseIds = mine.map((c) => c.id);
  const staffIds = new Map<string, { id: string; title: string } | null>();
  for (const c of mine) staffIds.set(c.ownerId, { id: c.id, title: c.title });
  const hostRows = await db
    .select({ hostId: sessions.hostId, courseId: sessions.courseId, sessionId: sessions.id })
    .from(sessions)
    .where(
      or(
        courseIds.length > 0 ? inArray(sessions.courseId, courseIds) : undefined,
        sql`exists (select 1 from ${sessionInvitees} where ${sessionInvitees.sessionId} = ${sessions.id} and ${sessionInvitees.userId} = ${who.userId})`,
      ),
    );
  const sessionIds = hostRows.map((r) => r.sessionId);
  const cohosts = sessionIds.length > 0 ? await db.select({ userId: sessionCohosts.userId, sessionId: sessionCohosts.sessionId }).from(sessionCohosts).where(inArray(sessionCohosts.sessionId, sessionIds)) : [];
  const courseOf = new Map(hostRows.map((r) => [r.sessionId, r.courseId]));
  const titleOf = new Map(mine.map((c) => [c.id, c.title]));
  const link = (courseId: string | null | undefined) => (courseId && titleOf.has(courseId) ? { id: courseId, title: titleOf.get(courseId)! } : null);
  for (const r of hostRows) if (!staffIds.get(r.hostId)) staffIds.set(r.hostId, link(r.courseId));
  for (const r of cohosts) if (!staffIds.get(r.userId)) staffIds.set(r.userId, link(courseOf.get(r.sessionId)));
  if (staffIds.size === 0) return [];
  const rows = await db.select({ id: users.id, name: users.name, role: users.role }).from(users).where(and(active, inArray(users.id, [...staffIds.keys()]), ne(users.role, 'student')));
  rows.forEach((r) => add(r, staffIds.get(r.id)));
  return [...out.values()];
}

function hostedBy(userId: string) {
  return or(
    eq(sessions.hostId, userId),
    sql`exists (select 1 from ${sessionCohosts} where ${sessionCohosts.sessionId} = ${sessions.id} and ${sessionCohosts.userId} = ${userId})`,
  );
}

/** Throws 403 unless `who` may reach every one of `userIds`. */
export async function assertMayReach(db: Database, who: AccessClaims, userIds: readonly string[]): Promise<void> {
  const wanted = userIds.filter((id) => id !== who.userId);
  if (wanted.length === 0) return;
  const allowed = new Set((await contactsOf(db, who)).map((c) => c.userId));
  const refused = wanted.filter((id) => !allowed.has(id));
  if (refused.length > 0) throw new ForbiddenError(`You cannot start a conversation with ${refused.length === 1 ? 'this person' : `${refused.length} of these people`}`);
}
