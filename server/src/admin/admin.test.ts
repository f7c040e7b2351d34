import { describe, expect, it } from 'vitest';
import { dbKinds, useTestApp } from '../test/harness.js';
import type { BulkEnrolResult, CourseSummary } from './contract.js';

describe.each(dbKinds())('admin courses on %s', (kind) => {
  const t = useTestApp(kind);

  it('admin: bulk enrolment previews each row, names what is wrong, and enrols only the good rows', async () => {
    const admin = await t.userWithToken('admin');
    const teacher = await t.userWithToken('teacher', 'Tess');
    const a = await t.userWithToken('student', 'Ann');
    const b = await t.userWithToken('student', 'Ben');
    const created = await t.app.inject({ method: 'POST', url: '/api/courses', headers: admin.headers, payload: { title: 'Biology', ownerId: teacher.id } });
    expect(created.statusCode).toBe(201);
    const courseId = created.json<{ id: string }>().id;
    const emails = [a.email, 'not an email', b.email.toUpperCase(), teacher.email, 'ghost@example.test', a.email];
    const preview = await t.app.inject({ method: 'POST', url: `/api/admin/courses/${courseId}/enrolments/bulk`, headers: admin.headers, payload: { emails, dryRun: true } });
    expect(preview.statusCode).toBe(200);
    const p = preview.json<BulkEnrolResult>();
    expect(p.rows.map((r) => r.status)).toEqual(['enrol', 'error', 'enrol', 'error', 'error', 'error']);
    expect(p.rows[1]!.message).toBe('This is not an email address.');
    expect(p.rows[3]!.message).toBe('Tess is a teacher, not a student.');
    expect(p.enrolled).toBe(0);
    const done = (await t.app.inject({ method: 'POST', url: `/api/admin/courses/${courseId}/enrolments/bulk`, headers: admin.headers, payload: { emails } })).json<BulkEnrolResult>();
    expect(done.enrolled).toBe(2);
    const again = (await t.app.inject({ method: 'POST', url: `/api/admin/courses/${courseId}/enrolments/bulk`, headers: admin.headers, payload: { emails: [a.email], dryRun: true } })).json<BulkEnrolResult>();
    expect(again.rows[0]!.status).toBe('already');

    const list = (await t.app.inject({ method: 'GET', url: '/api/admin/courses', headers: admin.headers })).json<CourseSummary[]>();
    expect(list.find((c) => c.id === courseId)).toMatchObject({ ownerName: 'Tess', studentCount: 2, archived: false });
    const arch = await t.app.inject({ method: 'POST', url: `/api/admin/courses/${courseId}/archive`, headers: admin.headers, payload: { archived: true } });
    expect(arch.json<CourseSummary>().archived).toBe(true);
    const live = (await t.app.inject({ method: 'GET', url: '/api/admin/courses?archived=exclude', headers: admin.headers })).json<CourseSummary[]>();
    expect(live.some((c) => c.id === courseId)).toBe(false);

    const student = await t.app.inject({ method: 'GET', url: '/api/admin/courses', headers: a.headers });
    expect(student.statusCode).toBe(403);
  });
});
