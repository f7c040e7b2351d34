// Request logs carry no query strings (access tokens of <video> URLs) and no secrets in
// paths (calendar feeds, booking and reset links, join codes).
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { loggableUrl } from './logUrls.js';

describe('loggableUrl', () => {
  it.each([
    ['/api/recordings/abc/media?token=eyJhbGciOi.secret.sig', '/api/recordings/abc/media?[redacted]'],
    ['/api/calendar/Zm9vYmFyYmF6cXV4cXV1eA.ics', '/api/calendar/[redacted]'],
    ['/api/bookings/manage/tok123456789/cancel', '/api/bookings/manage/[redacted]/cancel'],
    ['/bookings/manage/tok123456789', '/bookings/manage/[redacted]'],
    ['/reset/abcdefghijkl', '/reset/[redacted]'],
    ['/setup/abcdefghijkl?x=1', '/setup/[redacted]?[redacted]'],
    ['/j/ABCD2345', '/j/[redacted]'],
    ['/api/join/ABCD2345', '/api/join/[redacted]'],
    ['/api/sessions/5f0c/codes/ABCD2345', '/api/sessions/5f0c/codes/[redacted]'],
    ['/api/sessions/5f0c', '/api/sessions/5f0c'],
    ['/api/sessions/5f0c/codes', '/api/sessions/5f0c/codes'],
  ])('%s -> %s', (url, logged) => {
    expect(loggableUrl(url)).toBe(logged);
  });
});

describe('request logs', () => {
  it('use the loggable URL', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = Fastify({ loggerInstance: createLogger('info', sink) });
    app.get('/api/calendar/:token', async () => 'ok');
    app.get('/api/recordings/:id/media', async () => 'ok');
    await app.inject({ method: 'GET', url: '/api/calendar/SuperSecretFeedToken123.ics' });
    await app.inject({ method: 'GET', url: '/api/recordings/r1/media?token=AccessTokenValue' });
    await app.close();
    const log = lines.join('');
    expect(log).toContain('incoming request');
    expect(log).toContain('/api/calendar/[redacted]');
    expect(log).not.toContain('SuperSecretFeedToken123');
    expect(log).not.toContain('AccessTokenValue');
  });
});
