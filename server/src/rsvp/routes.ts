import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { RsvpBody, RsvpState } from './contract.js';
import { answerRsvp, rsvpState } from './service.js';

export async function rsvpRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/sessions/:id/rsvp',
    { schema: { tags: ['sessions'], summary: 'My answer to "Will you come?" and the tally', params: IdParams, response: { 200: RsvpState } }, onRequest: app.requireAuth },
    async (request) => rsvpState(ctx.db, caller(request), request.params.id),
  );
  r.put(
    '/api/sessions/:id/rsvp',
    { schema: { tags: ['sessions'], summary: 'Answer "Will you come?" (invitees): yes, maybe or no', params: IdParams, body: RsvpBody, response: { 200: RsvpState } }, onRequest: app.requireAuth },
    async (request) => answerRsvp(ctx.db, caller(request), request.params.id, request.body.response, ctx.clock.now()),
  );
}
