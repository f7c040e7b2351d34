// LECTERN_TRUST_PROXY: false (default), a hop count ('true' is one hop), or addresses/CIDRs
// of the proxies. A client cannot dodge per-address limits with a made-up X-Forwarded-For.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { dbKinds, testEnv, useTestApp } from '../test/harness.js';

describe('LECTERN_TRUST_PROXY', () => {
  const parse = (v: string | undefined) => loadConfig(testEnv(v === undefined ? {} : { LECTERN_TRUST_PROXY: v })).trustProxy;

  it('parses false, hop counts and proxy addresses', () => {
    expect(parse(undefined)).toBe(false);
    expect(parse('false')).toBe(false);
    expect(parse('0')).toBe(false);
    expect(parse('true')).toBe(1);
    expect(parse('2')).toBe(2);
    expect(parse('10.0.0.0/8, 127.0.0.1,::1, fd00::/8')).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8']);
  });

  it('refuses what is neither', () => {
    for (const bad of ['everyone', '10.0.0.0/33', '10.0.0/8', '300.1.1.1', '::1/129', '-1', '1,,2', 'fd00::/8/1']) {
      expect(() => parse(bad), bad).toThrow(ConfigError);
    }
  });
});

const login = (t: ReturnType<typeof useTestApp>, forwardedFor: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.test', password: 'whatever-123' }, remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': forwardedFor } });

describe.each(dbKinds())('the client address behind one proxy on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_TRUST_PROXY: 'true', LECTERN_LOGIN_RATE_PER_IP: '1' } });

  it('takes the address the proxy saw, not what the client wrote in front of it', async () => {
    expect((await login(t, '9.9.9.9, 5.5.5.5')).statusCode).toBe(401);
    expect((await login(t, '8.8.8.8, 5.5.5.5')).statusCode).toBe(429);
    const third = await login(t, '6.6.6.6');
    expect(third.statusCode, third.body).toBe(401);
  });
});

describe.each(dbKinds())('the client address behind listed proxies on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_TRUST_PROXY: '127.0.0.0/8,10.0.0.0/8', LECTERN_LOGIN_RATE_PER_IP: '1' } });

  it('skips the listed proxies and stops at the first other address', async () => {
    expect((await login(t, '9.9.9.9, 5.5.5.5, 10.1.2.3')).statusCode).toBe(401);
    expect((await login(t, '8.8.8.8, 5.5.5.5, 10.3.2.1')).statusCode).toBe(429);
  });
});
