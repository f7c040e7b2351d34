import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

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
  });

  it('loadConfig refuses a short or low-entropy signing secret', () => {
    expect(() => loadConfig({ LECTERN_JWT_SECRET: 'short' })).toThrow(/LECTERN_JWT_SECRET/);
    expect(() => loadConfig({ LECTERN_JWT_SECRET: 'a'.repeat(64) })).toThrow(/LECTERN_JWT_SECRET/);
    expect(loadConfig({ LECTERN_JWT_SECRET: 'x7Gq2LmP9vR4tY8wK1nB5cZ3hJ6dF0sA' }).auth.jwtSecret).toHaveLength(32);
  });

  it('loadConfig requires admin email and password together', () => {
    expect(() => loadConfig({ LECTERN_ADMIN_EMAIL: 'a@b.test' })).toThrow(/together/);
  });
});
