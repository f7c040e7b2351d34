// A series change with scope "following" or "all" reaches only the occurrences the caller
// may edit: a host given one occurrence of someone else's series cannot edit, re-invite or
// cancel the rest of it. Admins reach every occurrence.
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionInvitees, sessions } from '@lectern/db';
import { createTestApp, dbKinds, type TestApp, type TestUser } from '../test/harness.js';

describe.each(dbKinds())('series scopes on %s', (kind) => {
  let t: TestApp;
  let admin: TestUser;
  let mentorA: TestUser;
  let mentorB: TestUser;
  let student: TestUser;

  beforeAll(async () => {
    t = await createTestApp(kind);
    t.clock.set(new Date('2026-01-01T00:00:00Z'));
    admin = await t.userWithToken('admin', 'Ada Admin');
    mentorA = await t.userWithToken('mentor', 'Mina A');
    mentorB = await t.userWithToken('mentor', 'Milo B');
    student = await t.userWithToken('student', 'Sam Student');
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = async (who: TestUser, method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) => {
    const res = await t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json<{ affected?: number }>() };
  };

  /** A weekly series of four by mentor A, its second occurrence given to mentor B by an admin. */
  async function seriesWithOneReassigned(): Promise<{ seriesId: string; ids: string[]; bId: string }> {
    const made = await call(mentorA, 'POST', '/api/sessions', { title: 'Series', scheduledAt: '2026-05-04T10:00:00Z', timezone: 'UTC', recurrence: 'RRULE:FREQ=WEEKLY;COUNT=4' });
    expect(made.status).toBe(201);
    const [first] = await t.db.db.select().from(sessions).where(eq(sessions.id, (made.body as unknown as { id: string }).id));
    const rows = await t.db.db.select().from(sessions).where(eq(sessions.seriesId, first!.seriesId!)).orderBy(asc(sessions.scheduledAt));
    expect(rows).toHaveLength(4);
    const bId = rows[1]!.id;
    expect((await call(admin, 'PUT', `/api/sessions/${bId}/host`, { hostId: mentorB.id, scope: 'one' })).status).toBe(200);
    return { seriesId: first!.seriesId!, ids: rows.map((r) => r.id), bId };
  }

  const occurrences = (seriesId: string) => t.db.db.select().from(sessions).where(eq(sessions.seriesId, seriesId)).orderBy(asc(sessions.scheduledAt));

  it('series scopes: the reassigned host cancels with scope all and only their occurrence is cancelled', async () => {
    const { seriesId, bId } = await seriesWithOneReassigned();
    const res = await call(mentorB, 'POST', `/api/sessions/${bId}/cancel`, { reason: 'mine only', scope: 'all' });
    expect(res).toMatchObject({ status: 200, body: { affected: 1 } });
    const after = await occurrences(seriesId);
    expect(after.map((s) => `${s.hostId === mentorB.id ? 'B' : 'A'}:${s.status}`)).toEqual(['A:scheduled', 'B:cancelled', 'A:scheduled', 'A:scheduled']);
  });

  it('series scopes: edits and invitees with scope all or following stay within the caller’s occurrences', async () => {
    const { seriesId, ids, bId } = await seriesWithOneReassigned();
    expect(await call(mentorB, 'PATCH', `/api/sessions/${bId}?scope=all`, { title: 'Taken over' })).toMatchObject({ status: 200, body: { affected: 1 } });
    expect(await call(mentorB, 'PATCH', `/api/sessions/${bId}?scope=following`, { description: 'later too' })).toMatchObject({ status: 200, body: { affected: 1 } });
    expect(await call(mentorB, 'POST', `/api/sessions/${bId}/invitees`, { userIds: [student.id], scope: 'all' })).toMatchObject({ status: 200, body: { affected: 1 } });
    const after = await occurrences(seriesId);
    expect(after.map((s) => s.title)).toEqual(['Series', 'Taken over', 'Series', 'Series']);
    expect(after.map((s) => s.description)).toEqual(['', 'later too', '', '']);
    const invited = await t.db.db.select().from(sessionInvitees).where(eq(sessionInvitees.userId, student.id));
    expect(invited.map((r) => r.sessionId)).toEqual([bId]);

    // The series' own host, likewise, no longer reaches the occurrence given away.
    expect(await call(mentorA, 'POST', `/api/sessions/${ids[0]}/cancel`, { reason: 'all of mine', scope: 'all' })).toMatchObject({ status: 200, body: { affected: 3 } });
    expect((await occurrences(seriesId)).map((s) => s.status)).toEqual(['cancelled', 'scheduled', 'cancelled', 'cancelled']);
  });

  it('series scopes: an admin still reaches every occurrence', async () => {
    const { seriesId, bId } = await seriesWithOneReassigned();
    expect(await call(admin, 'PATCH', `/api/sessions/${bId}?scope=all`, { title: 'Everyone' })).toMatchObject({ status: 200, body: { affected: 4 } });
    expect(await call(admin, 'POST', `/api/sessions/${bId}/cancel`, { reason: 'term over', scope: 'all' })).toMatchObject({ status: 200, body: { affected: 4 } });
    expect((await occurrences(seriesId)).map((s) => `${s.title}:${s.status}`)).toEqual(Array(4).fill('Everyone:cancelled'));
  });
});
