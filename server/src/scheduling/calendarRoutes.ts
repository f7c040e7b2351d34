// Calendar: per-session .ics download and the per-user secret iCalendar feed.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { FileBody, IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { viewableSession } from '../sessions/sessionAccess.js';
import { feedCalendar, feedToken, sessionCalendar } from './calendarService.js';
import { CalendarFeed, FeedTokenParams } from './contract.js';


const Ics = FileBody('text/calendar');

export async function calendarRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, clock } = ctx;
  const feedUrl = (token: string) => `${config.publicUrl}/api/calendar/${token}.ics`;

  r.get(
    '/api/sessions/:id/ics',
    { schema: { tags: ['calendar'], summary: 'One session as an iCalendar file (text/calendar)', params: IdParams, response: { 200: Ics } }, onRequest: app.requireAuth },
    async (request, reply) => {
      const session = await viewableSession(db, caller(request), request.params.id);
      return reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .header('content-disposition', `attachment; filename="lectern-${session.id}.ics"`)
        .send(await sessionCalendar(db, config.publicUrl, clock.now(), session));
    },
  );

  r.get(
    '/api/me/calendar',
    { schema: { tags: ['calendar'], summary: 'The URL of my secret calendar feed (iCalendar; created on first use)', response: { 200: CalendarFeed } }, onRequest: app.requireAuth },
    async (request) => ({ url: feedUrl(await feedToken(db, clock, caller(request).userId, false)) }),
  );

  r.post(
    '/api/me/calendar/regenerate',
    { schema: { tags: ['calendar'], summary: 'Replace my calendar feed secret; the old URL stops working', response: { 200: CalendarFeed } }, onRequest: app.requireAuth },
    async (request) => ({ url: feedUrl(await feedToken(db, clock, caller(request).userId, true)) }),
  );

  r.get(
    '/api/calendar/:token',
    {
      schema: {
        tags: ['calendar'],
        summary: "A user's calendar feed, public by its secret token (subscribe in a calendar app)",
        params: FeedTokenParams,
        response: { 200: Ics },
        security: [],
      },
    },
    async (request, reply) => {
      const body = await feedCalendar(db, config.publicUrl, clock.now(), request.params.token.replace(/\.ics$/, ''));
      return reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body);
    },
  );
}
