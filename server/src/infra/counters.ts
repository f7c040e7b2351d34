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

export class RedisCounterStore implements CounterStore {
  constructor(
    readonly redis: Redis,
    readonly prefix = 'lectern:rl:',
  ) {}

  async hit(key: string, windowSeconds: number): Promise<CounterHit> {
    const k = this.prefix + key;
    const res = await this.redis.multi().incr(k).expire(k, windowSeconds, 'NX').ttl(k).exec();
    const count = Number(res?.[0]?.[1] ?? 0);
    const ttl = Number(res?.[2]?.[1] ?? windowSeconds);
    return { count, resetSeconds: ttl > 0 ? ttl : windowSeconds };
  }

  async peek(key: string): Promise<CounterHit | null> {
    const k = this.prefix + key;
    const [count, ttl] = await Promise.all([this.redis.get(k), this.redis.ttl(k)]);
    if (count === null) return null;
    return { count: Number(count), resetSeconds: Math.max(ttl, 1) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
