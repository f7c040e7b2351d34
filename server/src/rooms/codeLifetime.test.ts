import { beforeAll, describe, expect, it } from 'vitest';
import { dbKinds, useTestApp } from '../test/harness.js';

describe.each(dbKinds())('join code lifetime on %s', (kind) => {
  const t = useTestApp(kind, { env: { LECTERN_JOIN_RATE_PER_IP: '1000', LECTERN_ACCESS_TOKEN_TTL_SECONDS: '3600' } });
  beforeAll(() => {
    t.clock.set('2026-04-06T08:00:00Z');
  });

  const schedule = async (headers: { authorization: string }, scheduledAt: string, durationMinutes = 60) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/sessions', headers, payload: { title: 'Algebra', scheduledAt, durationMinutes, timezone: 'Europe/Berlin' } });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const join = (code: string) => t.app.inject({ method: 'POST', url: '/api/join', payload: { code, displayName: 'Gita' } });

  it('codes: a code made today for tomorrow’s session lasts until its scheduled end plus the grace, and still works tomorrow', async () => {
    const host = await t.userWithToken('teacher');
    const sid = await schedule(host.headers, '2026-04-07T10:00:00Z', 90);
    const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers });
    expect(res.statusCode).toBe(201);
    const { code, expiresAt } = res.json<{ code: string; expiresAt: string }>();
    expect(expiresAt).toBe('2026-04-07T12:00:00.000Z'); // 10:00 + 90 min + 30 min grace
    t.clock.set('2026-04-07T09:55:00Z');
    expect((await join(code)).statusCode).toBe(200);
    t.clock.set('2026-04-07T11:59:00Z');
    expect((await join(code)).statusCode).toBe(200);
    t.clock.set('2026-04-07T12:00:01Z');
    expect((await join(code)).statusCode).toBe(404);
  });

  it('codes: an ad-hoc session (starting when made) keeps the one-hour default', async () => {
    t.clock.set('2026-04-08T08:00:00Z');
    const host = await t.userWithToken('teacher');
    const sid = await schedule(host.headers, '2026-04-08T08:00:00Z', 240);
    const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers });
    expect(res.json<{ expiresAt: string }>().expiresAt).toBe('2026-04-08T09:00:00.000Z');
  });

  it('codes: a scheduled session that overruns still gets at least the default lifetime', async () => {
    t.clock.set('2026-04-09T08:50:00Z');
    const host = await t.userWithToken('teacher');
    const sid = await schedule(host.headers, '2026-04-09T09:00:00Z', 30);
    t.clock.set('2026-04-09T09:00:00Z');
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/start`, headers: host.headers })).statusCode).toBe(200);
    t.clock.set('2026-04-09T09:45:00Z');
    const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${sid}/codes`, headers: host.headers });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json<{ expiresAt: string }>().expiresAt).toBe('2026-04-09T10:45:00.000Z');
  });
});
