// Sign-in flood limits: per client address and global attempt windows counted before any
// scrypt runs, a cap on concurrent hashes, and an account lock that one address cannot
// impose on everyone (per email+address pair, plus a slower per-account limit).
import type * as Crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { dbKinds, useTestApp } from '../test/harness.js';
import { clientKey } from './loginThrottle.js';

// Counts every scrypt the process runs (and how many run at once) without changing it.
const scrypts = vi.hoisted(() => ({ started: 0, inFlight: 0, peak: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const orig = await importOriginal<typeof Crypto>();
  const scrypt = (...args: unknown[]) => {
    const cb = args.pop() as (err: Error | null, key: Buffer) => void;
    scrypts.started += 1;
    scrypts.inFlight += 1;
    scrypts.peak = Math.max(scrypts.peak, scrypts.inFlight);
    (orig.scrypt as (...a: unknown[]) => void)(...args, (err: Error | null, key: Buffer) => {
      scrypts.inFlight -= 1;
      cb(err, key);
    });
  };
  return { ...orig, scrypt, default: { ...orig, scrypt } };
});

let n = 0;
const randomEmail = () => `nobody-${(n += 1)}@example.test`;

describe.each(dbKinds())('login throttling on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_LOGIN_RATE_PER_IP: '5', LECTERN_LOGIN_RATE_WINDOW_SECONDS: '60', LECTERN_LOGIN_MAX_FAILURES_PER_ACCOUNT: '12' } });
  const login = (email: string, password: string, ip: string) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });

  it('many different emails from one address get 429 after the per-address limit, without hashing', async () => {
    for (let i = 0; i < 5; i++) expect((await login(randomEmail(), 'whatever-123', '10.1.0.1')).statusCode).toBe(401);
    const before = scrypts.started;
    for (let i = 0; i < 10; i++) {
      const res = await login(randomEmail(), 'whatever-123', '10.1.0.1');
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(scrypts.started).toBe(before);
    // Another address is not affected, and the window passes.
    expect((await login(randomEmail(), 'whatever-123', '10.1.0.2')).statusCode).toBe(401);
    t.clock.advance(61_000);
    expect((await login(randomEmail(), 'whatever-123', '10.1.0.1')).statusCode).toBe(401);
  });

  it('failures from one address lock only that address out of the account', async () => {
    const u = await t.userWithToken('student');
    for (let i = 0; i < 5; i++) expect((await login(u.email, `wrong-${i}`, '10.2.0.1')).statusCode).toBe(401);
    t.clock.advance(61_000); // past the per-address window: only the account lock is left
    expect((await login(u.email, u.password, '10.2.0.1')).statusCode).toBe(429);
    expect((await login(u.email, u.password, '10.2.0.2')).statusCode).toBe(200);
  });

  it('the slower per-account limit holds against failures spread over many addresses', async () => {
    const u = await t.userWithToken('student');
    for (let i = 0; i < 12; i++) expect((await login(u.email, `wrong-${i}`, `10.3.${i}.1`)).statusCode).toBe(401);
    const before = scrypts.started;
    expect((await login(u.email, u.password, '10.3.99.1')).statusCode).toBe(429);
    expect(scrypts.started).toBe(before);
    t.clock.advance(t.config.auth.loginWindowSeconds * 1000 + 1000);
    expect((await login(u.email, u.password, '10.3.99.1')).statusCode).toBe(200);
  });
});

describe.each(dbKinds())('global login limit on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_LOGIN_RATE_GLOBAL: '8', LECTERN_LOGIN_RATE_WINDOW_SECONDS: '60' } });
  const login = (ip: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: randomEmail(), password: 'whatever-123' }, remoteAddress: ip });

  it('attempts from many addresses get 429 past the global limit, without hashing', async () => {
    for (let i = 0; i < 8; i++) expect((await login(`10.4.${i}.1`)).statusCode).toBe(401);
    const before = scrypts.started;
    for (let i = 8; i < 14; i++) expect((await login(`10.4.${i}.1`)).statusCode).toBe(429);
    expect(scrypts.started).toBe(before);
    t.clock.advance(61_000);
    expect((await login('10.4.99.1')).statusCode).toBe(401);
  });
});

describe.each(dbKinds())('concurrent hashing on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_HASH_CONCURRENCY: '2', LECTERN_HASH_QUEUE: '3' } });
  const login = (ip: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: randomEmail(), password: 'whatever-123' }, remoteAddress: ip });

  it('never runs more scrypts at once than the cap, and turns the overflow away without hashing', async () => {
    await login('10.5.0.1'); // builds the dummy hash once
    scrypts.peak = 0;
    const before = scrypts.started;
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => login(`10.5.${i}.2`)));
    const codes = results.map((r) => r.statusCode);
    expect(new Set(codes).size).toBeLessThanOrEqual(2);
    for (const c of codes) expect([401, 429]).toContain(c);
    expect(scrypts.peak).toBeGreaterThanOrEqual(1);
    expect(scrypts.peak).toBeLessThanOrEqual(2);
    // Every 401 hashed once; every 429 was turned away without hashing.
    expect(scrypts.started - before).toBe(codes.filter((c) => c === 401).length);
  });
});

describe('clientKey', () => {
  it('counts IPv4 addresses one by one and IPv6 clients by their /64', () => {
    expect(clientKey('10.0.0.7')).toBe('10.0.0.7');
    expect(clientKey('::ffff:10.0.0.7')).toBe('::ffff:10.0.0.7');
    expect(clientKey('2001:db8:0:12:abcd::1')).toBe('2001:db8:0:12::/64');
    expect(clientKey('2001:DB8:0:0012:1:2:3:4')).toBe('2001:db8:0:12::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
  });
});
