import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  GUEST_ACCESS,
  SESSION_MODES,
  SESSION_STATUSES,
  SESSION_TYPES,
  sessions,
  sessionSeries,
  users,
  type Database,
} from '@lectern/db';
import type { AppContext } from '../context.js';
import { ForbiddenError } from '../errors.js';
import { IdParams, TimeZone } from '../http/schemas.js';
import { caller } from '../plugins/authPlugin.js';
import { assertCourseUsable, assertInvitable, assertStaff, studentsOfCourses } from '../scheduling/scheduleRules.js';
import { createScheduled } from '../scheduling/scheduleService.js';
import { listableBy } from '../scheduling/visibility.js';
import { toSessionDto } from './sessionDto.js';
import type { SessionRow } from './sessionAccess.js';
import { assertCanHost, assertCanView, getSessionRow } from './sessionAccess.js';
import { endSession, startSession } from './sessionService.js';

const LinkMaterial = z.object({ kind: z.literal('link').default('link'), title: z.string().trim().min(1).max(200), url: z.url().max(2000) });

export const CreateSessionBody = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(10_000).default(''),
  type: z.enum(SESSION_TYPES).default('class'),
  mode: z.enum(SESSION_MODES).default('video'),
  scheduledAt: z.iso.datetime({ offset: true }),
  durationMinutes: z.number().int().min(5).max(24 * 60).default(60),
  timezone: TimeZone.default('UTC'),
  guestAccess: z.enum(GUEST_ACCESS).default('lobby'),
  participantLimit: z.number().int().min(2).max(1000).optional(),
  courseId: z.uuid().optional(),
  meetingUrl: z.url().max(2000).optional(),
  priceCents: z.number().int().min(0).max(10_000_000).default(0),
  currency: z.string().length(3).default('EUR'),
  invitees: z.array(z.uuid()).max(1000).default([]).describe('user ids of invited students'),
  inviteCourseIds: z.array(z.uuid()).max(50).default([]).describe('invite every student enrolled in these courses (as of now)'),
  cohostIds: z.array(z.uuid()).max(20).default([]),
  hostId: z.uuid().optional().describe('admins only: the teacher or mentor who hosts (mentor assignment)'),
  recurrence: z
    .string()
    .max(500)
    .optional()
    .describe("RFC 5545 RRULE subset, e.g. 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10'; expanded in `timezone` (at most 366 occurrences / 2 years)"),
  materials: z.array(LinkMaterial).max(50).default([]),
});

const ListQuery = z.object({
  status: z.enum(SESSION_STATUSES).optional(),
  seriesId: z.uuid().optional(),
  hostId: z.uuid().optional(),
  courseId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional().describe('only sessions that end after this instant'),
  to: z.iso.datetime({ offset: true }).optional().describe('only sessions that start before this instant'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

const PatchRoomBody = z
  .object({ guestAccess: z.enum(GUEST_ACCESS), locked: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

/** Host display names for a page of sessions. */
export async function hostNames(db: Database, rows: SessionRow[]): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((r) => r.hostId))];
  if (!ids.length) return new Map();
  const found = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ids));
  return new Map(found.map((u) => [u.id, u.name]));
}

export async function sessionRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post(
    '/api/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Schedule a session or a recurring series (teacher, mentor, admin)',
        description: 'Returns the session; for a series the first occurrence, with `seriesId` (list all with GET /api/sessions?seriesId=).',
        body: CreateSessionBody,
      },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request, reply) => {
      const who = caller(request);
      const { invitees, inviteCourseIds, cohostIds, hostId: requestedHost, scheduledAt, recurrence, materials, ...fields } = request.body;
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
      return reply.status(201).send(toSessionDto(first, { hostName: names.get(first.hostId) }));
    },
  );

  r.get(
    '/api/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Sessions I host, co-host, am invited to or whose course I take (admins: all); filters by status, series, host, course, time range',
        querystring: ListQuery,
      },
      onRequest: app.requireAuth,
    },
    async (request) => {
      const who = caller(request);
      const q = request.query;
      const mine = listableBy(db, who);
      const rows = await db
        .select()
        .from(sessions)
        .where(
          and(
            mine,
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
      const names = await hostNames(db, rows);
      return rows.map((s) => toSessionDto(s, { hostName: names.get(s.hostId) ?? '' }));
    },
  );

  r.get(
    '/api/sessions/:id',
    { schema: { tags: ['sessions'], summary: 'One session (with its series rule when recurring)', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanView(db, caller(request), session);
      const names = await hostNames(db, [session]);
      let recurrence: string | undefined;
      if (session.seriesId) {
        const [series] = await db.select({ rrule: sessionSeries.rrule }).from(sessionSeries).where(eq(sessionSeries.id, session.seriesId));
        recurrence = series?.rrule;
      }
      return toSessionDto(session, { hostName: names.get(session.hostId) ?? '', recurrence });
    },
  );

  r.post(
    '/api/sessions/:id/start',
    { schema: { tags: ['sessions'], summary: 'Start the session (status live)', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanHost(db, caller(request), session);
      return toSessionDto(await startSession(ctx, session.id, caller(request).userId));
    },
  );

  r.post(
    '/api/sessions/:id/end',
    {
      schema: { tags: ['sessions'], summary: 'End the session for everyone: peers leave, tokens stop working', params: IdParams },
      onRequest: app.requireAuth,
    },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanHost(db, caller(request), session);
      return toSessionDto(await endSession(ctx, session.id));
    },
  );

  r.patch(
    '/api/sessions/:id/room',
    { schema: { tags: ['sessions'], summary: 'Room settings: guest access (lobby/open), lock', params: IdParams, body: PatchRoomBody }, onRequest: app.requireAuth },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanHost(db, caller(request), session);
      const [row] = await db
        .update(sessions)
        .set({ ...request.body, updatedAt: ctx.clock.now() })
        .where(eq(sessions.id, session.id))
        .returning();
      await ctx.bus.publish('lectern:session-events', { type: 'updated', sessionId: session.id });
      return toSessionDto(row!);
    },
  );

}
