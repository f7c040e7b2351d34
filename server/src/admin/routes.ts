import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams } from '../http/contract.js';
import type { RouteDeps } from '../routes.js';
import { ArchiveBody, BulkEnrolBody, BulkEnrolResult, CourseList, CourseListQuery, CourseSummary, RoomLayout, SessionIdParams } from './contract.js';
import { bulkEnrol, listCourses, roomLayout, setArchived } from './service.js';

export async function adminRoutes(app: FastifyInstance, { ctx, services }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const admin = app.requireRole('admin');

  r.get(
    '/api/admin/courses',
    { schema: { tags: ['admin'], summary: 'Every course with its teacher, head count and archive state (admin)', querystring: CourseListQuery, response: { 200: CourseList } }, onRequest: admin },
    async (request) => listCourses(ctx.db, request.query.archived),
  );

  r.post(
    '/api/admin/courses/:id/archive',
    { schema: { tags: ['admin'], summary: 'Archive or restore a course (admin)', params: IdParams, body: ArchiveBody, response: { 200: CourseSummary } }, onRequest: admin },
    async (request) => setArchived(ctx.db, request.params.id, request.body.archived, ctx.clock.now()),
  );

  r.post(
    '/api/admin/courses/:id/enrolments/bulk',
    {
      schema: {
        tags: ['admin'],
        summary: 'Enrol students by email, one row each (pasted or from a CSV); dryRun previews; each row says what happens or what is wrong (admin)',
        params: IdParams,
        body: BulkEnrolBody,
        response: { 200: BulkEnrolResult },
      },
      onRequest: admin,
    },
    async (request) => bulkEnrol(ctx.db, request.params.id, request.body.emails, request.body.dryRun),
  );

  r.get(
    '/api/admin/rooms/:sessionId',
    {
      schema: {
        tags: ['admin'],
        summary: "Where a session's room runs: each SFU node with its routers (one per mediasoup worker) and their peers; empty nodes when the room is not live (admin)",
        params: SessionIdParams,
        response: { 200: RoomLayout },
      },
      onRequest: admin,
    },
    async (request) => roomLayout(ctx.db, services.sfu, request.params.sessionId),
  );
}
