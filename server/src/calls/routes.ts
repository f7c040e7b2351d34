// HTTP API of instant calls. No SQL here.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { CallIdParams, CallJoin, CallOk, ChatIdParams, RingingCall, SessionCall } from './contract.js';
import { acceptCall, callOfSession, declineCall, hangupCall, ringingFor, startCall } from './service.js';

export async function callRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { ctx } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['calls'];
  const auth = { onRequest: app.requireAuth };

  r.post('/api/chats/:id/call', {
    ...auth,
    schema: { tags, summary: 'Start a call in a conversation and ring its members (201), or join its ringing/live call (200)', params: ChatIdParams, response: { 200: CallJoin, 201: CallJoin } },
  }, async (request, reply) => {
    const { join, created } = await startCall(ctx, caller(request), request.params.id);
    return reply.status(created ? 201 : 200).send(join);
  });

  r.post('/api/calls/:callId/accept', { ...auth, schema: { tags, summary: 'Answer a call: stops the ringing on every tab and returns a room token', params: CallIdParams, response: { 200: CallJoin } } }, async (request) =>
    acceptCall(ctx, caller(request), request.params.callId),
  );

  r.post('/api/calls/:callId/decline', { ...auth, schema: { tags, summary: 'Decline a ringing call (a direct call then ends)', params: CallIdParams, response: { 200: CallOk } } }, async (request) =>
    declineCall(ctx, caller(request), request.params.callId),
  );

  r.post('/api/calls/:callId/hangup', { ...auth, schema: { tags, summary: 'The caller hangs up before anyone answered', params: CallIdParams, response: { 200: CallOk } } }, async (request) =>
    hangupCall(ctx, caller(request), request.params.callId),
  );

  r.get('/api/sessions/:id/call', { ...auth, schema: { tags, summary: "The call a session belongs to (members of the call's conversation)", params: ChatIdParams, response: { 200: SessionCall } } }, async (request) =>
    callOfSession(ctx, caller(request).userId, request.params.id),
  );

  r.get('/api/me/calls/ringing', { ...auth, schema: { tags, summary: 'Calls ringing for me now', response: { 200: z.array(RingingCall) } } }, async (request) => ringingFor(ctx, caller(request).userId));
}
