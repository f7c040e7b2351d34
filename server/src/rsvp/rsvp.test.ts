import { describe, expect, it } from 'vitest';
import { insertCourse, insertSession } from '../notifications/test/fixtures.js';
import { dbKinds, useTestApp } from '../test/harness.js';
import type { RsvpState } from './contract.js';

describe.each(dbKinds())('rsvp on %s', (kind) => {
  const t = useTestApp(kind);

  it('rsvp: a course student answers and changes the answer; the host sees the tally; outsiders get 404', async () => {
    const teacher = await t.userWithToken('teacher');
    const student = await t.userWithToken('student');
    const outsider = await t.userWithToken('student');
    const courseId = await insertCourse(t.runtime.ctx.db, teacher.id, [student.id]);
    const id = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(t.clock.now().getTime() + 86_400_000), courseId });
    const put = (who: { headers: { authorization: string } }, response: string) => t.app.inject({ method: 'PUT', url: `/api/sessions/${id}/rsvp`, headers: who.headers, payload: { response } });
    expect((await put(student, 'maybe')).json<RsvpState>()).toMatchObject({ mine: 'maybe', canAnswer: true, counts: { yes: 0, maybe: 1, no: 0 } });
    expect((await put(student, 'yes')).json<RsvpState>().counts).toEqual({ yes: 1, maybe: 0, no: 0 });
    const host = (await t.app.inject({ method: 'GET', url: `/api/sessions/${id}/rsvp`, headers: teacher.headers })).json<RsvpState>();
    expect(host).toMatchObject({ mine: null, canAnswer: false, counts: { yes: 1 } });
    expect((await put(outsider, 'yes')).statusCode).toBe(404);
    expect((await put(student, 'perhaps')).statusCode).toBe(400);
  });
});
