// GET /metrics: the token contract (404 unset, 401 without or with a wrong token, 200 with
// it) and, on a whole Lectern with an SFU worker, plausible values after real traffic.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, type TestDb } from '@lectern/db/testing';
import type { Lectern } from '../lectern.js';
import { startSocketLectern } from '../gateway/test/socketLectern.js';
import { roomSockets, waitFor } from '../gateway/test/roomSockets.js';
import { useTestApp } from '../test/harness.js';
import { LECTERN_METRIC_NAMES, METRIC_NAMES } from './names.js';
import { tokenMatches } from './metricsPlugin.js';

const TOKEN = randomBytes(24).toString('hex');
const PORT_BASE = 26000 + Math.floor(Math.random() * 500) * 2;

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (enough of the format for these tests). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

/** Metric families named in `# TYPE` lines. */
const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe('metrics token', () => {
  it('metrics token compares whole bearer tokens only', () => {
    expect(tokenMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(tokenMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(`Bearer ${TOKEN.slice(1)}`, TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN, TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
  });
});

describe.each(dbKinds())('metrics route on %s', (kind) => {
  const off = useTestApp(kind);
  const on = useTestApp(kind, { env: { LECTERN_METRICS_TOKEN: TOKEN } });

  it('metrics route answers 404 when LECTERN_METRICS_TOKEN is unset, with or without a bearer', async () => {
    expect((await off.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    const r = await off.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('metrics route refuses a missing, wrong or user token with 401', async () => {
    const admin = await on.userWithToken('admin');
    for (const headers of [{}, { authorization: `Bearer ${TOKEN.slice(0, -1)}${TOKEN.endsWith('0') ? '1' : '0'}` }, admin.headers, { authorization: TOKEN }]) {
      const r = await on.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(r.statusCode).toBe(401);
      expect(r.body).not.toContain('lectern_');
    }
  });

  it('metrics route serves Prometheus text with the token and is not in OpenAPI', async () => {
    await on.app.inject({ method: 'GET', url: '/healthz' });
    const r = await on.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parse(r.body);
    expect(value(samples, 'lectern_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status_class: '2xx' })).toBe(1);
    expect(value(samples, 'lectern_database_up')).toBe(1);
    const doc = (await on.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
  });
});

describe.each(dbKinds())('metrics of a whole Lectern on %s', (kind) => {
  let db: TestDb;
  let lectern: Lectern;
  let hostAuth: { authorization: string };
  beforeAll(async () => {
    ({ db, lectern, host: hostAuth } = await startSocketLectern(kind, PORT_BASE, { LECTERN_METRICS_TOKEN: TOKEN }));
  });
  afterAll(async () => {
    closeAll();
    await lectern?.close();
    await db?.destroy();
  });
  const { open, joinRoom, guestToken, session, closeAll } = roomSockets(
    () => lectern,
    () => hostAuth,
  );
  const scrape = async () => {
    const res = await fetch(`${lectern.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('metrics of a whole Lectern expose every listed name, and count the HTTP requests, sockets and peers of one joined room', async () => {
    const { code, sid } = await session();
    const guest = open(await guestToken(code), { sessionId: sid });
    expect((await guest.welcome).state).toBe('ready');
    await joinRoom(guest);

    const text = await scrape();
    const names = families(text);
    expect(names.filter((n) => !METRIC_NAMES.includes(n))).toEqual([]);
    const expected = LECTERN_METRIC_NAMES.filter((n) => n !== 'lectern_redis_up' || lectern.runtime.redis);
    expect(expected.filter((n) => !names.includes(n))).toEqual([]);
    expect(names).toContain('lectern_process_cpu_seconds_total');

    const samples = parse(text);
    expect(value(samples, 'lectern_http_request_duration_seconds_count', { method: 'POST', route: '/api/sessions', status_class: '2xx' })).toBe(1);
    expect(value(samples, 'lectern_http_request_duration_seconds_count', { route: '/api/join' })).toBe(1);
    expect(value(samples, 'lectern_socketio_sockets', { namespace: '/rtc' })).toBe(1);
    expect(value(samples, 'lectern_sfu_rooms', { worker: '0' })).toBe(1);
    expect(value(samples, 'lectern_sfu_peers', { worker: '0' })).toBe(1);
    expect(value(samples, 'lectern_sfu_producers')).toBe(0);
    const cpu = value(samples, 'lectern_sfu_worker_cpu_seconds_total', { worker: '0' });
    expect(cpu).toBeGreaterThan(0);
    expect(cpu).toBeLessThan(600);
    expect([0, 1]).toContain(value(samples, 'lectern_sfu_worker_io_uring', { worker: '0' }));
    expect(value(samples, 'lectern_database_up')).toBe(1);
    if (lectern.runtime.redis) expect(value(samples, 'lectern_redis_up')).toBe(1);
    const pending = value(samples, 'lectern_outbox_pending');
    expect(Number.isInteger(pending) && pending >= 0).toBe(true);
    expect(value(samples, 'lectern_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(value(samples, 'lectern_process_resident_memory_bytes')).toBeGreaterThan(1_000_000);

    // The peer leaves: the gauges follow on the next scrape.
    guest.socket.disconnect();
    await waitFor(async () => value(parse(await scrape()), 'lectern_sfu_peers') === 0, 10_000);
    expect(value(parse(await scrape()), 'lectern_socketio_sockets', { namespace: '/rtc' })).toBe(0);
  });
});
