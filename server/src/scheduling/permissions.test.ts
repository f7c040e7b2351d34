// The scheduling permission matrix: student, teacher of the course, teacher of another
// course, mentor (before and after assignment), admin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import { makeSchool, type Person, type School } from './test/testKit.js';

type Who = 'admin' | 'teacherA' | 'teacherB' | 'mentor' | 'studentA' | 'studentB' | 'loner';
const EVERYONE: Who[] = ['admin', 'teacherA', 'teacherB', 'mentor', 'studentA', 'studentB', 'loner'];

describe.each(dbKinds())('scheduling permissions on %s', (kind) => {
  let t: TestApp;
  let school: School;
  let sessionId: string;
  const person = (w: Who): Person => school[w];

  const call = async (who: Who, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    (await t.app.inject({ method, url, headers: person(who).headers, ...(payload ? { payload } : {}) })).statusCode;

  const create = (who: Who, extra: Record<string, unknown> = {}) =>
    call(who, 'POST', '/api/sessions', { title: 'Perm check', scheduledAt: '2026-05-04T10:00:00Z', timezone: 'Europe/Berlin', ...extra });

  beforeAll(async () => {
    t = await createTestApp(kind);
    t.clock.set(new Date('2026-01-01T00:00:00Z'));
    school = await makeSchool(t);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: school.teacherA.headers,
      payload: { title: 'Algebra', scheduledAt: '2026-05-04T10:00:00Z', courseId: school.courseA, invitees: [school.studentA.id], recurrence: 'RRULE:FREQ=WEEKLY;COUNT=4' },
    });
    sessionId = res.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('scheduling permissions: who may create, and whom they may invite', async () => {
    expect(await create('studentA')).toBe(403);
    expect(await create('teacherA', { courseId: school.courseA, invitees: [school.studentA.id] })).toBe(201);
    expect(await create('teacherA', { inviteCourseIds: [school.courseA] })).toBe(201);
    // A teacher cannot invite students outside their courses, nor use someone else's course.
    expect(await create('teacherA', { invitees: [school.studentB.id] })).toBe(403);
    expect(await create('teacherA', { invitees: [school.loner.id] })).toBe(403);
    expect(await create('teacherA', { courseId: school.courseB })).toBe(403);
    expect(await create('teacherA', { inviteCourseIds: [school.courseB] })).toBe(403);
    expect(await create('teacherA', { hostId: school.mentor.id })).toBe(403);
    // Mentors may invite students, never staff.
    expect(await create('mentor', { invitees: [school.studentB.id] })).toBe(201);
    expect(await create('mentor', { invitees: [school.teacherB.id] })).toBe(403);
    // Admins may assign any mentor as host and invite anyone.
    expect(await create('admin', { hostId: school.mentor.id, invitees: [school.loner.id, school.teacherB.id] })).toBe(201);
    expect(await create('admin', { hostId: school.studentA.id })).toBe(400);
    expect(await create('teacherA', { invitees: ['00000000-0000-4000-8000-000000000000'] })).toBe(400);
  });

  it('scheduling permissions: who may view a session, its .ics, invitees and history', async () => {
    const view: Record<Who, number> = { admin: 200, teacherA: 200, teacherB: 404, mentor: 404, studentA: 200, studentB: 404, loner: 404 };
    const staffOnly: Record<Who, number> = { ...view, studentA: 403 };
    for (const who of EVERYONE) {
      expect([who, await call(who, 'GET', `/api/sessions/${sessionId}`)]).toEqual([who, view[who]]);
      expect([who, await call(who, 'GET', `/api/sessions/${sessionId}/ics`)]).toEqual([who, view[who]]);
      expect([who, await call(who, 'GET', `/api/sessions/${sessionId}/invitees`)]).toEqual([who, staffOnly[who]]);
      expect([who, await call(who, 'GET', `/api/sessions/${sessionId}/history`)]).toEqual([who, staffOnly[who]]);
    }
    // studentA2 is enrolled in the course but not invited: the course makes it visible.
    const a2 = await t.app.inject({ method: 'GET', url: `/api/sessions/${sessionId}`, headers: school.studentA2.headers });
    expect(a2.statusCode).toBe(200);
    const lists = await Promise.all(
      EVERYONE.map(async (who) => (await t.app.inject({ method: 'GET', url: '/api/sessions', headers: person(who).headers })).json<{ id: string }[]>()),
    );
    const sees = Object.fromEntries(EVERYONE.map((who, i) => [who, lists[i]!.some((s) => s.id === sessionId)]));
    expect(sees).toEqual({ admin: true, teacherA: true, teacherB: false, mentor: false, studentA: true, studentB: false, loner: false });
  });

  it('scheduling permissions: who may edit, reschedule, cancel, invite and upload', async () => {
    // Students are refused by role (403) before any look-up; the materials routes look up
    // first, so outsiders get 404 there and only the invited student sees 403.
    const edit: Record<Who, number> = { admin: 200, teacherA: 200, teacherB: 404, mentor: 404, studentA: 403, studentB: 403, loner: 403 };
    const linkAdd: Record<Who, number> = { admin: 201, teacherA: 201, teacherB: 404, mentor: 404, studentA: 403, studentB: 404, loner: 404 };
    for (const who of EVERYONE) {
      expect([who, 'patch', await call(who, 'PATCH', `/api/sessions/${sessionId}`, { description: `by ${who}` })]).toEqual([who, 'patch', edit[who]]);
      expect([who, 'invite', await call(who, 'POST', `/api/sessions/${sessionId}/invitees`, { userIds: [school.studentA2.id] })]).toEqual([who, 'invite', edit[who]]);
      expect([who, 'link', await call(who, 'POST', `/api/sessions/${sessionId}/materials`, { title: 'x', url: 'https://example.org/' })]).toEqual([who, 'link', linkAdd[who]]);
    }
    const reschedule = (who: Who) => call(who, 'POST', `/api/sessions/${sessionId}/reschedule`, { scheduledAt: '2026-05-04T11:00:00Z', reason: 'later' });
    const cancel = (who: Who) => call(who, 'POST', `/api/sessions/${sessionId}/cancel`, { reason: 'no', scope: 'one' });
    for (const who of ['teacherB', 'mentor', 'studentA', 'studentB'] as Who[]) {
      expect([who, await reschedule(who), await cancel(who)]).toEqual([who, edit[who], edit[who]]);
    }
    expect(await reschedule('teacherA')).toBe(200);
    expect(await reschedule('admin')).toBe(200);
  });

  it('scheduling permissions: only admins assign a mentor; the mentor then runs it and the old host cannot', async () => {
    const assign = (who: Who, hostId: string) => call(who, 'PUT', `/api/sessions/${sessionId}/host`, { hostId, scope: 'all' });
    expect(await assign('teacherA', school.mentor.id)).toBe(403);
    expect(await assign('mentor', school.mentor.id)).toBe(403);
    expect(await assign('studentA', school.mentor.id)).toBe(403);
    expect(await assign('admin', school.studentB.id)).toBe(400);
    expect(await assign('admin', school.mentor.id)).toBe(200);
    expect(await call('mentor', 'GET', `/api/sessions/${sessionId}`)).toBe(200);
    expect(await call('mentor', 'PATCH', `/api/sessions/${sessionId}`, { title: 'Algebra with Mina' })).toBe(200);
    expect(await call('mentor', 'POST', `/api/sessions/${sessionId}/start`)).toBe(200);
    expect(await call('teacherA', 'PATCH', `/api/sessions/${sessionId}`, { title: 'mine again' })).toBe(404);
    // Reassign to another teacher.
    expect(await assign('admin', school.teacherB.id)).toBe(200);
    expect(await call('teacherB', 'PATCH', `/api/sessions/${sessionId}`, { title: 'Algebra (Theo)' })).toBe(200);
    expect(await call('mentor', 'PATCH', `/api/sessions/${sessionId}`, { title: 'x' })).toBe(404);
  });
});
