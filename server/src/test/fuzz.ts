// Test-only: the fuzzers' seeded randomness and hostile values. A fuzz run prints its seed;
// LECTERN_FUZZ_SEED=<seed> replays it.
import { randomInt } from 'node:crypto';

/** mulberry32: small, fast, good enough to pick mutations; the same seed gives the same run. */
export class Prng {
  #s: number;
  constructor(readonly seed: number) {
    this.#s = seed >>> 0;
  }

  /** [0, 1) */
  next(): number {
    this.#s = (this.#s + 0x6d2b79f5) >>> 0;
    let t = this.#s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The seed of this run: LECTERN_FUZZ_SEED when set, else a fresh one. */
export function fuzzSeed(): number {
  const env = process.env.LECTERN_FUZZ_SEED;
  return env ? Number(env) >>> 0 : randomInt(2 ** 31);
}

/** A nested object or array `depth` levels deep (built iteratively). */
export function deep(depth: number, asArray: boolean): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}

const WEIRD_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\uFFFF\uD800',
  '../../etc/passwd',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'toString',
  '%s%s%n',
  '${7*7}',
  'null',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  'ÿ'.repeat(70),
  '😀'.repeat(40),
];

/** A value of a random wrong kind: odd scalars, huge strings, deep or wide structures, prototype keys. */
export function hostile(r: Prng, bigBytes = 70_000): unknown {
  switch (r.int(14)) {
    case 0:
      return null;
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, -0, 3]);
    case 3:
      return r.pick(WEIRD_STRINGS);
    case 4:
      return 'x'.repeat(r.int(r.chance(0.05) ? bigBytes : 1000));
    case 5:
      return deep(1 + r.int(r.chance(0.05) ? 1000 : 60), r.chance(0.5));
    case 6:
      return Array.from({ length: r.int(r.chance(0.1) ? 2000 : 50) }, (_, i) => i);
    case 7:
      return Object.fromEntries(Array.from({ length: r.int(r.chance(0.1) ? 2000 : 50) }, (_, i) => [`k${i}`, i]));
    case 8:
      return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as unknown;
    case 9:
      return [];
    case 10:
      return {};
    case 11:
      return r.pick(['\u202e', '\r\n\r\nHTTP/1.1 200 OK', 'a'.repeat(65), 'A'.repeat(257)]);
    case 12:
      return [null, {}, [], 'x'];
    default:
      return { toString: 'x', valueOf: 1, toJSON: 'y', length: -1 };
  }
}

/** A plain object copy of `v` with one mutation: a key dropped, added, or its value made hostile. */
export function mutateObject(r: Prng, v: Record<string, unknown>): Record<string, unknown> {
  const out = { ...v };
  const keys = Object.keys(out);
  const op = r.int(keys.length === 0 ? 2 : 4);
  // defineProperty: an own `__proto__` key, as JSON.parse makes one, not a prototype change.
  if (op === 0) Object.defineProperty(out, r.pick(['evil', '__proto__', 'constructor', 'x'.repeat(300), '']), { value: hostile(r), enumerable: true, writable: true, configurable: true });
  else if (op === 1) Object.assign(out, { [`extra${r.int(10)}`]: 'x'.repeat(r.int(r.chance(0.05) ? 100_000 : 500)) });
  else if (op === 2) delete out[r.pick(keys)];
  else out[r.pick(keys)] = hostile(r);
  return out;
}
