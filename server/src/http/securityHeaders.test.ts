// Security headers on the browser app and the API: a CSP the built client fits in (own
// scripts, blob: media, websockets to this origin), no framing, a referrer policy, and HSTS
// only where the public URL is https.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dbKinds, useTestApp, type TestApp } from '../test/harness.js';

function clientDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lectern-dist-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><script type="module" src="/assets/index.js"></script></head><body><div id="app"></div></body></html>');
  return dir;
}

/** The CSP as directive -> sources. */
function csp(header: unknown): Map<string, string[]> {
  expect(typeof header).toBe('string');
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((p) => p[0])
      .map(([name = '', ...sources]) => [name, sources]),
  );
}

async function headersOf(t: TestApp, url: string) {
  const res = await t.app.inject({ method: 'GET', url });
  return res.headers;
}

describe.each(dbKinds())('security headers over http on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_CLIENT_DIST: clientDist(), LECTERN_PUBLIC_URL: 'http://lectern.test:3000' }, app: { serveClient: true } });

  it.each(['/', '/sessions/abc', '/api/me', '/healthz'])('%s carries the CSP, framing and referrer headers', async (url) => {
    const h = await headersOf(t, url);
    const policy = csp(h['content-security-policy']);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws://lectern.test:3000']);
    expect(policy.get('media-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(policy.get('worker-src')).toEqual(["'self'"]);
    expect(policy.has('upgrade-insecure-requests')).toBe(false);
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['strict-transport-security']).toBeUndefined();
  });

  it('the browser app is still served', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<div id="app">');
  });
});

describe.each(dbKinds())('security headers over https on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_CLIENT_DIST: clientDist(), LECTERN_PUBLIC_URL: 'https://lectern.example' }, app: { serveClient: true } });

  it.each(['/', '/api/me'])('%s adds HSTS, wss: and upgrade-insecure-requests', async (url) => {
    const h = await headersOf(t, url);
    expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const policy = csp(h['content-security-policy']);
    expect(policy.get('connect-src')).toEqual(["'self'", 'wss://lectern.example']);
    expect(policy.has('upgrade-insecure-requests')).toBe(true);
  });
});
