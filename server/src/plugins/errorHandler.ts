// One error handler: AppErrors and 4xx pass through with `{ error: { code, message } }`;
// a backing service that is away (Redis or Postgres restarting) is a 503 the client can put in words;
// everything else is logged and masked as a 500.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '@lectern/db';
import { BusRequestError } from '../bus/Bus.js';
import { AppError, TooManyRequestsError } from '../errors.js';
import { describeProblems } from '../http/validationWords.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Seconds a client is told to wait when a backing service is away. */
const UNAVAILABLE_RETRY_SECONDS = 5;

/**
 * True for the errors of a Redis that does not answer: ioredis gives up on a command after
 * its retries (MaxRetriesPerRequestError) or on a closed connection; the bus reports itself
 * unavailable; Postgres refuses connections, drops them or is still starting up
 * (isDatabaseUnavailable). None of them is a bug of the request: a 503 with Retry-After, not a 500.
 */
export function isBackendUnavailable(err: unknown): boolean {
  if (err instanceof BusRequestError) return err.code === 'unavailable';
  if (isDatabaseUnavailable(err)) return true;
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || err.constructor.name === 'MaxRetriesPerRequestError' || err.message === 'Connection is closed.';
}

async function errorHandler(app: FastifyInstance): Promise<void> {
  app.setErrorHandler<FastifyError | AppError>((err, request, reply) => {
    if (err instanceof AppError) {
      if (err instanceof TooManyRequestsError) void reply.header('retry-after', String(err.retryAfterSeconds));
      if (err.statusCode >= 500) request.log.error({ err }, 'request failed');
      const body: ErrorBody = {
        error: { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) },
      };
      return reply.status(err.statusCode).send(body);
    }
    const fe = err;
    if (fe.validation) {
      const { message, fields } = describeProblems(fe.validation);
      return reply.status(400).send({ error: { code: 'validation_failed', message, details: { in: fe.validationContext ?? 'body', fields } } });
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: fe.code ?? 'bad_request', message: fe.message } });
    }
    if (isBackendUnavailable(err)) {
      request.log.warn({ err: err.message }, 'a backing service is unavailable');
      void reply.header('retry-after', String(UNAVAILABLE_RETRY_SECONDS));
      return reply.status(503).send({ error: { code: 'unavailable', message: 'The service is briefly unavailable. Try again in a moment.' } });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal server error' } });
  });
}

export default fp(errorHandler, { name: 'lectern-errors', fastify: '5.x' });
