import { createServer } from 'node:http';
import { and, eq } from 'drizzle-orm';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox } from '@lectern/db';
import type { NotificationMap } from '../protocol/index.js';
import { startSession } from '../sessions/sessionService.js';
import { dbKinds, type TestApp } from '../test/harness.js';
import type { Dispatcher } from './Dispatcher.js';
import { writeSessionEvent } from './sessionEvents.js';
import { insertCourse, insertSession, openDispatchApp } from './test/fixtures.js';
import { attachUserNamespace, USER_NAMESPACE, type UserSocket } from './userSocket.js';

type Dto = { id: string; type: string; title: string; read: boolean; urgent: boolean; createdAt: string };

describe.each(dbKinds())('notification center on %s', (kind) => {
  let t: TestApp, d: Dispatcher, teacher: Awaited<ReturnType<TestApp['userWithToken']>>;
  beforeAll(async () => void ({ t, d, teacher } = await openDispatchApp(kind)));
  afterAll(async () => {
    await d?.close();
    await t?.close();
  });

  const get = async <T>(url: string, headers: { authorization: string }) => {
    const res = await t.app.inject({ method: 'GET', url, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<T>();
  };
  const scheduled = async (invitees: string[], at = '2030-01-01T10:00:00Z') => {
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(at), invitees });
    await t.runtime.ctx.db.transaction((tx) => writeSessionEvent(tx, { type: 'session.scheduled', sessionId: id }));
    await d.drain();
    return id;
  };

  it('notification center lists newest first, filters unread, pages, counts and marks one or all read', async () => {
    const s = await t.userWithToken('student');
    for (let i = 0; i < 3; i++) {
      await scheduled([s.id]);
      t.clock.advance(60_000);
    }
    const all = await get<Dto[]>('/api/me/notifications', s.headers);
    expect(all).toHaveLength(3);
    expect([...all].sort((a, b) => b.createdAt.localeCompare(a.createdAt))).toEqual(all);
    expect(await get<{ count: number }>('/api/me/notifications/unread-count', s.headers)).toEqual({ count: 3 });
    const page1 = await get<Dto[]>('/api/me/notifications?limit=2', s.headers);
    const page2 = await get<Dto[]>(`/api/me/notifications?limit=2&before=${page1[1]!.id}`, s.headers);
    expect([...page1, ...page2].map((n) => n.id)).toEqual(all.map((n) => n.id));
    const one = await t.app.inject({ method: 'POST', url: `/api/me/notifications/${all[0]!.id}/read`, headers: s.headers });
    expect(one.json<Dto>().read).toBe(true);
    expect((await get<Dto[]>('/api/me/notifications?unread=1', s.headers)).map((n) => n.id)).toEqual(all.slice(1).map((n) => n.id));
    const other = await t.userWithToken('student');
    expect((await t.app.inject({ method: 'POST', url: `/api/me/notifications/${all[1]!.id}/read`, headers: other.headers })).statusCode).toBe(404);
    expect(await get<Dto[]>('/api/me/notifications', other.headers)).toEqual([]);
    const allRead = await t.app.inject({ method: 'POST', url: '/api/me/notifications/read-all', headers: s.headers });
    expect(allRead.json()).toEqual({ updated: 2 });
    expect(await get<{ count: number }>('/api/me/notifications/unread-count', s.headers)).toEqual({ count: 0 });
    expect((await t.app.inject({ method: 'GET', url: '/api/me/notifications' })).statusCode).toBe(401);
  });

  it('notification preferences default to on and switch one channel off for one event type', async () => {
    const s = await t.userWithToken('student');
    const initial = await get<{ preferences: Record<string, Record<string, boolean>> }>('/api/me/notification-preferences', s.headers);
    expect(initial.preferences['session.live']).toEqual({ in_app: true, email: true, push: true });
    const put = await t.app.inject({ method: 'PUT', url: '/api/me/notification-preferences', headers: s.headers, payload: { preferences: { 'session.scheduled': { email: false } } } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<{ preferences: Record<string, Record<string, boolean>> }>().preferences['session.scheduled']).toEqual({ in_app: true, email: false, push: true });
    const bad = await t.app.inject({ method: 'PUT', url: '/api/me/notification-preferences', headers: s.headers, payload: { preferences: { 'session.scheduled': { fax: true } } } });
    expect(bad.statusCode).toBe(400);
    const id = await scheduled([s.id]);
    const rows = await t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.recipientId, s.id), eq(notificationOutbox.eventKey, `session.scheduled:${id}`)));
    expect(rows.map((r) => r.channel)).toEqual(['in_app']);
  });

  it('session start enqueues one urgent live alert for invitees and enrolled students, not the actor, even when started twice', async () => {
    const [inv, enrolled, outsider] = [await t.userWithToken('student'), await t.userWithToken('student'), await t.userWithToken('student')];
    const course = await insertCourse(t.runtime.ctx.db, teacher.id, [enrolled.id]);
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: t.clock.now(), invitees: [inv.id, teacher.id], courseId: course });
    await startSession(t.runtime.ctx, id, teacher.id);
    await startSession(t.runtime.ctx, id, teacher.id);
    const rows = await t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.eventKey, `session.live:${id}`), eq(notificationOutbox.channel, 'in_app')));
    expect(rows.map((r) => r.recipientId).sort()).toEqual([inv.id, enrolled.id].sort());
    await d.drain();
    const [alert] = await get<Dto[]>('/api/me/notifications', enrolled.headers);
    expect(alert).toMatchObject({ type: 'session.live', title: 'Live now: Algebra II', urgent: true });
    expect(await get<Dto[]>('/api/me/notifications', outsider.headers)).toEqual([]);
    expect(await get<Dto[]>('/api/me/notifications', teacher.headers)).toEqual([]);
  });

  describe('over the /user socket', () => {
    let io: Server;
    let ns: UserSocket;
    let url: string;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      const http = createServer();
      io = new Server(http);
      ns = await attachUserNamespace({ io, bus: t.runtime.ctx.bus, tokens: t.runtime.ctx.tokens, accessGate: t.runtime.ctx.accessGate, logger: t.runtime.ctx.logger, db: t.runtime.ctx.db });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      const addr = http.address();
      url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}${USER_NAMESPACE}`;
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await ns?.close();
      await io?.close();
    });

    it('live alert reaches the open /user socket of each recipient in real time, and no one else', async () => {
      const [student, other] = [await t.userWithToken('student'), await t.userWithToken('student')];
      const open = (headers: { authorization: string }) => {
        const s = connect(url, { auth: { token: headers.authorization.slice(7) }, transports: ['websocket'] });
        sockets.push(s);
        return new Promise<Socket>((resolve, reject) => {
          s.once('connect', () => resolve(s));
          s.once('connect_error', reject);
        });
      };
      const [a, b] = [await open(student.headers), await open(other.headers)];
      const gotA: NotificationMap['notification'][] = [];
      const gotB: NotificationMap['notification'][] = [];
      a.on('notification', (n: NotificationMap['notification']) => gotA.push(n));
      b.on('notification', (n: NotificationMap['notification']) => gotB.push(n));
      const arrived = new Promise<void>((resolve) => a.once('notification', () => resolve()));
      const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: t.clock.now(), invitees: [student.id] });
      await startSession(t.runtime.ctx, id, teacher.id);
      await d.drain();
      await arrived;
      expect(gotA).toEqual([expect.objectContaining({ type: 'session.live', urgent: true, title: 'Live now: Algebra II' })]);
      expect(gotB).toEqual([]);
      const bad = connect(url, { auth: { token: 'nope' }, transports: ['websocket'] });
      sockets.push(bad);
      const err = await new Promise<Error>((resolve) => bad.once('connect_error', resolve));
      expect(err.message).toBe('unauthorized');
    });
  });
});
