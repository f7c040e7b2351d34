import { and, asc, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { courses, enrolments, users, type Database } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import { toPublicUser } from '../users/userService.js';

const CourseBody = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(5000).default(''),
  ownerId: z.uuid().optional(),
});
const CoursePatch = z.object({ title: z.string().trim().min(1).max(200), description: z.string().max(5000), ownerId: z.uuid() }).partial();
const EnrolBody = z.object({ userIds: z.array(z.uuid()).min(1).max(1000) });
const EnrolParams = z.object({ id: z.uuid(), userId: z.uuid() });

type CourseRow = typeof courses.$inferSelect;
const toCourse = (c: CourseRow) => ({
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

/** Admins manage every course; a teacher only their own. */
export function assertCanManageCourse(who: AccessClaims, course: CourseRow): void {
  if (who.role === 'admin') return;
  if (who.role === 'teacher' && course.ownerId === who.userId) return;
  throw new ForbiddenError('Only the course teacher or an admin can manage this course');
}

export async function courseRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  r.post(
    '/api/courses',
    { schema: { tags: ['courses'], summary: 'Create a course (teacher, admin)', body: CourseBody }, onRequest: app.requireRole('admin', 'teacher') },
    async (request, reply) => {
      const who = caller(request);
      let ownerId = who.userId;
      if (request.body.ownerId && request.body.ownerId !== who.userId) {
        if (who.role !== 'admin') throw new ForbiddenError('Only admins can create courses for someone else');
        const [owner] = await db.select().from(users).where(eq(users.id, request.body.ownerId));
        if (!owner || (owner.role !== 'teacher' && owner.role !== 'admin')) throw new ValidationError('ownerId must be a teacher');
        ownerId = owner.id;
      }
      const [row] = await db
        .insert(courses)
        .values({ title: request.body.title, description: request.body.description, ownerId })
        .returning();
      return reply.status(201).send(toCourse(row!));
    },
  );

  r.get('/api/courses', { schema: { tags: ['courses'], summary: 'Courses I can see' }, onRequest: app.requireAuth }, async (request) => {
    const who = caller(request);
    if (who.role === 'admin' || who.role === 'mentor') {
      return (await db.select().from(courses).orderBy(asc(courses.title))).map(toCourse);
    }
    if (who.role === 'teacher') {
      return (await db.select().from(courses).where(eq(courses.ownerId, who.userId)).orderBy(asc(courses.title))).map(toCourse);
    }
    const rows = await db
      .select({ c: courses })
      .from(enrolments)
      .innerJoin(courses, eq(courses.id, enrolments.courseId))
      .where(eq(enrolments.userId, who.userId))
      .orderBy(asc(courses.title));
    return rows.map((x) => toCourse(x.c));
  });

  r.get(
    '/api/courses/:id',
    { schema: { tags: ['courses'], summary: 'One course', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const course = await getCourse(db, request.params.id);
      if (who.role === 'student') {
        const [e] = await db
          .select()
          .from(enrolments)
          .where(and(eq(enrolments.courseId, course.id), eq(enrolments.userId, who.userId)));
        if (!e) throw new NotFoundError('Course not found');
      }
      return toCourse(course);
    },
  );

  r.patch(
    '/api/courses/:id',
    { schema: { tags: ['courses'], summary: 'Update a course', params: IdParams, body: CoursePatch }, onRequest: app.requireRole('admin', 'teacher') },
    async (request) => {
      const who = caller(request);
      const course = await getCourse(db, request.params.id);
      assertCanManageCourse(who, course);
      if (request.body.ownerId && who.role !== 'admin') throw new ForbiddenError('Only admins can reassign a course');
      const [row] = await db
        .update(courses)
        .set({ ...request.body, updatedAt: clock.now() })
        .where(eq(courses.id, course.id))
        .returning();
      return toCourse(row!);
    },
  );

  r.delete(
    '/api/courses/:id',
    { schema: { tags: ['courses'], summary: 'Delete a course', params: IdParams }, onRequest: app.requireRole('admin', 'teacher') },
    async (request, reply) => {
      const course = await getCourse(db, request.params.id);
      assertCanManageCourse(caller(request), course);
      await db.delete(courses).where(eq(courses.id, course.id));
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/courses/:id/enrolments',
    { schema: { tags: ['courses'], summary: 'Students enrolled in a course', params: IdParams }, onRequest: app.requireRole('admin', 'teacher', 'mentor') },
    async (request) => {
      const who = caller(request);
      const course = await getCourse(db, request.params.id);
      if (who.role === 'teacher') assertCanManageCourse(who, course);
      const rows = await db
        .select({ u: users })
        .from(enrolments)
        .innerJoin(users, eq(users.id, enrolments.userId))
        .where(eq(enrolments.courseId, course.id))
        .orderBy(asc(users.name));
      return rows.map((x) => toPublicUser(x.u));
    },
  );

  r.post(
    '/api/courses/:id/enrolments',
    { schema: { tags: ['courses'], summary: 'Enrol students', params: IdParams, body: EnrolBody }, onRequest: app.requireRole('admin', 'teacher') },
    async (request) => {
      const course = await getCourse(db, request.params.id);
      assertCanManageCourse(caller(request), course);
      const ids = [...new Set(request.body.userIds)];
      const found = await db.select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, ids));
      if (found.length !== ids.length) throw new ValidationError('Some users do not exist');
      if (found.some((u) => u.role !== 'student')) throw new ValidationError('Only students can be enrolled');
      await db
        .insert(enrolments)
        .values(ids.map((userId) => ({ courseId: course.id, userId })))
        .onConflictDoNothing();
      return { enrolled: ids.length };
    },
  );

  r.delete(
    '/api/courses/:id/enrolments/:userId',
    { schema: { tags: ['courses'], summary: 'Remove a student from a course', params: EnrolParams }, onRequest: app.requireRole('admin', 'teacher') },
    async (request, reply) => {
      const course = await getCourse(db, request.params.id);
      assertCanManageCourse(caller(request), course);
      await db.delete(enrolments).where(and(eq(enrolments.courseId, course.id), eq(enrolments.userId, request.params.userId)));
      return reply.status(204).send();
    },
  );
}
