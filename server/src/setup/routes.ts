import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteDeps } from '../routes.js';
import { SetupBody, SetupResult, SetupStatus } from './contract.js';
import { completeSetup, setupNeeded } from './service.js';

export async function setupRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/setup',
    { schema: { tags: ['setup'], summary: 'Whether the first admin still has to be created', security: [], response: { 200: SetupStatus } } },
    async () => ({ needed: await setupNeeded(ctx.db) }),
  );

  r.post(
    '/api/setup',
    {
      schema: {
        tags: ['setup'],
        summary: 'Create the first admin with the one-time token from the server log (201 once; 409 afterwards)',
        security: [],
        body: SetupBody,
        response: { 201: SetupResult },
      },
    },
    async (request, reply) => {
      const result = await completeSetup(ctx, request.body);
      request.log.info({ email: result.user.email }, 'first admin created through the setup link');
      return reply.status(201).send(result);
    },
  );
}
