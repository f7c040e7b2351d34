// /api/sessions: schedule, list, get, start, end, room settings. Bodies and answers are
// the contract's; the rules and SQL live in the services.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import { updateRoomSettings } from '../rooms/roomAccess.js';
import type { RouteDeps } from '../routes.js';
import { CreateSessionBody, PatchRoomBody, SessionDto, SessionListQuery } from './contract.js';
import { assertCanView, getSessionRow, hostableSession } from './sessionAccess.js';
import { toSessionDto } from './sessionDto.js';
import { listSessions, scheduleFromBody, sessionWithSeries } from './sessionQueries.js';
import { endSession, startSession } from './sessionService.js';

export async function sessionRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;
  const tags = ['sessions'];

  r.post(
    '/api/sessions',
    {
      schema: {
        tags,
        summary: 'Schedule a session or a recurring series (teacher, mentor, admin)',
        description: 'Returns the session; for a series the first occurrence, with `seriesId` (list all with GET /api/sessions?seriesId=).',
        body: CreateSessionBody,
        response: { 201: SessionDto },
      },
      onRequest: app.requireRole('admin', 'teacher', 'mentor'),
    },
    async (request, reply) => reply.status(201).send(await scheduleFromBody(ctx, caller(request), request.body)),
  );

  r.get(
    '/api/sessions',
    {
      schema: {
        tags,
        summary: 'Sessions I host, co-host, am invited to or whose course I take (admins: all); filters by status, series, host, course, time range',
        querystring: SessionListQuery,
        response: { 200: z.array(SessionDto) },
      },
      onRequest: app.requireAuth,
    },
    async (request) => listSessions(db, caller(request), request.query),
  );

  r.get(
    '/api/sessions/:id',
    {
      schema: { tags, summary: 'One session (with its series rule when recurring)', params: IdParams, response: { 200: SessionDto } },
      onRequest: app.requireAuth,
    },
    async (request) => {
      const session = await getSessionRow(db, request.params.id);
      await assertCanView(db, caller(request), session);
      return sessionWithSeries(db, session);
    },
  );

  r.post(
    '/api/sessions/:id/start',
    { schema: { tags, summary: 'Start the session (status live)', params: IdParams, response: { 200: SessionDto } }, onRequest: app.requireAuth },
    async (request) => {
      const session = await hostableSession(db, caller(request), request.params.id);
      return toSessionDto(await startSession(ctx, session.id, caller(request).userId));
    },
  );

  r.post(
    '/api/sessions/:id/end',
    {
      schema: { tags, summary: 'End the session for everyone: peers leave, tokens stop working', params: IdParams, response: { 200: SessionDto } },
      onRequest: app.requireAuth,
    },
    async (request) => {
      const session = await hostableSession(db, caller(request), request.params.id);
      return toSessionDto(await endSession(ctx, session.id));
    },
  );

  r.patch(
    '/api/sessions/:id/room',
    {
      schema: {
        tags,
        summary: 'Room settings: guest access (lobby/open), lock; the people in the room are told at once',
        params: IdParams,
        body: PatchRoomBody,
        response: { 200: SessionDto },
      },
      onRequest: app.requireAuth,
    },
    async (request) => {
      const session = await hostableSession(db, caller(request), request.params.id);
      return toSessionDto(await updateRoomSettings(ctx, session.id, request.body));
    },
  );
}
