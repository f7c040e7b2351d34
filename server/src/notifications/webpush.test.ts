import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushSubscriptions } from '@lectern/db';
import { startSession } from '../sessions/sessionService.js';
import { dbKinds, type TestApp } from '../test/harness.js';
import type { Dispatcher } from './Dispatcher.js';
import { writeSessionEvent } from './sessionEvents.js';
import { insertSession, openDispatchApp } from './test/fixtures.js';
import { PushEndpoint, type Device } from './test/pushEndpoint.js';

describe.each(dbKinds())('web push on %s', (kind) => {
  let push: PushEndpoint;
  let t: TestApp, d: Dispatcher, teacher: Awaited<ReturnType<TestApp['userWithToken']>>;
  beforeAll(async () => {
    push = await PushEndpoint.start();
    ({ t, d, teacher } = await openDispatchApp(kind, { env: { LECTERN_PUSH_ALLOW_PRIVATE_ENDPOINTS: '1' } }));
  });
  afterAll(async () => {
    await d?.close();
    await t?.close();
    await push?.close();
  });

  const subscribe = async (headers: { authorization: string }, dev: Device) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/me/push-subscriptions', headers, payload: { endpoint: dev.endpoint, keys: dev.keys, expirationTime: null } });
    expect(res.statusCode, res.body).toBe(201);
  };

  it('web push: a live alert arrives VAPID-signed, aes128gcm-encrypted, with Urgency high, TTL and Topic, on every device', async () => {
    const student = await t.userWithToken('student');
    const [phone, laptop] = [push.newDevice(), push.newDevice()];
    await subscribe(student.headers, phone);
    await subscribe(student.headers, laptop);
    const key = (await t.app.inject({ method: 'GET', url: '/api/push/vapid-public-key' })).json<{ publicKey: string }>().publicKey;
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: t.clock.now(), invitees: [student.id] });
    await startSession(t.runtime.ctx, id, teacher.id);
    await d.drain();
    expect(push.errors).toEqual([]);
    expect(push.received.map((r) => r.device).sort()).toEqual([phone.endpoint, laptop.endpoint].sort());
    for (const r of push.received) {
      expect(r.vapidKey).toBe(key);
      expect(r.jwt.claims.sub).toBe('mailto:lectern@localhost');
      expect(r.headers.urgency).toBe('high');
      expect(r.headers.ttl).toBe('3600');
      expect(r.headers.topic).toBe(id.replace(/-/g, ''));
      expect(r.payload).toMatchObject({ type: 'session.live', title: 'Live now: Algebra II', urgent: true });
    }
  });

  it('web push: a reminder goes out with normal urgency and a TTL that ends at the start', async () => {
    const student = await t.userWithToken('student');
    const dev = push.newDevice();
    await subscribe(student.headers, dev);
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(t.clock.now().getTime() + 10 * 60_000), invitees: [student.id] });
    const { scanReminders } = await import('./reminders.js');
    await scanReminders({ db: t.runtime.ctx.db, clock: t.clock, defaultOffsets: [15] });
    await d.drain();
    const got = push.received.find((r) => r.device === dev.endpoint)!;
    expect(got.headers.urgency).toBe('normal');
    expect(got.headers.ttl).toBe('600');
    expect(got.payload).toMatchObject({ type: 'session.reminder', title: 'Starts in 10 min: Algebra II', urgent: false });
    expect(id).toBeTruthy();
  });

  it('web push removes subscriptions the push service reports gone (404, 410) and keeps working ones', async () => {
    const student = await t.userWithToken('student');
    const [gone410, gone404, ok] = [push.newDevice(410), push.newDevice(404), push.newDevice()];
    for (const dev of [gone410, gone404, ok]) await subscribe(student.headers, dev);
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date('2030-01-01T10:00:00Z'), invitees: [student.id] });
    await t.runtime.ctx.db.transaction((tx) => writeSessionEvent(tx, { type: 'session.scheduled', sessionId: id }));
    const r = await d.drain();
    expect(r.dead).toBe(0);
    const left = await t.runtime.ctx.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, student.id));
    expect(left.map((s) => s.endpoint)).toEqual([ok.endpoint]);
    expect(push.received.filter((x) => x.device === ok.endpoint)).toHaveLength(1);
  });

  it('web push does not follow a redirect from the push service', async () => {
    const student = await t.userWithToken('student');
    const inside = push.newDevice(); // stands for an internal service the redirect points at
    const redirecting = push.newDevice(302, inside.endpoint);
    await subscribe(student.headers, redirecting);
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date('2030-02-01T10:00:00Z'), invitees: [student.id] });
    await t.runtime.ctx.db.transaction((tx) => writeSessionEvent(tx, { type: 'session.scheduled', sessionId: id }));
    const r = await d.drain();
    expect(r.dead).toBe(0);
    expect(push.hits).toContain(new URL(redirecting.endpoint).pathname);
    expect(push.hits).not.toContain(new URL(inside.endpoint).pathname);
  });

  it('web push subscribe, re-subscribe and unsubscribe per device; bad keys are a 400', async () => {
    const student = await t.userWithToken('student');
    const dev = push.newDevice();
    await subscribe(student.headers, dev);
    await subscribe(student.headers, dev); // same endpoint: one row
    const rows = () => t.runtime.ctx.db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, dev.endpoint));
    expect(await rows()).toHaveLength(1);
    const bad = await t.app.inject({ method: 'POST', url: '/api/me/push-subscriptions', headers: student.headers, payload: { endpoint: dev.endpoint, keys: { p256dh: 'x', auth: 'y' } } });
    expect(bad.statusCode).toBe(400);
    const del = await t.app.inject({ method: 'DELETE', url: '/api/me/push-subscriptions', headers: student.headers, payload: { endpoint: dev.endpoint } });
    expect(del.statusCode).toBe(204);
    expect(await rows()).toHaveLength(0);
    expect((await t.app.inject({ method: 'POST', url: '/api/me/push-subscriptions', payload: { endpoint: dev.endpoint, keys: dev.keys } })).statusCode).toBe(401);
  });
});
