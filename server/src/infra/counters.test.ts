// The counters behind rate limits: Redis (shared by every node) and memory must agree, and
// both follow the app's clock, so a window ends at the same instant everywhere.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { TestRedis } from '../cluster/test/testRedis.js';
import { MemoryCounterStore, RedisCounterStore, type CounterStore } from './counters.js';

let redisServer: TestRedis;
let redis: Redis;
beforeAll(async () => {
  redisServer = await TestRedis.start();
  redis = new Redis(redisServer.url);
});
afterAll(async () => {
  redis.disconnect();
  await redisServer.stop();
});

const stores: [string, (clock: ManualClock) => CounterStore][] = [
  ['memory', (clock) => new MemoryCounterStore(clock)],
  ['redis', (clock) => new RedisCounterStore(redis, clock, `t-${randomBytes(4).toString('hex')}:`)],
];

describe.each(stores)('%s counters', (_name, make) => {
  it('count hits in a fixed window that ends by the clock, then start again', async () => {
    const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    const c = make(clock);
    expect(await c.peek('k')).toBeNull();
    expect(await c.hit('k', 60)).toEqual({ count: 1, resetSeconds: 60 });
    clock.advance(20_500);
    expect(await c.hit('k', 60)).toEqual({ count: 2, resetSeconds: 40 });
    expect(await c.peek('k')).toEqual({ count: 2, resetSeconds: 40 });
    expect(await c.hit('other', 60)).toMatchObject({ count: 1 });
    clock.advance(39_500); // exactly the end of the window
    expect(await c.peek('k')).toBeNull();
    expect(await c.hit('k', 60)).toEqual({ count: 1, resetSeconds: 60 });
  });

  it('reset forgets a key at once', async () => {
    const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
    const c = make(clock);
    await c.hit('k', 60);
    await c.hit('k', 60);
    await c.reset('k');
    expect(await c.peek('k')).toBeNull();
    expect(await c.hit('k', 60)).toMatchObject({ count: 1 });
  });
});

describe('redis counters', () => {
  it('share one window between stores (nodes) and let Redis expire the key after it', async () => {
    const prefix = `t-${randomBytes(4).toString('hex')}:`;
    const clock = new ManualClock(new Date());
    const [a, b] = [new RedisCounterStore(redis, clock, prefix), new RedisCounterStore(redis, clock, prefix)];
    await a.hit('shared', 30);
    expect(await b.hit('shared', 30)).toMatchObject({ count: 2 });
    const ttl = await redis.pttl(`${prefix}shared`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });
});
