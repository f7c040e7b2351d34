import { and, asc, eq, exists, or, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { GUEST_ACCESS, SESSION_MODES, SESSION_TYPES, sessionCohosts, sessionInvitees, sessions } from '@lectern/db';
import type { AppContext } from '../context.js';
import { IdParams, TimeZone } from '../http/schemas.js';
import { caller } from '../plugins/authPlugin.js';
import { toSessionDto } from './sessionDto.js';
import { assertCanHost, assertCanView, getSessionRow } from './sessionAccess.js';
import { endSession, startSession } from './sessionService.js';

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
});

const ListQuery = z.object({
  status: z.enum(['scheduled', 'live', 'completed', 'cancelled']).optional(),
  seriesId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

const PatchRoomBody = z
  .object({ guestAccess: z.enum(GUEST_ACCESS), locked: z.boolean() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to update');

export async function sessionRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;

  r.post(
    '/api/sessions',
    {
      schema: { tags: ['sessions'], summary: 'Schedule a session (teacher, mentor, admin)', body: CreateSessionBody },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request, reply) => {
      const who = caller(request);
      const b = request.body;
      const [row] = await db
        .insert(sessions)
        .values({ ...b, scheduledAt: new Date(b.scheduledAt), hostId: who.userId })
        .returning();
      return reply.status(201).send(toSessionDto(row!));
    },
  );

  r.get(
    '/api/sessions',
    { schema: { tags: ['sessions'], summary: 'Sessions I host, co-host or am invited to (admins: all)', querystring: ListQuery }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const { status, seriesId, limit } = request.query;
      const mine =
        who.role === 'admin'
          ? undefined
          : or(
              eq(sessions.hostId, who.userId),
              exists(db.select({ x: sql`1` }).from(sessionCohosts).where(and(eq(sessionCohosts.sessionId, sessions.id), eq(sessionCohosts.userId, who.userId)))),
              exists(db.select({ x: sql`1` }).from(sessionInvitees).where(and(eq(sessionInvitees.sessionId, sessions.id), eq(sessionInvitees.userId, who.userId)))),
            );
      const rows = await db
        .select()
        .from(sessions)
        .where(and(mine, status ? eq(sessions.status, status) : undefined, seriesId ? eq(sessions.seriesId, seriesId) : undefined))
        .orderBy(asc(sessions.scheduledAt))
        .limit(limit);
      return rows.map(toSessionDto);
    },
  );

  r.get(
    '/api/sessions/:id',
    { schema: { tags: ['sessions'], summary: 'One session', params: IdParams }, onRequest: app.requireAuth },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanView(db, caller(request), session);
      return toSessionDto(session);
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
