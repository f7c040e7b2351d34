// /api/courses: courses and enrolment (rules and SQL in courseService.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, NoContent } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { User } from '../users/contract.js';
import { Course, CreateCourseBody, EnrolBody, EnrolParams, EnrolResult, UpdateCourseBody } from './contract.js';
import { createCourse, deleteCourse, enrol, enrolledStudents, unenrol, updateCourse, viewCourse, visibleCourses } from './courseService.js';

export async function courseRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const tags = ['courses'];
  const managers = app.requireRole('admin', 'teacher');

  r.post(
    '/api/courses',
    { schema: { tags, summary: 'Create a course (teacher, admin)', body: CreateCourseBody, response: { 201: Course } }, onRequest: managers },
    async (request, reply) => reply.status(201).send(await createCourse(db, caller(request), request.body)),
  );

  r.get(
    '/api/courses',
    { schema: { tags, summary: 'Courses I can see', response: { 200: z.array(Course) } }, onRequest: app.requireAuth },
    async (request) => visibleCourses(db, caller(request)),
  );

  r.get(
    '/api/courses/:id',
    { schema: { tags, summary: 'One course', params: IdParams, response: { 200: Course } }, onRequest: app.requireAuth },
    async (request) => viewCourse(db, caller(request), request.params.id),
  );

  r.patch(
    '/api/courses/:id',
    { schema: { tags, summary: 'Update a course', params: IdParams, body: UpdateCourseBody, response: { 200: Course } }, onRequest: managers },
    async (request) => updateCourse(db, caller(request), request.params.id, request.body, clock.now()),
  );

  r.delete(
    '/api/courses/:id',
    { schema: { tags, summary: 'Delete a course', params: IdParams, response: { 204: NoContent } }, onRequest: managers },
    async (request, reply) => {
      await deleteCourse(db, caller(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/courses/:id/enrolments',
    {
      schema: { tags, summary: 'Students enrolled in a course', params: IdParams, response: { 200: z.array(User) } },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request) => enrolledStudents(db, caller(request), request.params.id),
  );

  r.post(
    '/api/courses/:id/enrolments',
    { schema: { tags, summary: 'Enrol students', params: IdParams, body: EnrolBody, response: { 200: EnrolResult } }, onRequest: managers },
    async (request) => ({ enrolled: await enrol(db, caller(request), request.params.id, request.body.userIds) }),
  );

  r.delete(
    '/api/courses/:id/enrolments/:userId',
    { schema: { tags, summary: 'Remove a student from a course', params: EnrolParams, response: { 204: NoContent } }, onRequest: managers },
    async (request, reply) => {
      await unenrol(db, caller(request), request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
}
