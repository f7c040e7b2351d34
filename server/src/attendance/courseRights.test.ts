// Rights over a course's attendance come from owning the course (or an admin), never from
// attaching the course to a session one hosts. Corrections are for the session's hosts and
// admins only.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceOverrides, courses, enrolments, sessions } from '@lectern/db';
import { createTestApp, dbKinds, type TestApp, type TestUser } from '../test/harness.js';

describe.each(dbKinds())('course attendance rights on %s', (kind) => {
  let t: TestApp;
  let admin: TestUser, teacher: TestUser, mentor: TestUser, student: TestUser;
  let courseId: string;
  let teacherSession: string;
  let mentorSession: string;

  const call = async (who: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: Record<string, unknown>) => {
    const res = await t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
    return res.statusCode;
  };
  const excuse = (who: TestUser, sid: string) => call(who, 'PUT', `/api/sessions/${sid}/attendance/${student.id}`, { status: 'excused', note: 'ill' });
  const overrides = async (sid: string) => (await t.db.db.select().from(attendanceOverrides).where(eq(attendanceOverrides.sessionId, sid))).length;

  beforeAll(async () => {
    t = await createTestApp(kind);
    t.clock.set(new Date('2026-03-01T08:00:00Z'));
    admin = await t.userWithToken('admin', 'Ada Admin');
    teacher = await t.userWithToken('teacher', 'Tess Owner');
    mentor = await t.userWithToken('mentor', 'Milo Mentor');
    student = await t.userWithToken('student', 'Sam Student');
    const db = t.runtime.ctx.db;
    const [c] = await db.insert(courses).values({ title: 'Chemistry', ownerId: teacher.id }).returning();
    courseId = c!.id;
    await db.insert(enrolments).values({ courseId, userId: student.id, createdAt: new Date('2026-02-01T00:00:00Z') });
    const [s] = await db
      .insert(sessions)
      .values({ title: 'Owner lesson', scheduledAt: new Date('2026-03-02T09:00:00Z'), durationMinutes: 60, timezone: 'UTC', hostId: teacher.id, courseId })
      .returning();
    teacherSession = s!.id;
    // A mentor may attach any course to a session of their own: that must not make them its teacher.
    const made = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: mentor.headers, payload: { title: 'Mentor lesson', scheduledAt: '2026-03-03T09:00:00Z', timezone: 'UTC', courseId } });
    expect(made.statusCode).toBe(201);
    mentorSession = made.json<{ id: string }>().id;
  });
  afterAll(async () => t?.close());

  it('course attendance rights: a mentor attaching the course cannot read its course report (403)', async () => {
    expect(await call(mentor, 'GET', `/api/reports/courses/${courseId}`)).toBe(403);
    expect(await call(teacher, 'GET', `/api/reports/courses/${courseId}`)).toBe(200);
    expect(await call(admin, 'GET', `/api/reports/courses/${courseId}`)).toBe(200);
    expect(await call(mentor, 'GET', '/api/reports/courses/00000000-0000-4000-8000-000000000000')).toBe(404);
  });

  it('course attendance rights: the mentor reads and corrects only their own session, not the owner’s', async () => {
    expect(await call(mentor, 'GET', `/api/sessions/${teacherSession}/attendance`)).toBe(404); // not theirs, not invited: hidden
    expect(await excuse(mentor, teacherSession)).toBe(404);
    expect(await overrides(teacherSession)).toBe(0);
    expect(await call(mentor, 'GET', `/api/sessions/${mentorSession}/attendance`)).toBe(200);
    expect(await excuse(mentor, mentorSession)).toBe(200);
  });

  it('course attendance rights: the course owner reads a session of the course but only its hosts correct it', async () => {
    expect(await call(teacher, 'GET', `/api/sessions/${mentorSession}/attendance`)).toBe(200);
    expect(await excuse(teacher, mentorSession)).toBe(403);
    expect(await excuse(teacher, teacherSession)).toBe(200);
    expect(await excuse(admin, mentorSession)).toBe(200);
    expect(await overrides(teacherSession)).toBe(1);
  });
});
