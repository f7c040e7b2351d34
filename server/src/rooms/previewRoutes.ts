// GET /api/join/:code: the session a live code opens (title, host, state), so the join page
// can name it, or say the code is dead, before anyone types a name. Same 404 for unknown,
// expired, revoked and ended codes; the same per-IP and global limits as POST /api/join.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { TooManyRequestsError } from '../errors.js';
import type { RouteDeps } from '../routes.js';
import { CodePreview, PreviewParams } from './contract.js';
import { codePreview } from './preview.js';

export async function codePreviewRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock, config, counters } = ctx;

  r.get(
    '/api/join/:code',
    { schema: { tags: ['codes'], summary: 'The session a join code opens: title, host and state (404 when the code is not live)', params: PreviewParams, security: [], response: { 200: CodePreview } } },
    async (request) => {
      const window = config.codes.rateWindowSeconds;
      const [perIp, global] = await Promise.all([counters.hit(`join:ip:${request.ip}`, window), counters.hit('join:global', window)]);
      if (perIp.count > config.codes.ratePerIp) throw new TooManyRequestsError(perIp.resetSeconds);
      if (global.count > config.codes.rateGlobal) throw new TooManyRequestsError(global.resetSeconds);
      return codePreview(db, clock, request.params.code);
    },
  );
}
