import { createTestDb, type TestDb } from '@lectern/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startLectern, type Lectern } from '../lectern.js';
import { createLogger } from '../logger.js';
import { dbKinds, testEnv } from '../test/harness.js';
import { TestRedis } from './test/testRedis.js';

describe.each(dbKinds())('API node drain on %s', (kind) => {
  let redis: TestRedis;
  let db: TestDb;
  let lectern: Lectern;

  beforeAll(async () => {
    redis = await TestRedis.start();
    db = await createTestDb(kind);
    const config = loadConfig(testEnv({ LECTERN_ROLE: 'api', REDIS_URL: redis.url, LECTERN_NODE_ID: 'api-drain', LECTERN_DRAIN_TIMEOUT_SECONDS: '30' }));
    lectern = await startLectern(config, { db, listen: false, serveClient: false, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await lectern?.close();
    await db?.destroy();
    await redis?.stop();
  });

  it('API node drain turns readiness false and finishes at once when no socket is connected', async () => {
    const app = lectern.app!;
    const before = await app.inject({ method: 'GET', url: '/readyz' });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ checks: { database: 'ok', redis: 'ok', drain: 'ok' } });
    expect(lectern.sfuHost).toBeUndefined();

    await expect(lectern.drain()).resolves.toBe('empty');
    const after = await app.inject({ method: 'GET', url: '/readyz' });
    expect(after.statusCode).toBe(503);
    expect(after.json()).toMatchObject({ status: 'not_ready', checks: { drain: 'draining' } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('API node reports not ready while Redis is away and ready again after it returns', async () => {
    const fresh = await startLectern(loadConfig(testEnv({ LECTERN_ROLE: 'api', REDIS_URL: redis.url, LECTERN_NODE_ID: 'api-redis' })), {
      db,
      listen: false,
      serveClient: false,
      logger: createLogger('silent'),
    });
    try {
      const app = fresh.app!;
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      await redis.stop();
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      await redis.start();
      await expect.poll(async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode, { timeout: 10_000 }).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
