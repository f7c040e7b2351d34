import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveJwtSecret } from './auth/secrets.js';
import { ConfigError, loadConfig } from './config.js';

const VAPID_PRIVATE = 'Gh3kR9pXw2LmT7vQz5NcB1yJ8fD4sA6eU0oIiKqWrYt';

describe('loadConfig', () => {
  it('loadConfig gives defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.role).toBe('all');
    expect(c.publicUrl).toBe('http://127.0.0.1:3000');
    expect(Object.isFrozen(c.auth)).toBe(true);
  });

  it('loadConfig fails fast with a clear message on bad values', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ LECTERN_ROLE: 'db' })).toThrow(/LECTERN_ROLE/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ LECTERN_ROOM_PEERS_PER_ROUTER: '0' })).toThrow(/LECTERN_ROOM_PEERS_PER_ROUTER/);
    expect(() => loadConfig({ LECTERN_ROOM_PEERS_PER_ROUTER: 'many' })).toThrow(/LECTERN_ROOM_PEERS_PER_ROUTER/);
  });

  it('loadConfig reads the peers a room puts on one router (default 150)', () => {
    expect(loadConfig({}).sfu.peersPerRouter).toBe(150);
    expect(loadConfig({ LECTERN_ROOM_PEERS_PER_ROUTER: '40' }).sfu.peersPerRouter).toBe(40);
  });

  it('loadConfig refuses a short or low-entropy signing secret', () => {
    expect(() => loadConfig({ LECTERN_JWT_SECRET: 'short' })).toThrow(/LECTERN_JWT_SECRET/);
    expect(() => loadConfig({ LECTERN_JWT_SECRET: 'a'.repeat(64) })).toThrow(/LECTERN_JWT_SECRET/);
    expect(loadConfig({ LECTERN_JWT_SECRET: 'x7Gq2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA' }).auth.jwtSecret).toHaveLength(32);
  });

  it('loadConfig refuses placeholder and predictable secrets, saying how to make one', () => {
    const placeholders = [
      'change-me-openssl-rand-base64-48',
      'CHANGE-ME-openssl-rand-base64-48-CHANGE-ME-CHANGE-ME',
      'q7Gz2LmP9vR4tY8wK1nB5cZ3hJ6dF0sAchangeme',
      'q7Gz2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA-replace',
      'q7Gz2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA-EXAMPLE',
      'q7Gz2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA-placeholder',
      'my-jwt-Secret-q7Gz2LmP9vR4tY8wK1nB5cZ3h',
      'q7Gz2LmP9vR4tY8wK1nB5cZ3hJ6dF0sAxxxxxxxx',
      'your-signing-key-q7Gz2LmP9vR4tY8wK1nB5c',
    ];
    for (const s of placeholders) {
      expect(() => loadConfig({ LECTERN_JWT_SECRET: s }), s).toThrow(/LECTERN_JWT_SECRET: .*placeholder.*openssl rand -base64 48/);
    }
    const predictable = [
      'abcdefghijklmnopqrstuvwxyz0123456789', // one long sequence
      'q7Gz2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA00000000', // a long run
      'q7Gz2LmP9vq7Gz2LmP9vq7Gz2LmP9vq7Gz2LmP9v', // a short pattern repeated
    ];
    for (const s of predictable) expect(() => loadConfig({ LECTERN_JWT_SECRET: s }), s).toThrow(/LECTERN_JWT_SECRET: .*predictable/);
    // The same check on every secret-like setting.
    const turn = { LECTERN_TURN_URLS: 'turn:turn.test:3478' };
    expect(() => loadConfig({ ...turn, LECTERN_TURN_SECRET: 'change-me-long-random' })).toThrow(/LECTERN_TURN_SECRET: .*placeholder/);
    expect(loadConfig({ ...turn, LECTERN_TURN_SECRET: 'Zk3pQ8wX2mN7vB4c' }).turn?.secret).toBe('Zk3pQ8wX2mN7vB4c');
    const vapidPublic = 'B'.repeat(87);
    expect(() => loadConfig({ LECTERN_VAPID_PUBLIC_KEY: vapidPublic, LECTERN_VAPID_PRIVATE_KEY: 'p'.repeat(43) })).toThrow(/LECTERN_VAPID_PRIVATE_KEY: .*predictable/);
    expect(() => loadConfig({ LECTERN_VAPID_PUBLIC_KEY: vapidPublic, LECTERN_VAPID_PRIVATE_KEY: 'your-vapid-private-key' })).toThrow(/LECTERN_VAPID_PRIVATE_KEY: .*placeholder/);
    expect(() => loadConfig({ LECTERN_METRICS_TOKEN: 'change-me-metrics-token' })).toThrow(/LECTERN_METRICS_TOKEN: .*placeholder/);
    expect(loadConfig({ LECTERN_METRICS_TOKEN: 'Zk3pQ8wX2mN7vB4c' }).metricsToken).toBe('Zk3pQ8wX2mN7vB4c');
    // What openssl makes passes (a fixed sample, so the test cannot flake).
    expect(loadConfig({ LECTERN_JWT_SECRET: 'tV0p3rJ8cQmWz1Lk7YfA2sHn9dGx4Ue6RbiO5yKaTq+Nw/PjM8Zc3Dh1FvEl0Xs2' }).auth.jwtSecret).toHaveLength(64);
  });

  it('loadConfig requires admin email and password together', () => {
    expect(() => loadConfig({ LECTERN_ADMIN_EMAIL: 'a@b.test' })).toThrow(/together/);
  });

  it('loadConfig requires both VAPID keys or neither', () => {
    expect(() => loadConfig({ LECTERN_VAPID_PUBLIC_KEY: 'B'.repeat(87) })).toThrow(/LECTERN_VAPID_PUBLIC_KEY and LECTERN_VAPID_PRIVATE_KEY must be set together/);
    expect(() => loadConfig({ LECTERN_VAPID_PRIVATE_KEY: VAPID_PRIVATE })).toThrow(/must be set together/);
    expect(() => loadConfig({ LECTERN_VAPID_PRIVATE_KEY: VAPID_PRIVATE, LECTERN_VAPID_PUBLIC_KEY: '' })).toThrow(/must be set together/);
    expect(loadConfig({ LECTERN_VAPID_PUBLIC_KEY: 'B'.repeat(87), LECTERN_VAPID_PRIVATE_KEY: VAPID_PRIVATE }).notifications.vapidPublicKey).toBe('B'.repeat(87));
    expect(loadConfig({}).notifications.vapidPublicKey).toBeUndefined();
  });

  it('the signing secret is required with DATABASE_URL, and generated into the data dir without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lectern-secret-'));
    const shared = loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db', LECTERN_DATA_DIR: dir });
    expect(() => resolveJwtSecret(shared)).toThrow(ConfigError);
    expect(() => resolveJwtSecret(shared)).toThrow(/LECTERN_JWT_SECRET is required when DATABASE_URL is set/);
    expect(existsSync(join(dir, 'jwt-secret'))).toBe(false);
    const secret = 'x7Gq2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA';
    expect(resolveJwtSecret(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/db', LECTERN_DATA_DIR: dir, LECTERN_JWT_SECRET: secret }))).toBe(secret);
    const generated = resolveJwtSecret(loadConfig({ LECTERN_DATA_DIR: dir }));
    expect(generated.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(generated);
  });

  it('loadConfig checks reminder offsets: minutes, comma-separated, at most a week, empty means the default', () => {
    const offsets = (v: string) => loadConfig({ LECTERN_REMINDER_OFFSETS: v }).notifications.reminderOffsetsMinutes;
    expect(offsets('15, 60,15')).toEqual([60, 15]);
    expect(offsets('10080,0')).toEqual([10080, 0]);
    expect(offsets('')).toEqual([15]);
    expect(loadConfig({}).notifications.reminderOffsetsMinutes).toEqual([15]);
    for (const bad of ['soon', '-5', '15,,60', '1.5', '15;60', '10081']) {
      expect(() => offsets(bad), bad).toThrow(/LECTERN_REMINDER_OFFSETS/);
    }
  });
});
