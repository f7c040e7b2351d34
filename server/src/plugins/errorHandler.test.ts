import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { BusRequestError } from '../bus/Bus.js';
import errorHandler, { isBackendUnavailable } from './errorHandler.js';

/** ioredis's error when a command gave up on a Redis that does not answer (same name, same words). */
class MaxRetriesPerRequestError extends Error {
  constructor() {
    super('Reached the max retries per request limit (which is 3). Refer to "maxRetriesPerRequest" option for details.');
  }
}

async function answerTo(err: Error): Promise<{ status: number; retryAfter: string | undefined; body: unknown }> {
  const app = Fastify({ logger: false });
  await app.register(errorHandler);
  app.get('/x', () => {
    throw err;
  });
  const res = await app.inject({ method: 'GET', url: '/x' });
  await app.close();
  return { status: res.statusCode, retryAfter: res.headers['retry-after'], body: res.json() };
}

describe('error handler', () => {
  it('a Redis that does not answer is a 503 with Retry-After and words for the user, not a 500', async () => {
    for (const err of [new MaxRetriesPerRequestError(), new Error('Connection is closed.'), new BusRequestError('unavailable', 'bus is not connected')]) {
      expect(isBackendUnavailable(err)).toBe(true);
      const res = await answerTo(err);
      expect(res).toEqual({ status: 503, retryAfter: '5', body: { error: { code: 'unavailable', message: 'The service is briefly unavailable. Try again in a moment.' } } });
    }
  });

  it('any other error is still masked as a 500', async () => {
    expect(isBackendUnavailable(new BusRequestError('timeout', 'no answer'))).toBe(false);
    const res = await answerTo(new Error('boom'));
    expect(res).toEqual({ status: 500, retryAfter: undefined, body: { error: { code: 'internal', message: 'Internal server error' } } });
  });
});
