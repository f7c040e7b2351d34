// Liveness and readiness probes.
import type { FastifyInstance } from 'fastify';
import { withDeadline } from '../infra/deadline.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { ReadinessError } from '../errors.js';

const Health = z.object({ status: z.literal('ok') });
const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.string()).describe("each check: 'ok', 'failed' (details in the server log) or a public reason such as 'draining' or 'timed out'"),
});

export async function healthRoutes(fastify: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/healthz', { schema: { tags: ['ops'], summary: 'Liveness: 200 while the process lives', security: [], response: { 200: Health } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: { tags: ['ops'], summary: 'Readiness: 200 only when the database (and Redis/SFU where configured) answer', security: [], response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    const checks: Record<string, string> = {};
    let ready = true;
    const all: [string, () => Promise<void>][] = [['database', () => ctx.dbHandle.ping()], ...ctx.readinessChecks];
    await Promise.all(
      all.map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          checks[name] = 'ok';
        } catch (err) {
          ready = false;
          // The probe is public: a backend's error text can name hosts and users, so it goes to the log only.
          checks[name] = err instanceof ReadinessError ? err.message : 'failed';
          if (!(err instanceof ReadinessError)) ctx.logger.warn({ check: name, err: err instanceof Error ? err.message : String(err) }, 'readiness check failed');
        }
      }),
    );
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> => withDeadline(p, ms, () => new ReadinessError('timed out'));
