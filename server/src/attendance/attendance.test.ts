// A whole class on an injected clock: captured joins, leaves, a second tab, a reconnect, a
// process that dies mid-session, an absentee, an excuse; then the report, CSV and audit.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals, courses, enrolments, sessionInvitees, sessions } from '@lectern/db';
import { closeStaleIntervals, heartbeat, recordJoin, recordLeave } from '../gateway/attendance.js';
import { endSession, startSession } from '../sessions/sessionService.js';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import type { SessionReport } from './contract.js';

const at = (hhmm: string) => new Date(`2026-03-29T${hhmm}:00Z`);
type User = Awaited<ReturnType<TestApp['userWithToken']>>;

describe.each(dbKinds())('attendance report on %s', (kind) => {
  let t: TestApp;
  let teacher: User, otherTeacher: User, alice: User, bob: User, carol: User, dave: User;
  let sessionId: string;
  const guestId = 'guest:7d1c2a8e-0000-4000-8000-000000000001';

  const join = (connectionId: string, who: { id: string; name: string; role?: string }) =>
    recordJoin(t.runtime.ctx, { connectionId, sessionId, participantId: who.id, userId: who.id.startsWith('guest:') ? null : who.id, displayName: who.name, role: who.role ?? 'participant' });
  const leave = (connectionId: string) => recordLeave(t.runtime.ctx, connectionId);
  // Access tokens expire on the injected clock: sign a fresh one for each request.
  const roles = new Map<string, 'teacher' | 'student'>();
  const auth = async (u: User) => ({ authorization: `Bearer ${await t.runtime.ctx.tokens.signAccess({ userId: u.id, role: roles.get(u.id) ?? 'student' })}` });
  const report = async (u: User, query = '') => {
    const res = await t.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/attendance${query}`, headers: await auth(u) });
    return { status: res.statusCode, body: res.json<SessionReport>() };
  };
  const entry = (r: SessionReport, id: string) => r.participants.find((p) => p.participantId === id);

  beforeAll(async () => {
    t = await createTestApp(kind, { env: { LECTERN_LATE_GRACE_MINUTES: '10' } });
    t.clock.set(at('07:00'));
    teacher = await t.userWithToken('teacher', 'Tess Teacher');
    otherTeacher = await t.userWithToken('teacher', 'Otto Other');
    alice = await t.userWithToken('student', 'Alice');
    bob = await t.userWithToken('student', 'Bob');
    carol = await t.userWithToken('student', 'Carol');
    dave = await t.userWithToken('student', 'Dave');
    roles.set(teacher.id, 'teacher').set(otherTeacher.id, 'teacher');
    const db = t.runtime.ctx.db;
    const [course] = await db.insert(courses).values({ title: 'Physics', ownerId: teacher.id }).returning();
    await db.insert(enrolments).values([alice, bob, carol].map((u) => ({ courseId: course!.id, userId: u.id, createdAt: at('07:00') })));
    const [s] = await db
      .insert(sessions)
      .values({ title: 'Waves', scheduledAt: at('08:00'), durationMinutes: 60, timezone: 'Europe/Berlin', hostId: teacher.id, courseId: course!.id })
      .returning();
    sessionId = s!.id;
    await db.insert(sessionInvitees).values({ sessionId, userId: dave.id });
  });
  afterAll(async () => t?.close());

  it('before the start, invitees show their RSVP; outsiders cannot answer', async () => {
    const rsvp = async (u: User, response: string) =>
      t.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/rsvp`, headers: await auth(u), payload: { response } });
    expect((await rsvp(dave, 'accepted')).json()).toEqual({ sessionId, userId: dave.id, rsvp: 'accepted' });
    expect((await rsvp(carol, 'declined')).statusCode).toBe(200); // enrolled in the course
    expect((await rsvp(otherTeacher, 'accepted')).statusCode).toBe(404);
    expect((await rsvp(dave, 'maybe')).statusCode).toBe(400);
    const { body } = await report(teacher);
    expect(entry(body, dave.id)?.status).toBe('registered');
    expect(entry(body, carol.id)?.status).toBe('declined');
    expect(entry(body, alice.id)?.status).toBe('invited');
    // Not held yet: every invited person is pending, and the parts add up to the invited.
    expect(body.totals).toMatchObject({ expected: 4, pending: 4, present: 0, late: 0, absent: 0, excused: 0, attended: 0, guests: 0, rate: 0 });
  });

  it('captures a class with a second tab, a reconnect, a late joiner and a crash', async () => {
    const ctx = t.runtime.ctx;
    t.clock.set(at('08:00'));
    await startSession(ctx, sessionId);
    await join('h1', { id: teacher.id, name: 'Tess Teacher', role: 'host' });
    t.clock.set(at('08:01'));
    await join('a1', { id: alice.id, name: 'Alice' });
    t.clock.set(at('08:09'));
    await join('g1', { id: guestId, name: 'Zoë, the "guest"', role: 'guest' });
    t.clock.set(at('08:10'));
    await join('a2', { id: alice.id, name: 'Alice' }); // a second tab
    await join('a2', { id: alice.id, name: 'Alice' }); // a replayed join is a no-op
    t.clock.set(at('08:12'));
    await join('b1', { id: bob.id, name: 'Bob' });
    t.clock.set(at('08:20'));
    await leave('a2');
    await heartbeat(ctx, ['h1', 'a1', 'g1', 'b1']);
    // Bob's node dies here: no more heartbeats or leave for b1.
    t.clock.set(at('08:30'));
    await leave('a1');
    await heartbeat(ctx, ['h1', 'g1']);
    t.clock.set(at('08:40'));
    await join('a3', { id: alice.id, name: 'Alice' }); // comes back
    t.clock.set(at('08:45'));
    await heartbeat(ctx, ['h1', 'g1', 'a3']);

    // Before any sweep the report already ends Bob at the last time he was seen.
    const live = (await report(teacher)).body;
    expect(entry(live, bob.id)).toMatchObject({ minutesPresent: 8, lastLeaveAt: at('08:20').toISOString(), inRoomNow: false });
    expect(entry(live, alice.id)).toMatchObject({ inRoomNow: true, lastLeaveAt: null });

    // The sweep closes his interval at last-seen, not at the restart.
    expect(await closeStaleIntervals(ctx)).toBe(1);
    const [b1] = await ctx.db.select().from(attendanceIntervals).where(eq(attendanceIntervals.connectionId, 'b1'));
    expect(b1?.leftAt).toEqual(at('08:20'));
    expect(await closeStaleIntervals(ctx)).toBe(0);

    t.clock.set(at('08:50'));
    await leave('a3');
    t.clock.set(at('08:55'));
    await leave('g1');
    t.clock.set(at('09:00'));
    await endSession(ctx, sessionId);
    const [open] = await ctx.db
      .select()
      .from(attendanceIntervals)
      .where(and(eq(attendanceIntervals.sessionId, sessionId), eq(attendanceIntervals.connectionId, 'h1')));
    expect(open?.leftAt).toEqual(at('09:00'));
  });

  it('reports union minutes, first join, last leave and statuses', async () => {
    t.clock.set(at('10:00'));
    const { status, body } = await report(teacher);
    expect(status).toBe(200);
    expect(body.timezone).toBe('Europe/Berlin');
    expect(entry(body, alice.id)).toMatchObject({
      name: 'Alice',
      status: 'present',
      minutesPresent: 39, // 08:01-08:30 and 08:40-08:50; the second tab adds nothing
      firstJoinAt: at('08:01').toISOString(),
      lastLeaveAt: at('08:50').toISOString(),
      intervals: 3,
      expected: true,
    });
    expect(entry(body, alice.id)?.spans).toHaveLength(2);
    expect(entry(body, bob.id)).toMatchObject({ status: 'late', minutesPresent: 8, firstJoinAt: at('08:12').toISOString() });
    expect(entry(body, guestId)).toMatchObject({ status: 'present', expected: false, role: 'guest', minutesPresent: 46 }); // 08:09 within the 10-minute grace
    expect(entry(body, carol.id)).toMatchObject({ status: 'absent', minutesPresent: 0, firstJoinAt: null, rsvp: 'declined' });
    expect(entry(body, dave.id)).toMatchObject({ status: 'absent', rsvp: 'accepted' });
    expect(entry(body, teacher.id)).toMatchObject({ role: 'host', minutesPresent: 60 });
    expect(body.participants[0]?.role).toBe('host');
    expect(body.totals).toMatchObject({ expected: 4, attended: 2, present: 1, late: 1, absent: 2, excused: 0, pending: 0, guests: 1, unexpected: 1, peakHeadCount: 4 });
    expect(body.totals.rate).toBeCloseTo(0.5);
    const tt = body.totals;
    expect(tt.present + tt.late + tt.absent + tt.excused + tt.pending).toBe(tt.expected);
    expect(body.participants.filter((p) => p.role !== 'host').length).toBe(tt.expected + tt.guests);
    expect(body.timeline[0]).toEqual({ at: at('08:00').toISOString(), count: 1 });
    expect(body.timeline.at(-1)).toEqual({ at: at('09:00').toISOString(), count: 0 });
  });

  it('excuses with a note, keeps an audit trail and can clear the correction', async () => {
    const put = async (u: User, pid: string, payload: Record<string, unknown>) =>
      t.app.inject({ method: 'PUT', url: `/api/sessions/${sessionId}/attendance/${encodeURIComponent(pid)}`, headers: await auth(u), payload });
    expect((await put(teacher, dave.id, { status: 'excused' })).statusCode).toBe(400);
    expect((await put(teacher, dave.id, { status: 'sick', note: 'x' })).statusCode).toBe(400);
    expect((await put(alice, dave.id, { status: 'excused', note: 'x' })).statusCode).toBe(403);
    expect((await put(otherTeacher, dave.id, { status: 'excused', note: 'x' })).statusCode).toBe(404);
    expect((await put(teacher, 'guest:nobody', { status: 'present' })).statusCode).toBe(404);

    t.clock.set(at('10:05'));
    const ok = await put(teacher, dave.id, { status: 'excused', note: 'Doctor’s appointment' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'excused', computedStatus: 'absent', corrected: true, note: 'Doctor’s appointment' });
    t.clock.set(at('10:06'));
    expect((await put(teacher, bob.id, { status: 'present', note: 'network trouble at home' })).statusCode).toBe(200);
    t.clock.set(at('10:07'));
    const cleared = await t.app.inject({ method: 'DELETE', url: `/api/sessions/${sessionId}/attendance/${bob.id}`, headers: await auth(teacher) });
    expect(cleared.json()).toMatchObject({ status: 'late', corrected: false });

    const { body } = await report(teacher);
    expect(body.totals).toMatchObject({ expected: 4, attended: 2, excused: 1, absent: 1 });
    expect(body.totals.rate).toBeCloseTo(2 / 3);

    const audit = await t.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/attendance/audit`, headers: await auth(teacher) });
    expect(audit.json()).toEqual([
      expect.objectContaining({ participantId: dave.id, changedBy: teacher.id, changedByName: 'Tess Teacher', changedAt: at('10:05').toISOString(), before: { status: 'absent', note: null }, after: { status: 'excused', note: 'Doctor’s appointment' } }),
      expect.objectContaining({ participantId: bob.id, before: { status: 'late', note: null }, after: { status: 'present', note: 'network trouble at home' } }),
      expect.objectContaining({ participantId: bob.id, changedAt: at('10:07').toISOString(), before: { status: 'present', note: 'network trouble at home' }, after: { status: null, note: null } }),
    ]);
    expect((await t.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/attendance/audit`, headers: await auth(alice) })).statusCode).toBe(403);
  });

  it('a student sees only their own entry; outsiders see nothing', async () => {
    const mine = await report(alice);
    expect(mine.status).toBe(200);
    expect(mine.body.participants.map((p) => p.participantId)).toEqual([alice.id]);
    expect(mine.body.timeline).toEqual([]);
    expect(mine.body.totals).toMatchObject({ expected: 1, attended: 1, absent: 0, peakHeadCount: 0 });
    expect((await report(otherTeacher)).status).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/attendance` })).statusCode).toBe(401);
  });

  it('exports CSV in the session’s time zone with a BOM and RFC 4180 quoting', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}/attendance?format=csv`, headers: await auth(teacher) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="attendance-Waves-2026-03-29\.csv"/);
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = raw.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('Name,Participant ID,Role,Status,RSVP,First join (Europe/Berlin),Last leave (Europe/Berlin),Minutes present,Connections,Note');
    // Berlin is UTC+2 from 29 March 2026 01:00 UTC.
    expect(lines).toContain(`Alice,${alice.id},participant,present,,2026-03-29 10:01:00,2026-03-29 10:50:00,39,3,`);
    expect(lines).toContain(`"Zoë, the ""guest""",${guestId},guest,present,,2026-03-29 10:09:00,2026-03-29 10:55:00,46,1,`);
    expect(lines).toContain(`Dave,${dave.id},participant,excused,accepted,,,0,0,Doctor’s appointment`);
    expect(lines.at(-1)).toBe('');
  });
});
