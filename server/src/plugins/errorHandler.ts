// One error handler: AppErrors and 4xx pass through with `{ error: { code, message } }`;
// everything else is logged and masked as a 500.
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, TooManyRequestsError } from '../errors.js';
import { describeProblems } from '../http/validationWords.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
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
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal server error' } });
  });
}

export default fp(errorHandler, { name: 'lectern-errors', fastify: '5.x' });
