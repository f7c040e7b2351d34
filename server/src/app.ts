// Builds the Fastify app without listening: tests drive it with app.inject(), main.ts
// listens. Infrastructure plugins first, then the route modules, then the browser app.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from './context.js';
import { createMetrics, type LecternMetrics } from './metrics/metrics.js';
import metricsPlugin from './metrics/metricsPlugin.js';
import authPlugin from './plugins/authPlugin.js';
import errorHandler from './plugins/errorHandler.js';
import { registerSecurityHeaders } from './plugins/securityHeaders.js';
import { fastifyTrustProxy } from './http/trustProxy.js';
import { API_ROUTES, type ApiServices } from './routes.js';

export interface BuildAppOptions {
  /** Services the routes call (the recorder, ...); a route whose service is absent answers 501. */
  services?: ApiServices;
  /** Serve the built browser app (default: when client/dist exists). */
  serveClient?: boolean;
  /** The process's metrics (lectern.ts fills in its sources); default: a registry of its own when LECTERN_METRICS_TOKEN is set. */
  metrics?: LecternMetrics;
}

export const BODY_LIMIT_BYTES = 256 * 1024;

export async function buildApp(ctx: AppContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; tsc needs the cast to pick the generic parameter.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy),
    routerOptions: { maxParamLength: 200 },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorHandler);
  await registerSecurityHeaders(app, ctx.config);
  // Before lectern-auth, whose bearer check would refuse the metrics token (metricsPlugin.ts).
  const metrics = opts.metrics ?? (ctx.config.metricsToken === undefined ? undefined : createMetrics(ctx));
  await app.register(metricsPlugin, { token: ctx.config.metricsToken, metrics });
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lectern API',
        version: '0.1.0',
        description: 'Self-hosted live teaching: sessions, join codes, rooms, attendance, notifications.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(authPlugin, { ctx });

  const services = opts.services ?? {};
  for (const mod of API_ROUTES) await app.register(mod, { ctx, services });

  const index = join(ctx.config.clientDist, 'index.html');
  const serveClient = (opts.serveClient ?? true) && existsSync(index);
  if (serveClient) {
    await app.register(fastifyStatic, { root: ctx.config.clientDist, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const isApi = path.startsWith('/api/') || path.startsWith('/socket.io');
    if (serveClient && request.method === 'GET' && !isApi && !/\.[a-z0-9]+$/i.test(path)) {
      // Browser routes (/j/CODE, /sessions/...) are rendered by the single-page app.
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'not_found', message: `No route for ${request.method} ${path}` } });
  });
  return app;
}
