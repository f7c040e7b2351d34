// Instant calls over HTTP on a real database with an injected clock: who may call, one
// call per conversation under a 20-way race, ringing notifications, ring time-out and
// missed calls, decline, hang-up, the idle end and the summary when the session ends.
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { attendanceIntervals, callParticipants, calls, notificationOutbox, pushSubscriptions, sessions } from '@lectern/db';
import type { Conversation, Message } from '../chat/contract.js';
import type { Dispatcher } from '../notifications/Dispatcher.js';
import { createChannels, createDispatcher } from '../notifications/startNotifications.js';
import { insertCourse } from '../notifications/test/fixtures.js';
import { endSession } from '../sessions/sessionService.js';
import { createTestApp, dbKinds, type TestApp, type TestUser as U } from '../test/harness.js';
import { CallScheduler } from './CallScheduler.js';
import { finishCallOfSession } from './outcomes.js';
import type { CallJoin, CallOk, RingingCall } from './contract.js';

type Note = { type: string; title: string; urgent: boolean; link: string | null };

describe.each(dbKinds())('calls on %s', (kind) => {
  let t: TestApp;
  let d: Dispatcher;
  let sched: CallScheduler;
  let teacher: U;
  let teacher2: U;
  let s1: U;
  let s2: U;
  let outsider: U;

  beforeAll(async () => {
    t = await createTestApp(kind, { env: { LECTERN_RING_TIMEOUT_SECONDS: '45', LECTERN_CALL_IDLE_MINUTES: '30' } });
    d = await createDispatcher(t.runtime.ctx, createChannels(t.runtime.ctx));
    sched = await CallScheduler.create(t.runtime.ctx);
    teacher = await user('teacher', 'Tess Teacher');
    teacher2 = await user('teacher', 'Theo Teacher');
    s1 = await user('student', 'Sam Student');
    s2 = await user('student', 'Ada Student');
    outsider = await user('student', 'Olly Outsider');
    await insertCourse(t.runtime.ctx.db, teacher.id, [s1.id, s2.id]);
  });
  // Each test starts with no open call.
  afterEach(async () => {
    const open = await t.runtime.ctx.db.select().from(calls).where(inArray(calls.status, ['ringing', 'live']));
    for (const c of open) {
      await endSession(t.runtime.ctx, c.sessionId);
      await finishCallOfSession(t.runtime.ctx, c.sessionId);
    }
  });
  afterAll(async () => {
    await sched?.close();
    await d?.close();
    await t?.close();
  });

  const roles = new Map<string, 'admin' | 'teacher' | 'student'>();
  const user = async (role: 'admin' | 'teacher' | 'student', name: string) => {
    const u = await t.userWithToken(role, name);
    roles.set(u.id, role);
    return u;
  };
  // A fresh access token per request: the tests move the clock by hours.
  const call = async (u: U, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const headers = { authorization: `Bearer ${await t.runtime.ctx.tokens.signAccess({ userId: u.id, role: roles.get(u.id)! })}` };
    const res = await t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json<unknown>() };
  };
  const ok = async <T>(u: U, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<T> => {
    const r = await call(u, method, url, payload);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body as T;
  };
  const group = async (members: U[] = [s1, s2], owner = teacher) =>
    ok<Conversation>(owner, 'POST', '/api/chats', { kind: 'group', title: `Group ${randomUUID().slice(0, 4)}`, memberIds: members.map((m) => m.id) });
  const direct = async (a: U, b: U) => ok<Conversation>(a, 'POST', '/api/chats', { kind: 'direct', memberIds: [b.id] });
  const history = async (u: U, convId: string) => ok<Message[]>(u, 'GET', `/api/chats/${convId}/messages?limit=100`);
  const callRow = async (id: string) => (await t.runtime.ctx.db.select().from(calls).where(eq(calls.id, id)))[0]!;
  const sessionRow = async (id: string) => (await t.runtime.ctx.db.select().from(sessions).where(eq(sessions.id, id)))[0]!;
  const ring = async (u: U) => ok<RingingCall[]>(u, 'GET', '/api/me/calls/ringing');

  it('calls permissions: staff in any of their chats; a student only a teacher, directly; outsiders 404', async () => {
    const g = await group();
    expect((await call(s1, 'POST', `/api/chats/${g.id}/call`)).status).toBe(403);
    expect((await call(outsider, 'POST', `/api/chats/${g.id}/call`)).status).toBe(404);
    expect((await call(teacher2, 'POST', `/api/chats/${randomUUID()}/call`)).status).toBe(404);
    expect((await call(teacher, 'POST', '/api/chats/not-a-uuid/call')).status).toBe(400);
    // Students cannot open a direct chat with each other, but an existing one (e.g. made by an admin) still refuses a call.
    const admin = await user('admin', 'Ann Admin');
    const pair = await direct(admin, s1);
    expect((await call(s1, 'POST', `/api/chats/${pair.id}/call`)).status).toBe(201);
    const toTeacher = await direct(s2, teacher);
    const started = await call(s2, 'POST', `/api/chats/${toTeacher.id}/call`);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ sessionId: expect.any(String), roomToken: expect.any(String), callId: expect.any(String) });
    const session = await sessionRow((started.body as CallJoin).sessionId);
    expect(session).toMatchObject({ type: 'instant', status: 'live', hostId: s2.id });
  });

  it('calls start rings every other member with an urgent notification; a second start joins the same call', async () => {
    const g = await group();
    const first = await call(teacher, 'POST', `/api/chats/${g.id}/call`);
    expect(first.status).toBe(201);
    const join = first.body as CallJoin;
    const claims = await t.runtime.ctx.tokens.verifyRoom(join.roomToken);
    expect(claims).toMatchObject({ sessionId: join.sessionId, role: 'host', userId: teacher.id });
    const [r1] = await ring(s1);
    expect(r1).toMatchObject({ callId: join.callId, callerName: 'Tess Teacher', conversationTitle: g.title });
    expect((await ring(teacher)).some((r) => r.callId === join.callId)).toBe(false);
    await d.drain();
    const note = (await ok<Note[]>(s2, 'GET', '/api/me/notifications')).find((n) => n.type === 'call.ringing' && n.link?.includes(join.callId));
    expect(note).toMatchObject({ type: 'call.ringing', title: 'Tess Teacher is calling', urgent: true });
    expect((await history(s1, g.id)).at(-1)).toMatchObject({ kind: 'call', text: 'Call started by Tess Teacher' });
    // s1 answers by "starting" too: 200, the same call, and it stops ringing for s1.
    const again = await call(s1, 'POST', `/api/chats/${g.id}/call`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ callId: join.callId, sessionId: join.sessionId });
    expect(await ring(s1)).toEqual([]);
    expect((await callRow(join.callId)).status).toBe('live');
  });

  it('calls: members with no open tab get an urgent Web Push; nobody gets the in-app alert twice', async () => {
    const g = await group();
    await t.runtime.ctx.db.insert(pushSubscriptions).values({ userId: s1.id, endpoint: `https://push.example/${randomUUID()}`, p256dh: 'k', auth: 'a' });
    const { callId } = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    const rows = await t.runtime.ctx.db.select().from(notificationOutbox).where(inArray(notificationOutbox.eventKey, [`call.ringing:${callId}`, `call.ringing.push:${callId}`]));
    const of = (channel: string) => rows.filter((r) => r.channel === channel).map((r) => r.recipientId).sort();
    expect(of('in_app')).toEqual([s1.id, s2.id].sort());
    // No sockets in this process: nobody is online, so every subscribed member is pushed.
    expect(of('push')).toEqual([s1.id]);
    expect(of('email')).toEqual([]);
  });

  it('calls race: 20 concurrent starts in one conversation make one call and one session', async () => {
    const g = await group([s1, s2, teacher2]);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(i % 2 ? teacher : teacher2, 'POST', `/api/chats/${g.id}/call`)));
    expect(results.every((r) => r.status === 200 || r.status === 201), JSON.stringify(results.map((r) => r.status))).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(new Set(results.map((r) => (r.body as CallJoin).sessionId)).size).toBe(1);
    const rows = await t.runtime.ctx.db.select().from(calls).where(eq(calls.conversationId, g.id));
    expect(rows).toHaveLength(1);
    const instant = await t.runtime.ctx.db.select().from(sessions).where(eq(sessions.type, 'instant'));
    expect(instant.filter((s) => s.id === rows[0]!.sessionId)).toHaveLength(1);
    expect((await history(s1, g.id)).filter((m) => m.kind === 'call')).toHaveLength(1);
  });

  it('calls ring time-out: the one who never answered gets "Missed call" and a notification; a group call stays open', async () => {
    const g = await group();
    const { callId, sessionId } = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    await ok<CallJoin>(s1, 'POST', `/api/calls/${callId}/accept`);
    t.clock.advance(44_000);
    expect(await sched.sweep()).toMatchObject({ timedOut: 0 });
    expect((await ring(s2)).map((r) => r.callId)).toEqual([callId]);
    t.clock.advance(2_000);
    expect(await sched.sweep()).toMatchObject({ timedOut: 1, missed: 1, ended: 0 });
    expect(await sched.sweep()).toMatchObject({ timedOut: 0, missed: 0 });
    expect(await ring(s2)).toEqual([]);
    const states = await t.runtime.ctx.db.select().from(callParticipants).where(eq(callParticipants.callId, callId));
    expect(Object.fromEntries(states.map((s) => [s.userId, s.state]))).toEqual({ [teacher.id]: 'accepted', [s1.id]: 'accepted', [s2.id]: 'missed' });
    const missed = (await history(s2, g.id)).at(-1)!;
    expect(missed).toMatchObject({ kind: 'call', text: 'Missed call from Tess Teacher', meta: { outcome: 'missed', userIds: [s2.id] } });
    await d.drain();
    const mine = (n: Note) => n.type === 'call.missed' && n.link === `/chat/${g.id}`;
    expect((await ok<Note[]>(s2, 'GET', '/api/me/notifications')).find(mine)).toMatchObject({ title: 'Missed call from Tess Teacher', urgent: false });
    expect((await ok<Note[]>(s1, 'GET', '/api/me/notifications')).some(mine)).toBe(false);
    expect((await callRow(callId)).status).toBe('live');
    expect((await sessionRow(sessionId)).status).toBe('live');
    // Late accept while the room is open: joins.
    expect((await call(s2, 'POST', `/api/calls/${callId}/accept`)).status).toBe(200);
  });

  it('calls group without an answer stays open after the time-out; ends after the idle time with the host alone, with a summary', async () => {
    const g = await group();
    const { callId, sessionId } = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    const start = t.clock.now();
    const db = t.runtime.ctx.db;
    await db.insert(attendanceIntervals).values({ sessionId, participantId: teacher.id, userId: teacher.id, displayName: 'Tess', role: 'host', connectionId: randomUUID(), joinedAt: start, lastSeenAt: start });
    t.clock.advance(46_000);
    expect(await sched.sweep()).toMatchObject({ timedOut: 1, missed: 2, ended: 0 });
    expect((await callRow(callId)).status).toBe('live');
    // s1 joins late for 5 minutes, then leaves: the idle time counts from then.
    const joined = t.clock.now();
    const left = new Date(joined.getTime() + 5 * 60_000);
    await db.insert(attendanceIntervals).values({ sessionId, participantId: s1.id, userId: s1.id, displayName: 'Sam', role: 'participant', connectionId: randomUUID(), joinedAt: joined, leftAt: left, lastSeenAt: left });
    t.clock.set(new Date(left.getTime() + 29 * 60_000));
    expect(await sched.sweep()).toMatchObject({ ended: 0 });
    t.clock.set(new Date(left.getTime() + 30 * 60_000 + 1000));
    expect(await sched.sweep()).toMatchObject({ ended: 1 });
    expect((await callRow(callId)).status).toBe('ended');
    expect((await sessionRow(sessionId)).status).toBe('completed');
    const minutes = Math.round((t.clock.now().getTime() - start.getTime()) / 60_000);
    await vi.waitFor(async () => expect((await history(teacher, g.id)).at(-1)).toMatchObject({ kind: 'call', text: `Call ended · ${minutes} min · 2 people`, meta: { outcome: 'ended', link: `/sessions/${sessionId}/attendance`, people: 2 } }));
  });

  it('calls: a member who joins the room another way (another tab) stops ringing on the next sweep', async () => {
    const g = await group();
    const { callId, sessionId } = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    const now = t.clock.now();
    await t.runtime.ctx.db.insert(attendanceIntervals).values({ sessionId, participantId: s1.id, userId: s1.id, displayName: 'Sam', role: 'participant', connectionId: randomUUID(), joinedAt: now, lastSeenAt: now });
    expect(await sched.sweep()).toMatchObject({ joined: 1 });
    expect(await ring(s1)).toEqual([]);
    expect((await ring(s2)).map((r) => r.callId)).toEqual([callId]);
    expect((await callRow(callId)).status).toBe('live');
    expect(await sched.sweep()).toMatchObject({ joined: 0 });
  });

  it('calls idle end does not fire while someone besides the host is in the room', async () => {
    const g = await group();
    const { callId, sessionId } = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    const now = t.clock.now();
    await t.runtime.ctx.db.insert(attendanceIntervals).values({ sessionId, participantId: s2.id, userId: s2.id, displayName: 'Ada', role: 'participant', connectionId: randomUUID(), joinedAt: now, lastSeenAt: now });
    await ok<CallJoin>(s2, 'POST', `/api/calls/${callId}/accept`);
    t.clock.advance(3 * 3600_000);
    await sched.sweep();
    expect((await callRow(callId)).status).toBe('live');
    await endSession(t.runtime.ctx, sessionId);
  });

  it('calls ending the session (the teacher in the room) closes the call and posts "Call ended · 12 min · N people"', async () => {
    const g = await group();
    const { callId, sessionId } = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    const now = t.clock.now();
    for (const u of [teacher, s1]) await t.runtime.ctx.db.insert(attendanceIntervals).values({ sessionId, participantId: u.id, userId: u.id, displayName: 'x', role: 'participant', connectionId: randomUUID(), joinedAt: now, lastSeenAt: now });
    await ok<CallJoin>(s1, 'POST', `/api/calls/${callId}/accept`);
    t.clock.advance(12 * 60_000);
    await endSession(t.runtime.ctx, sessionId); // the bus tells the scheduler
    await vi.waitFor(async () => expect((await callRow(callId)).status).toBe('ended'));
    await vi.waitFor(async () => expect((await history(s1, g.id)).at(-1)).toMatchObject({ text: 'Call ended · 12 min · 2 people' }));
    expect((await call(s2, 'POST', `/api/calls/${callId}/accept`)).body).toMatchObject({ error: { message: 'This call has ended' } });
    // The summary's link: the attendance report of the call's session.
    const report = await call(teacher, 'GET', `/api/sessions/${sessionId}/attendance`);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const session = await call(s1, 'GET', `/api/sessions/${sessionId}`);
    expect(session.status, JSON.stringify(session.body)).toBe(200);
    expect(session.body).toMatchObject({ type: 'instant', status: 'completed' });
  });

  it('calls direct: a decline ends the call and the caller sees "Declined"; nobody answering ends it after the time-out', async () => {
    const pair = await direct(teacher, s1);
    const a = await ok<CallJoin>(teacher, 'POST', `/api/chats/${pair.id}/call`);
    expect((await call(s2, 'POST', `/api/calls/${a.callId}/decline`)).status).toBe(404);
    expect(await ok<CallOk>(s1, 'POST', `/api/calls/${a.callId}/decline`)).toEqual({ callId: a.callId, status: 'declined' });
    expect((await history(teacher, pair.id)).at(-1)).toMatchObject({ kind: 'call', text: 'Declined by Sam Student', meta: { outcome: 'declined' } });
    expect((await sessionRow(a.sessionId)).status).toBe('completed');
    expect((await call(s1, 'POST', `/api/calls/${a.callId}/accept`)).status).toBe(409);

    const b = await ok<CallJoin>(teacher, 'POST', `/api/chats/${pair.id}/call`);
    expect(b.callId).not.toBe(a.callId);
    t.clock.advance(45_000);
    expect(await sched.sweep()).toMatchObject({ timedOut: 1, missed: 1, ended: 1 });
    expect((await callRow(b.callId)).status).toBe('missed');
    expect((await sessionRow(b.sessionId)).status).toBe('completed');
    expect((await history(s1, pair.id)).some((m) => m.text === 'Missed call from Tess Teacher')).toBe(true);
  });

  it('calls hang-up: only the caller, before an answer; the ringing stop and the room closes', async () => {
    const g = await group();
    const c = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    expect((await call(s1, 'POST', `/api/calls/${c.callId}/hangup`)).status).toBe(403);
    expect((await call(outsider, 'POST', `/api/calls/${c.callId}/hangup`)).status).toBe(404);
    expect(await ok<CallOk>(teacher, 'POST', `/api/calls/${c.callId}/hangup`)).toEqual({ callId: c.callId, status: 'missed' });
    expect(await ring(s1)).toEqual([]);
    expect((await sessionRow(c.sessionId)).status).toBe('completed');
    expect((await call(s2, 'POST', `/api/calls/${c.callId}/accept`)).status).toBe(409);
  });

  it('calls: removed members are not rung', async () => {
    const g = await group();
    expect((await call(teacher, 'DELETE', `/api/chats/${g.id}/members/${s2.id}`)).status).toBeLessThan(300);
    const c = await ok<CallJoin>(teacher, 'POST', `/api/chats/${g.id}/call`);
    expect(await ring(s2)).toEqual([]);
    expect((await call(s2, 'POST', `/api/calls/${c.callId}/accept`)).status).toBe(404);
    await ok<CallOk>(teacher, 'POST', `/api/calls/${c.callId}/hangup`);
  });
});
