// Courses and enrolment: who may see and manage a course, and the SQL behind the routes.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { courses, enrolments, users, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { User } from '../users/contract.js';
import { toPublicUser } from '../users/userService.js';
import type { Course } from './contract.js';

export type CourseRow = typeof courses.$inferSelect;

export const toCourse = (c: CourseRow): Course => ({
  id: c.id,
  title: c.title,
  description: c.description,
  ownerId: c.ownerId,
  createdAt: c.createdAt.toISOString(),
});

export async function getCourse(db: Database, id: string): Promise<CourseRow> {
  const [row] = await db.select().from(courses).where(eq(courses.id, id));
  if (!row) throw new NotFoundError('Course not found');
  return row;
}

/** The course `id`, when `who` may manage it. */
async function manageableCourse(db: Database, who: AccessClaims, id: string): Promise<CourseRow> {
  const course = await getCourse(db, id);
  assertCanManageCourse(who, course);
  return course;
}

/** Admins manage every course; a teacher only their own. */
export function assertCanManageCourse(who: AccessClaims, course: CourseRow): void {
  if (who.role === 'admin') return;
  if (who.role === 'teacher' && course.ownerId === who.userId) return;
  throw new ForbiddenError('Only the course teacher or an admin can manage this course');
}

export async function createCourse(db: Database, who: AccessClaims, body: { title: string; description: string; ownerId?: string | undefined }): Promise<Course> {
  let ownerId = who.userId;
  if (body.ownerId && body.ownerId !== who.userId) {
    if (who.role !== 'admin') throw new ForbiddenError('Only admins can create courses for someone else');
    const [owner] = await db.select().from(users).where(eq(users.id, body.ownerId));
    if (!owner || (owner.role !== 'teacher' && owner.role !== 'admin')) throw new ValidationError('ownerId must be a teacher');
    ownerId = owner.id;
  }
  const [row] = await db.insert(courses).values({ title: body.title, description: body.description, ownerId }).returning();
  return toCourse(row!);
}

/** Admins and mentors see every course, a teacher their own, a student those they are enrolled in. */
export async function visibleCourses(db: Database, who: AccessClaims): Promise<Course[]> {
  const visible =
    who.role === 'admin' || who.role === 'mentor'
      ? undefined
      : who.role === 'teacher'
        ? eq(courses.ownerId, who.userId)
        : inArray(courses.id, db.select({ id: enrolments.courseId }).from(enrolments).where(eq(enrolments.userId, who.userId)));
  return (await db.select().from(courses).where(visible).orderBy(asc(courses.title))).map(toCourse);
}

/** One course; a student sees only courses they are enrolled in (else 404). */
export async function viewCourse(db: Database, who: AccessClaims, id: string): Promise<Course> {
  const course = await getCourse(db, id);
  if (who.role === 'student') {
    const [e] = await db.select().from(enrolments).where(and(eq(enrolments.courseId, course.id), eq(enrolments.userId, who.userId)));
    if (!e) throw new NotFoundError('Course not found');
  }
  return toCourse(course);
}

export async function updateCourse(
  db: Database,
  who: AccessClaims,
  id: string,
  patch: { title?: string | undefined; description?: string | undefined; ownerId?: string | undefined },
  now: Date,
): Promise<Course> {
  const course = await manageableCourse(db, who, id);
  if (patch.ownerId && who.role !== 'admin') throw new ForbiddenError('Only admins can reassign a course');
  const [row] = await db
    .update(courses)
    .set({ ...patch, updatedAt: now })
    .where(eq(courses.id, course.id))
    .returning();
  return toCourse(row!);
}

export async function deleteCourse(db: Database, who: AccessClaims, id: string): Promise<void> {
  const course = await manageableCourse(db, who, id);
  await db.delete(courses).where(eq(courses.id, course.id));
}

export async function enrolledStudents(db: Database, who: AccessClaims, id: string): Promise<User[]> {
  const course = await getCourse(db, id);
  if (who.role === 'teacher') assertCanManageCourse(who, course);
  const rows = await db
    .select({ u: users })
    .from(enrolments)
    .innerJoin(users, eq(users.id, enrolments.userId))
    .where(eq(enrolments.courseId, course.id))
    .orderBy(asc(users.name));
  return rows.map((x) => toPublicUser(x.u));
}

/** Enrols students (idempotent); every id must be an existing student. */
export async function enrol(db: Database, who: AccessClaims, id: string, userIds: string[]): Promise<number> {
  const course = await manageableCourse(db, who, id);
  const ids = [...new Set(userIds)];
  const found = await db.select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, ids));
  if (found.length !== ids.length) throw new ValidationError('Some users do not exist');
  if (found.some((u) => u.role !== 'student')) throw new ValidationError('Only students can be enrolled');
  await db
    .insert(enrolments)
    .values(ids.map((userId) => ({ courseId: course.id, userId })))
    .onConflictDoNothing();
  return ids.length;
}

export async function unenrol(db: Database, who: AccessClaims, id: string, userId: string): Promise<void> {
  const course = await manageableCourse(db, who, id);
  await db.delete(enrolments).where(and(eq(enrolments.courseId, course.id), eq(enrolments.userId, userId)));
}
