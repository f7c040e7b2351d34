// Editing a scheduled session the way the session page does: a new start with a time zone
// for one occurrence or for this and the following ones, invitees added and removed, and a
// history that names every change.
import { like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationOutbox } from '@lectern/db';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import { movedStart } from './scheduleService.js';
import { makeSchool, type Person, type School } from './test/testKit.js';

interface S {
  id: string;
  seriesId: string | null;
  scheduledAt: string;
  timezone: string;
  status: string;
  sequence: number;
  title: string;
  description: string;
  durationMinutes: number;
}
interface H {
  action: string;
  actorName: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  people: Record<string, string>;
}

describe('movedStart', () => {
  it('moves an occurrence by the days the target moved, to its new time of day, across DST', () => {
    const target = { scheduledAt: new Date('2026-03-09T08:00:00Z'), timezone: 'Europe/Berlin' }; // Monday 09:00
    const later = { scheduledAt: new Date('2026-03-30T07:00:00Z'), timezone: 'Europe/Berlin' }; // Monday 09:00 CEST
    const to = new Date('2026-03-10T10:00:00Z'); // Tuesday 11:00
    expect(movedStart(later, target, to, 'Europe/Berlin').toISOString()).toBe('2026-03-31T09:00:00.000Z');
    // Into another zone: Tuesday 11:00 in New York.
    expect(movedStart(later, target, new Date('2026-03-10T15:00:00Z'), 'America/New_York').toISOString()).toBe('2026-03-31T15:00:00.000Z');
  });
});

