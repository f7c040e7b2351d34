// Fixed-window counters for rate limits and login throttling. In memory for a single
// process; Redis (shared by every node) when REDIS_URL is set.
import type { Redis } from 'ioredis';
import type { Clock } from '../clock.js';

export interface CounterHit {
  /** Count in the current window, including this hit. */
  count: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export interface CounterStore {
  hit(key: string, windowSeconds: number): Promise<CounterHit>;
  peek(key: string): Promise<CounterHit | null>;
  reset(key: string): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  readonly #entries = new Map<string, { count: number; resetAt: number }>();
  constructor(readonly clock: Clock) {}

  #live(key: string): { count: number; resetAt: number } | undefined {
    const e = this.#entries.get(key);
    if (e && e.resetAt <= this.clock.now().getTime()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  hit(key: string, windowSeconds: number): Promise<CounterHit> {
    const now = this.clock.now().getTime();
    let e = this.#live(key);
    if (!e) {
      e = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.#entries.set(key, e);
      if (this.#entries.size > 100_000) this.#sweep(now);
    }
    e.count += 1;
    return Promise.resolve({ count: e.count, resetSeconds: Math.ceil((e.resetAt - now) / 1000) });
  }

  peek(key: string): Promise<CounterHit | null> {
    const e = this.#live(key);
    if (!e) return Promise.resolve(null);
    return Promise.resolve({ count: e.count, resetSeconds: Math.ceil((e.resetAt - this.clock.now().getTime()) / 1000) });
  }

  reset(key: string): Promise<void> {
    this.#entries.delete(key);
    return Promise.resolve();
  }

  #sweep(now: number): void {
    for (const [k, v] of this.#entries) if (v.resetAt <= now) this.#entries.delete(k);
  }
}

/**
 * One window per key as a hash {c: count, r: reset time in ms}, decided by the app's clock
 * (as in memory) so a window ends at the same instant on every node and in tests with a
 * manual clock; Redis's own expiry only removes keys whose window is long over.
 */
const HIT_SCRIPT = `
local now = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local resetAt = tonumber(redis.call('HGET', KEYS[1], 'r') or '0')
if resetAt <= now then
  resetAt = now + windowMs
  redis.call('HSET', KEYS[1], 'c', 0, 'r', resetAt)
  redis.call('PEXPIRE', KEYS[1], windowMs)
end
local count = redis.call('HINCRBY', KEYS[1], 'c', 1)
return {count, resetAt}
`;

export class RedisCounterStore implements CounterStore {
  constructor(
    readonly redis: Redis,
    readonly clock: Clock,
    readonly prefix = 'lectern:rlw:',
  ) {}

  async hit(key: string, windowSeconds: number): Promise<CounterHit> {
    const now = this.clock.now().getTime();
    const res = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + key, now, windowSeconds * 1000)) as [number, number];
    return { count: Number(res[0]), resetSeconds: secondsUntil(Number(res[1]), now) };
  }

  async peek(key: string): Promise<CounterHit | null> {
    const [count, resetAt] = await this.redis.hmget(this.prefix + key, 'c', 'r');
    const now = this.clock.now().getTime();
    if (count === null || resetAt === null || Number(resetAt) <= now) return null;
    return { count: Number(count), resetSeconds: secondsUntil(Number(resetAt), now) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}

function secondsUntil(atMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((atMs - nowMs) / 1000));
}
