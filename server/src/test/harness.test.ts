// The harness keeps its promise: with REDIS_URL set (here a private redis-server, so the test
// needs nothing from the environment) every test app's bus and counters are on Redis under a
// prefix of its own, and closing the app removes its keys and closes its connections.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRedis } from '../cluster/test/testRedis.js';
import { RedisCounterStore } from '../infra/counters.js';
import { createTestApp, testEnv, type TestApp } from './harness.js';

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('test harness with REDIS_URL', () => {
  let server: TestRedis;
  let probe: Redis;
  const saved = process.env.REDIS_URL;
  beforeAll(async () => {
    server = await TestRedis.start();
    probe = new Redis(server.url);
    process.env.REDIS_URL = server.url;
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
    probe?.disconnect();
    await server?.stop();
  });

  it('testEnv adds REDIS_URL with a fresh prefix each time; an explicit REDIS_URL (even empty) wins', () => {
    const [a, b] = [testEnv(), testEnv()];
    expect(a.REDIS_URL).toBe(server.url);
    expect(a.LECTERN_REDIS_PREFIX).toMatch(/^lectern-test-[0-9a-f]{12}:$/);
    expect(b.LECTERN_REDIS_PREFIX).not.toBe(a.LECTERN_REDIS_PREFIX);
    expect(testEnv({ REDIS_URL: '' })).toMatchObject({ REDIS_URL: '' });
    expect(testEnv({ REDIS_URL: '' }).LECTERN_REDIS_PREFIX).toBeUndefined();
  });

  it('two test apps run on Redis, each under its own prefix, and leave nothing behind', async () => {
    const apps: TestApp[] = [await createTestApp('pglite'), await createTestApp('pglite')];
    const [a, b] = apps as [TestApp, TestApp];
    try {
      expect(a.runtime.redis).toBeDefined();
      expect(a.runtime.ctx.counters).toBeInstanceOf(RedisCounterStore);
      const prefix = a.config.cluster.redisPrefix;
      expect(prefix).not.toBe(b.config.cluster.redisPrefix);

      await a.runtime.ctx.counters.hit('probe', 60);
      expect(await probe.exists(`${prefix}lectern:rlw:probe`)).toBe(1);
      expect(await b.runtime.ctx.counters.peek('probe')).toBeNull();

      // A bus message reaches Redis on a's channel, and b (another prefix) never sees it.
      const raw: string[] = [];
      const watcher = new Redis(server.url);
      await watcher.subscribe(`${prefix}lectern:session-events`);
      watcher.on('message', (_channel: string, m: string) => raw.push(m));
      const inB: unknown[] = [];
      await b.runtime.ctx.bus.subscribe('lectern:session-events', (m) => void inB.push(m));
      const event = { type: 'started' as const, sessionId: randomUUID() };
      await a.runtime.ctx.bus.publish('lectern:session-events', event);
      await until(() => raw.length === 1, 'the event on Redis');
      expect(JSON.parse(raw[0]!)).toEqual(event);
      watcher.disconnect();
      await b.runtime.ctx.bus.publish('lectern:session-events', event);
      await until(() => inB.length === 1, 'b to get its own event');

      await a.close();
      apps.shift();
      expect(await probe.keys(`${prefix}*`)).toEqual([]);
      expect(a.runtime.redis!.status).toBe('end');
    } finally {
      for (const t of apps) await t.close();
    }
  });
});
