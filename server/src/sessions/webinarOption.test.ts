// The session's webinar option through the contract: set on create, changed on edit,
// read back on get and list; anything but a boolean refused with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';

describe.each(dbKinds())('session webinar option on %s', (kind) => {
  let t: TestApp;
  let teacher: { headers: { authorization: string } };

  beforeAll(async () => {
    t = await createTestApp(kind);
    teacher = await t.userWithToken('teacher', 'Wendy Webinar');
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = async <T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) => {
    const res = await t.app.inject({ method, url, headers: teacher.headers, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const base = () => ({ title: 'Big lecture', scheduledAt: new Date(t.clock.now().getTime() + 3600_000).toISOString(), durationMinutes: 60, timezone: 'UTC' });

  it('session webinarMode defaults to false, is set on create, changed on edit and read back', async () => {
    const plain = await call<{ id: string; webinarMode: boolean }>('POST', '/api/sessions', base());
    expect(plain.status).toBe(201);
    expect(plain.body.webinarMode).toBe(false);

    const web = await call<{ id: string; webinarMode: boolean }>('POST', '/api/sessions', { ...base(), webinarMode: true });
    expect(web.status).toBe(201);
    expect(web.body.webinarMode).toBe(true);
    expect((await call<{ webinarMode: boolean }>('GET', `/api/sessions/${web.body.id}`)).body.webinarMode).toBe(true);
    const list = await call<{ id: string; webinarMode: boolean }[]>('GET', '/api/sessions');
    expect(list.body.find((s) => s.id === web.body.id)?.webinarMode).toBe(true);

    const edited = await call<{ session: { webinarMode: boolean } }>('PATCH', `/api/sessions/${plain.body.id}?scope=one`, { webinarMode: true });
    expect(edited.status).toBe(200);
    expect(edited.body.session.webinarMode).toBe(true);
    expect((await call<{ webinarMode: boolean }>('GET', `/api/sessions/${plain.body.id}`)).body.webinarMode).toBe(true);
  });

  it('session webinarMode refuses anything but a boolean, on create and on edit, and writes nothing', async () => {
    for (const bad of ['yes', 1, null, { on: true }]) {
      expect((await call('POST', '/api/sessions', { ...base(), title: 'Refused', webinarMode: bad })).status).toBe(400);
    }
    const list = await call<{ title: string }[]>('GET', '/api/sessions');
    expect(list.body.some((s) => s.title === 'Refused')).toBe(false);

    const s = await call<{ id: string }>('POST', '/api/sessions', base());
    for (const bad of ['true', 0, null]) {
      expect((await call('PATCH', `/api/sessions/${s.body.id}?scope=one`, { webinarMode: bad })).status).toBe(400);
    }
    expect((await call<{ webinarMode: boolean }>('GET', `/api/sessions/${s.body.id}`)).body.webinarMode).toBe(false);
  });
});
