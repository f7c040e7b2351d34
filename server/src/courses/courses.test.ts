import { describe, expect, it } from 'vitest';
import { dbKinds, useTestApp } from '../test/harness.js';

describe.each(dbKinds())('courses on %s', (kind) => {
  const t = useTestApp(kind);

  const post = (url: string, headers: { authorization: string }, payload: unknown) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });

  it('courses: a teacher manages only their own courses; admins manage any; students cannot create', async () => {
    const owner = await t.userWithToken('teacher');
    const other = await t.userWithToken('teacher');
    const admin = await t.userWithToken('admin');
    const student = await t.userWithToken('student');
    const mentor = await t.userWithToken('mentor');
    const created = await post('/api/courses', owner.headers, { title: 'Chemistry' });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string; ownerId: string }>().id;
    expect(created.json<{ ownerId: string }>().ownerId).toBe(owner.id);

    expect((await post('/api/courses', student.headers, { title: 'Mine' })).statusCode).toBe(403);
    expect((await post('/api/courses', mentor.headers, { title: 'Mine' })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/courses/${id}`, headers: other.headers, payload: { title: 'Hijack' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/courses/${id}`, headers: admin.headers, payload: { title: 'Chemistry I' } })).statusCode).toBe(200);
    expect((await post(`/api/courses/${id}/enrolments`, other.headers, { userIds: [student.id] })).statusCode).toBe(403);

    // Only students can be enrolled; enrolment is idempotent.
    expect((await post(`/api/courses/${id}/enrolments`, owner.headers, { userIds: [other.id] })).statusCode).toBe(400);
    expect((await post(`/api/courses/${id}/enrolments`, owner.headers, { userIds: [student.id] })).statusCode).toBe(200);
    expect((await post(`/api/courses/${id}/enrolments`, owner.headers, { userIds: [student.id] })).statusCode).toBe(200);
    const roster = await t.app.inject({ method: 'GET', url: `/api/courses/${id}/enrolments`, headers: owner.headers });
    expect(roster.json<{ id: string }[]>().map((u) => u.id)).toEqual([student.id]);

    // The student sees the course they are enrolled in, and not others.
    const theirs = await t.app.inject({ method: 'GET', url: '/api/courses', headers: student.headers });
    expect(theirs.json<{ id: string }[]>().map((c) => c.id)).toEqual([id]);
    const otherCourse = (await post('/api/courses', other.headers, { title: 'History' })).json<{ id: string }>().id;
    expect((await t.app.inject({ method: 'GET', url: `/api/courses/${otherCourse}`, headers: student.headers })).statusCode).toBe(404);
    // A teacher lists only their own courses.
    const mine = await t.app.inject({ method: 'GET', url: '/api/courses', headers: other.headers });
    expect(mine.json<{ id: string }[]>().map((c) => c.id)).toEqual([otherCourse]);

    expect((await t.app.inject({ method: 'DELETE', url: `/api/courses/${id}/enrolments/${student.id}`, headers: owner.headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/courses/${id}`, headers: other.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/courses/${id}`, headers: owner.headers })).statusCode).toBe(204);
  });
});
