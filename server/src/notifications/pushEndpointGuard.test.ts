// Push endpoints are URLs the server POSTs to: refuse ones that lead into the server's own
// network (loopback, private, link-local, CGNAT, unique-local, mapped) at subscribe time.
import { describe, expect, it } from 'vitest';
import { dbKinds, useTestApp } from '../test/harness.js';
import { checkPushEndpoint } from './pushSubscriptions.js';

const KEYS = { p256dh: 'BOr8ZJ4bQ4yH8h1Hq8g3nW0m3v5X2p1c9kTn5QK2oH0X8m1Wq3e7r9t1y3u5i7o9p1a3s5d7f9g1h3j5k7l9z1x3c5', auth: 'aGVsbG8td29ybGQtMTIzNA' };

const PRIVATE = [
  'http://93.184.216.34/push/1',
  'https://127.0.0.1/push',
  'https://localhost/push',
  'https://[::1]/push',
  'https://[fe80::1]/push',
  'https://[fd00::1]/push',
  'https://[::ffff:127.0.0.1]/push',
  'https://169.254.169.254/latest/meta-data',
  'https://10.1.2.3/push',
  'https://172.20.0.1/push',
  'https://192.168.1.1/push',
  'https://100.64.0.1/push',
  'https://0.0.0.0/push',
  'https://2130706433/push',
];

describe.each(dbKinds())('push subscription endpoints on %s', (kind) => {
  const t = useTestApp(kind);

  it('refuses endpoints that are not public https', async () => {
    const u = await t.userWithToken('student');
    for (const endpoint of PRIVATE) {
      const res = await t.app.inject({ method: 'POST', url: '/api/me/push-subscriptions', headers: u.headers, payload: { endpoint, keys: KEYS } });
      expect(res.statusCode, endpoint).toBe(400);
    }
  });

  it('accepts a public https endpoint', async () => {
    const u = await t.userWithToken('student');
    const res = await t.app.inject({ method: 'POST', url: '/api/me/push-subscriptions', headers: u.headers, payload: { endpoint: 'https://93.184.216.34/push/abc', keys: KEYS } });
    expect(res.statusCode, res.body).toBe(201);
  });
});

describe('checkPushEndpoint', () => {
  const resolving = (map: Record<string, string[]>) => (host: string) =>
    map[host] ? Promise.resolve(map[host].map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) : Promise.reject(new Error('ENOTFOUND'));
  const resolve = resolving({ 'push.example': ['93.184.216.34', '2606:2800:220:1::1'], 'sneaky.example': ['93.184.216.34', '10.0.0.5'], 'inside.example': ['fd12::7'] });

  it('checks every address a name resolves to', async () => {
    await expect(checkPushEndpoint('https://push.example/x', { allowPrivate: false, resolve })).resolves.toBeUndefined();
    await expect(checkPushEndpoint('https://sneaky.example/x', { allowPrivate: false, resolve })).rejects.toThrow(/public/);
    await expect(checkPushEndpoint('https://inside.example/x', { allowPrivate: false, resolve })).rejects.toThrow(/public/);
    await expect(checkPushEndpoint('https://nowhere.example/x', { allowPrivate: false, resolve })).rejects.toThrow(/resolve/);
  });

  it('lets everything through with the override (tests, closed networks)', async () => {
    await expect(checkPushEndpoint('http://127.0.0.1:9/x', { allowPrivate: true, resolve })).resolves.toBeUndefined();
  });
});
