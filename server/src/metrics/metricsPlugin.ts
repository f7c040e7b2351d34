// GET /metrics (Prometheus text) behind its own bearer token, LECTERN_METRICS_TOKEN, and
// the HTTP latency histogram. The route is not in OpenAPI (schema.hide: it is for the
// scraper, not API clients; README "Metrics" documents it) and its auth is the metrics
// token, not a user: without the token configured it answers 404 as if absent, with a
// missing or wrong bearer 401. Registered before lectern-auth: its onRequest hook answers
// /metrics first, because lectern-auth would read the metrics token as a (bad) access token.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { NotFoundError, UnauthorizedError } from '../errors.js';
import type { LecternMetrics } from './metrics.js';

export const METRICS_PATH = '/metrics';

export interface MetricsPluginOptions {
  /** LECTERN_METRICS_TOKEN; undefined: the route answers 404. */
  token: string | undefined;
  /** The process's registry (present exactly when the token is). */
  metrics: LecternMetrics | undefined;
}

/** Compares digests, so neither the token's content nor its length leaks through timing. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? '');
  if (!match?.[1]) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

async function metricsPlugin(app: FastifyInstance, { token, metrics }: MetricsPluginOptions): Promise<void> {
  const serve = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (token === undefined || !metrics) throw new NotFoundError(`No route for ${request.method} ${METRICS_PATH}`);
    if (!tokenMatches(request.headers.authorization, token)) {
      void reply.header('www-authenticate', 'Bearer realm="lectern-metrics"');
      throw new UnauthorizedError('A valid metrics bearer token is required');
    }
    const body = await metrics.render();
    return reply.header('cache-control', 'no-store').type(metrics.contentType).send(body);
  };
  // Hidden from OpenAPI, so the route-auth check (routeAuth.ts) does not apply; the token is its auth.
  app.get(METRICS_PATH, { schema: { hide: true } }, serve);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== METRICS_PATH || (request.method !== 'GET' && request.method !== 'HEAD')) return;
    await serve(request, reply);
    return reply;
  });
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern, never the raw URL (ids and unknown paths would make a series each).
      metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
  }
}

export default fp(metricsPlugin, { name: 'lectern-metrics', fastify: '5.x' });