describe.each(dbKinds())('editing sessions on %s', (kind) => {
  let t: TestApp;
  let school: School;

  beforeAll(async () => {
    t = await createTestApp(kind);
    t.clock.set(new Date('2026-01-01T12:00:00Z'));
    school = await makeSchool(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Each change a second after the last, so the history has an order. */
  const tick = () => t.clock.set(new Date(t.clock.now().getTime() + 1000));
  const call = async <T>(who: Person, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) => {
    tick();
    const res = await t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json<T>() };
  };
  const create = async (payload: Record<string, unknown>) => {
    const res = await call<S>(school.teacherA, 'POST', '/api/sessions', payload);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const history = async (id: string) => (await call<H[]>(school.teacherA, 'GET', `/api/sessions/${id}/history`)).body;
  const rescheduledKeys = async () =>
    (await t.runtime.ctx.db.selectDistinct({ key: notificationOutbox.eventKey }).from(notificationOutbox).where(like(notificationOutbox.eventKey, 'session.rescheduled:%'))).map((r) => r.key);

  it('edit: title, description, a new start in another time zone and the duration of a one-off session', async () => {
    const s = await create({ title: 'Lab', description: 'Bring goggles', scheduledAt: '2026-06-10T09:00:00Z', durationMinutes: 60, timezone: 'Europe/Berlin', invitees: [school.studentA.id] });
    const before = await rescheduledKeys();
    const res = await call<{ session: S; affected: number }>(school.teacherA, 'PATCH', `/api/sessions/${s.id}?scope=one`, {
      title: 'Lab (moved)',
      description: 'Bring goggles and gloves',
      scheduledAt: '2026-06-11T14:30:00-04:00',
      timezone: 'America/New_York',
      durationMinutes: 90,
      reason: 'Room taken',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.affected).toBe(1);
    expect(res.body.session).toMatchObject({ title: 'Lab (moved)', description: 'Bring goggles and gloves', scheduledAt: '2026-06-11T18:30:00.000Z', timezone: 'America/New_York', durationMinutes: 90, sequence: s.sequence + 1 });
    // The invitee is told about the new time.
    expect((await rescheduledKeys()).length).toBe(before.length + 1);
    const [created, moved] = await history(s.id);
    expect(created?.action).toBe('created');
    expect(moved).toMatchObject({ action: 'rescheduled', actorName: 'Tara Teacher', reason: 'Room taken' });
    expect(moved?.before).toMatchObject({ title: 'Lab', description: 'Bring goggles', scheduledAt: '2026-06-10T09:00:00.000Z', timezone: 'Europe/Berlin', durationMinutes: 60 });
    expect(moved?.after).toMatchObject({ title: 'Lab (moved)', description: 'Bring goggles and gloves', scheduledAt: '2026-06-11T18:30:00.000Z', timezone: 'America/New_York', durationMinutes: 90 });

    // A title alone is an update, not a reschedule, and the unchanged description stays out.
    await call(school.teacherA, 'PATCH', `/api/sessions/${s.id}`, { title: 'Lab 2' });
    const last = (await history(s.id)).at(-1);
    expect(last).toMatchObject({ action: 'updated', before: { title: 'Lab (moved)' }, after: { title: 'Lab 2' } });
    expect(last?.after).not.toHaveProperty('description');
  });

  it('edit: a new start for this and the following occurrences moves each by the same days, to the new time, DST-correct', async () => {
    // Mondays 09:00 Berlin: 2, 9, 16, 23, 30 March (summer time from the 29th).
    const first = await create({ title: 'Seminar', scheduledAt: '2026-03-02T09:00:00+01:00', timezone: 'Europe/Berlin', recurrence: 'RRULE:FREQ=WEEKLY;COUNT=5' });
    const all = (await call<S[]>(school.teacherA, 'GET', `/api/sessions?seriesId=${first.seriesId}`)).body;
    // The second one moves to Tuesday 11:00, and so do the ones after it.
    const res = await call<{ affected: number }>(school.teacherA, 'PATCH', `/api/sessions/${all[1]!.id}?scope=following`, { scheduledAt: '2026-03-10T11:00:00+01:00', reason: 'New room plan' });
    expect(res.status).toBe(200);
    expect(res.body.affected).toBe(4);
    const moved = (await call<S[]>(school.teacherA, 'GET', `/api/sessions?seriesId=${first.seriesId}`)).body;
    expect(moved.map((s) => s.scheduledAt)).toEqual(['2026-03-02T08:00:00.000Z', '2026-03-10T10:00:00.000Z', '2026-03-17T10:00:00.000Z', '2026-03-24T10:00:00.000Z', '2026-03-31T09:00:00.000Z']);
    expect((await history(moved[4]!.id)).at(-1)).toMatchObject({ action: 'rescheduled', reason: 'New room plan' });

    // A new start and a time of day together make no sense.
    expect((await call(school.teacherA, 'PATCH', `/api/sessions/${all[1]!.id}?scope=all`, { scheduledAt: '2026-03-10T12:00:00Z', localTime: '12:00' })).status).toBe(400);
    expect((await call(school.teacherA, 'PATCH', `/api/sessions/${all[1]!.id}`, { timezone: 'Mars/Olympus' })).status).toBe(400);
  });

  it('edit: a held session cannot move; a student cannot edit', async () => {
    const s = await create({ title: 'Done', scheduledAt: '2026-01-01T12:00:00Z' });
    await call(school.teacherA, 'POST', `/api/sessions/${s.id}/start`);
    await call(school.teacherA, 'POST', `/api/sessions/${s.id}/end`);
    expect((await call(school.teacherA, 'PATCH', `/api/sessions/${s.id}`, { scheduledAt: '2026-02-01T12:00:00Z' })).status).toBe(409);
    const later = await create({ title: 'Later', scheduledAt: '2026-02-01T12:00:00Z', invitees: [school.studentA.id] });
    expect((await call(school.studentA, 'PATCH', `/api/sessions/${later.id}`, { title: 'Mine now' })).status).toBe(403);
  });

  it('history: invitee changes and host changes name the people', async () => {
    const s = await create({ title: 'Office hour', scheduledAt: '2026-04-01T10:00:00Z', invitees: [school.studentA.id] });
    expect((await call(school.teacherA, 'POST', `/api/sessions/${s.id}/invitees`, { userIds: [school.studentA2.id] })).status).toBe(200);
    expect((await call(school.teacherA, 'DELETE', `/api/sessions/${s.id}/invitees/${school.studentA.id}`)).status).toBe(200);
    expect((await call(school.admin, 'PUT', `/api/sessions/${s.id}/host`, { hostId: school.mentor.id, reason: 'Tara is away' })).status).toBe(200);
    const h = (await call<H[]>(school.admin, 'GET', `/api/sessions/${s.id}/history`)).body;
    expect(h.map((e) => e.action)).toEqual(['created', 'invitees_changed', 'invitees_changed', 'host_assigned']);
    expect(h[1]).toMatchObject({ after: { added: [school.studentA2.id], removed: [] }, people: { [school.studentA2.id]: 'Sue Student' } });
    expect(h[2]).toMatchObject({ after: { added: [], removed: [school.studentA.id] }, people: { [school.studentA.id]: 'Sam Student' } });
    expect(h[3]).toMatchObject({ actorName: 'Ada Admin', reason: 'Tara is away', people: { [school.teacherA.id]: 'Tara Teacher', [school.mentor.id]: 'Mina Mentor' } });
  });
});
