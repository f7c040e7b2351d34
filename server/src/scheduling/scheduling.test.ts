import { eq, like } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { notificationOutbox } from '@lectern/db';
import type * as SessionEvents from '../notifications/sessionEvents.js';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import { escapeText, foldLine } from './ics.js';
import { makeSchool, parseIcs, type School } from './test/testKit.js';

// The real outbox hook, with a switch that makes it fail (to prove the change rolls back with it).
const outbox = vi.hoisted(() => ({ fail: false }));
vi.mock('../notifications/sessionEvents.js', async (importOriginal) => {
  const real = await importOriginal<typeof SessionEvents>();
  return {
    ...real,
    enqueueSessionEvent: (...args: Parameters<typeof real.enqueueSessionEvent>) =>
      outbox.fail ? Promise.reject(new Error('outbox down')) : real.enqueueSessionEvent(...args),
  };
});

interface S {
  id: string;
  seriesId: string | null;
  scheduledAt: string;
  status: string;
  sequence: number;
  title: string;
  durationMinutes: number;
  cancelReason: string | null;
  materials: { id: string; kind: string; title: string; url: string; sizeBytes?: number }[];
  recurrence?: string;
}

describe('ics writer', () => {
  it('ics escapes text and folds long lines at 75 octets without splitting characters', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    const folded = foldLine(`SUMMARY:${'ü'.repeat(100)}`);
    for (const line of folded.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'ü'.repeat(100)}`);
  });
});

describe.each(dbKinds())('scheduling on %s', (kind) => {
  let t: TestApp;
  let school: School;
  /** Distinct outbox event keys of a type (e.g. 'session.cancelled'). */
  const outboxKeys = async (type: string) => {
    const rows = await t.runtime.ctx.db.select({ key: notificationOutbox.eventKey, payload: notificationOutbox.payload }).from(notificationOutbox).where(like(notificationOutbox.eventKey, `${type}:%`));
    return [...new Map(rows.map((r) => [r.key, r.payload])).entries()];
  };

  beforeAll(async () => {
    t = await createTestApp(kind, { env: { LECTERN_PUBLIC_URL: 'https://lectern.example.test' } });
    t.clock.set(new Date('2026-01-01T12:00:00Z'));
    school = await makeSchool(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = async (payload: Record<string, unknown>, who = school.teacherA) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: who.headers, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<S>();
  };
  const series = async (seriesId: string, who = school.teacherA) =>
    (await t.app.inject({ method: 'GET', url: `/api/sessions?seriesId=${seriesId}`, headers: who.headers })).json<S[]>();

  it('scheduling creates a weekly series that keeps 09:00 Europe/Berlin across DST, visible to an invited student', async () => {
    const first = await create({
      title: 'Algebra lecture',
      scheduledAt: '2026-03-02T09:00:00+01:00',
      durationMinutes: 90,
      timezone: 'Europe/Berlin',
      courseId: school.courseA,
      invitees: [school.studentA.id],
      recurrence: 'RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10',
    });
    expect(first.seriesId).toBeTruthy();
    expect(first.scheduledAt).toBe('2026-03-02T08:00:00.000Z');
    const all = await series(first.seriesId!);
    expect(all).toHaveLength(10);
    expect(all.map((s) => DateTime.fromISO(s.scheduledAt, { zone: 'Europe/Berlin' }).toFormat('ccc HH:mm'))).toEqual(Array(5).fill(['Mon 09:00', 'Wed 09:00']).flat());
    expect(new Set(all.map((s) => s.scheduledAt.slice(11, 16)))).toEqual(new Set(['08:00', '07:00']));
    const mine = await series(first.seriesId!, school.studentA);
    expect(mine).toHaveLength(10);
    const got = await t.app.inject({ method: 'GET', url: `/api/sessions/${all[3]!.id}`, headers: school.studentA.headers });
    expect(got.json<S>().recurrence).toBe('RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10');
    // One notification for the whole series, not one per occurrence (issue 15, point 11).
    const scheduled = (await outboxKeys('session.scheduled')).map(([k]) => k);
    expect(scheduled).toContain(`session.scheduled:series:${first.seriesId}`);
    for (const s of all) expect(scheduled).not.toContain(`session.scheduled:${s.id}`);
    const [row] = await t.runtime.ctx.db.select().from(notificationOutbox).where(eq(notificationOutbox.eventKey, `session.scheduled:series:${first.seriesId}`));
    expect(row!.payload.series).toMatchObject({ count: 10, frequency: 'weekly', when: 'Mondays and Wednesdays 09:00' });
  });

  it('scheduling rejects a bad rule with 400 and writes nothing', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/api/sessions', headers: school.teacherA.headers })).json<S[]>().length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: school.teacherA.headers,
      payload: { title: 'x', scheduledAt: '2026-03-02T09:00:00Z', recurrence: 'RRULE:FREQ=YEARLY;COUNT=3' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/FREQ/);
    const after = (await t.app.inject({ method: 'GET', url: '/api/sessions', headers: school.teacherA.headers })).json<S[]>().length;
    expect(after).toBe(before);
  });

  it('scheduling rolls back the whole create when the notification enqueue fails (same transaction)', async () => {
    outbox.fail = true;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: school.teacherA.headers,
      payload: { title: 'Doomed', scheduledAt: '2026-04-01T10:00:00Z', recurrence: 'RRULE:FREQ=DAILY;COUNT=3' },
    });
    outbox.fail = false;
    expect(res.statusCode).toBe(500);
    const list = (await t.app.inject({ method: 'GET', url: '/api/sessions?limit=500', headers: school.admin.headers })).json<S[]>();
    expect(list.filter((s) => s.title === 'Doomed')).toHaveLength(0);
  });

  it('scheduling .ics parses with python icalendar at the right UTC instants; a reschedule bumps SEQUENCE', async () => {
    const s = await create({ title: 'Office hours; Q&A, part 1', description: 'Bring questions\nand notes', scheduledAt: '2026-06-10T14:30:00-04:00', durationMinutes: 45, timezone: 'America/New_York', invitees: [school.studentA.id] });
    const ics1 = await t.app.inject({ method: 'GET', url: `/api/sessions/${s.id}/ics`, headers: school.studentA.headers });
    expect(ics1.statusCode).toBe(200);
    expect(ics1.headers['content-type']).toMatch(/^text\/calendar/);
    expect(ics1.body).toMatch(/\r\n$/);
    expect(ics1.body.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const p1 = parseIcs(ics1.body);
    expect(p1.version).toBe('2.0');
    expect(p1.events).toHaveLength(1);
    const e1 = p1.events[0]!;
    expect(e1).toMatchObject({ uid: `${s.id}@lectern`, sequence: 0, status: 'CONFIRMED', start: '2026-06-10T18:30:00.000Z', end: '2026-06-10T19:15:00.000Z', summary: 'Office hours; Q&A, part 1', url: `https://lectern.example.test/sessions/${s.id}` });
    expect(e1.description).toContain('Bring questions\nand notes');
    expect(e1.organizer).toMatch(/^mailto:/);

    t.clock.advance(60_000);
    const moved = await t.app.inject({
      method: 'POST',
      url: `/api/sessions/${s.id}/reschedule`,
      headers: school.teacherA.headers,
      payload: { scheduledAt: '2026-06-11T10:00:00-04:00', reason: 'Room clash' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const e2 = parseIcs((await t.app.inject({ method: 'GET', url: `/api/sessions/${s.id}/ics`, headers: school.studentA.headers })).body).events[0]!;
    expect(e2.uid).toBe(e1.uid);
    expect(e2.sequence).toBeGreaterThan(e1.sequence);
    expect(e2.start).toBe('2026-06-11T14:00:00.000Z');
    const resched = (await outboxKeys('session.rescheduled')).filter(([k]) => k.includes(s.id));
    expect(resched).toHaveLength(1);
    expect(resched[0]![1]).toMatchObject({ previousStart: '2026-06-10T18:30:00.000Z', startsAt: '2026-06-11T14:00:00.000Z', reason: 'Room clash' });
    const history = (await t.app.inject({ method: 'GET', url: `/api/sessions/${s.id}/history`, headers: school.teacherA.headers })).json<
      { action: string; reason: string | null; actorId: string; before: { scheduledAt: string } | null; after: { scheduledAt: string } | null }[]
    >();
    expect(history.map((h) => h.action)).toEqual(['created', 'rescheduled']);
    expect(history[1]).toMatchObject({ reason: 'Room clash', actorId: school.teacherA.id, before: { scheduledAt: '2026-06-10T18:30:00.000Z' }, after: { scheduledAt: '2026-06-11T14:00:00.000Z' } });
    const noReason = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/reschedule`, headers: school.teacherA.headers, payload: { scheduledAt: '2026-06-12T10:00:00Z' } });
    expect(noReason.statusCode).toBe(400);
  });

  it('scheduling cancels this and the following occurrences, keeps earlier ones, and the feed shows STATUS:CANCELLED', async () => {
    const first = await create({ title: 'Daily standup', scheduledAt: '2026-09-01T08:00:00Z', timezone: 'Europe/London', durationMinutes: 15, invitees: [school.studentA2.id], recurrence: 'RRULE:FREQ=DAILY;COUNT=6' });
    const all = await series(first.seriesId!);
    const third = all[2]!;
    const res = await t.app.inject({ method: 'POST', url: `/api/sessions/${third.id}/cancel`, headers: school.teacherA.headers, payload: { reason: 'Term ends early', scope: 'following' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ affected: number }>().affected).toBe(4);
    const after = await series(first.seriesId!);
    expect(after.map((s) => s.status)).toEqual(['scheduled', 'scheduled', 'cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(after[3]!.cancelReason).toBe('Term ends early');
    const cancelled = (await outboxKeys('session.cancelled')).map(([k]) => k);
    expect(after.filter((s) => cancelled.includes(`session.cancelled:${s.id}`))).toHaveLength(4);
    const again = await t.app.inject({ method: 'POST', url: `/api/sessions/${third.id}/cancel`, headers: school.teacherA.headers, payload: { reason: 'twice' } });
    expect(again.statusCode).toBe(409);

    const { url } = (await t.app.inject({ method: 'GET', url: '/api/me/calendar', headers: school.studentA2.headers })).json<{ url: string }>();
    expect(url).toMatch(/^https:\/\/lectern\.example\.test\/api\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    const path = new URL(url).pathname;
    const feed = await t.app.inject({ method: 'GET', url: path });
    expect(feed.statusCode).toBe(200);
    const parsed = parseIcs(feed.body).events;
    const byUid = new Map(parsed.map((e) => [e.uid, e]));
    expect(parsed.length).toBeGreaterThanOrEqual(6);
    for (const s of after) {
      const e = byUid.get(`${s.id}@lectern`)!;
      expect(e.status).toBe(s.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED');
      expect(e.start).toBe(s.scheduledAt);
      expect(e.sequence).toBe(s.sequence);
    }
    expect(byUid.get(`${after[2]!.id}@lectern`)!.sequence).toBe(1);
    // Regenerating retires the old URL.
    const fresh = (await t.app.inject({ method: 'POST', url: '/api/me/calendar/regenerate', headers: school.studentA2.headers })).json<{ url: string }>();
    expect(fresh.url).not.toBe(url);
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: new URL(fresh.url).pathname })).statusCode).toBe(200);
  });

  it('scheduling moves the whole series to a new local time of day, DST-correct, and edits one occurrence alone', async () => {
    const first = await create({ title: 'Seminar', scheduledAt: '2026-10-19T16:00:00+02:00', timezone: 'Europe/Berlin', recurrence: 'RRULE:FREQ=WEEKLY;COUNT=3' });
    const all = await series(first.seriesId!);
    const res = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${all[1]!.id}?scope=all`, headers: school.teacherA.headers, payload: { localTime: '10:30', reason: 'Mornings suit better' } });
    expect(res.statusCode, res.body).toBe(200);
    const moved = await series(first.seriesId!);
    expect(moved.map((s) => s.scheduledAt)).toEqual(['2026-10-19T08:30:00.000Z', '2026-10-26T09:30:00.000Z', '2026-11-02T09:30:00.000Z']);
    const one = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${moved[2]!.id}?scope=one`, headers: school.teacherA.headers, payload: { title: 'Seminar (guest talk)' } });
    expect(one.statusCode).toBe(200);
    expect((await series(first.seriesId!)).map((s) => s.title)).toEqual(['Seminar', 'Seminar', 'Seminar (guest talk)']);
    const following = await t.app.inject({ method: 'PATCH', url: `/api/sessions/${moved[1]!.id}?scope=following`, headers: school.teacherA.headers, payload: { durationMinutes: 30 } });
    expect(following.json<{ affected: number }>().affected).toBe(2);
    expect((await series(first.seriesId!)).map((s) => s.durationMinutes)).toEqual([60, 30, 30]);
  });

  it('scheduling accepts materials within limits and serves files only to viewers', async () => {
    const s = await create({ title: 'Lab', scheduledAt: '2026-05-05T10:00:00Z', invitees: [school.studentA.id] });
    const link = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.id}/materials`, headers: school.teacherA.headers, payload: { title: 'Slides', url: 'https://example.org/slides' } });
    expect(link.statusCode).toBe(201);
    const boundary = '----lectern';
    const upload = (name: string, content: Buffer, who = school.teacherA) =>
      t.app.inject({
        method: 'POST',
        url: `/api/sessions/${s.id}/materials/files`,
        headers: { ...who.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nWorksheet\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
          content,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ]),
      });
    const ok = await upload('sheet.pdf', Buffer.from('%PDF-1.4 hello'));
    expect(ok.statusCode, ok.body).toBe(201);
    const file = ok.json<S>().materials.find((m) => m.kind === 'file')!;
    expect(file).toMatchObject({ title: 'Worksheet', sizeBytes: 14 });
    expect((await upload('evil.exe', Buffer.from('MZ'))).statusCode).toBe(400);
    expect((await upload('big.pdf', Buffer.alloc(20 * 1024 * 1024 + 1))).statusCode).toBe(413);
    expect((await upload('sheet.pdf', Buffer.from('x'), school.studentA)).statusCode).toBe(403);
    const get = (who: { headers: { authorization: string } }) => t.app.inject({ method: 'GET', url: file.url, headers: who.headers });
    const dl = await get(school.studentA);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.body).toBe('%PDF-1.4 hello');
    expect((await get(school.studentB)).statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: file.url, headers: school.teacherA.headers });
    expect(del.json<S>().materials.map((m) => m.title)).toEqual(['Slides']);
    expect((await get(school.studentA)).statusCode).toBe(404);
  });

  it('scheduling lists with filters for admins: host, course, status, date range', async () => {
    await create({ title: 'Filter me', scheduledAt: '2027-02-01T10:00:00Z', courseId: school.courseA });
    const q = (qs: string) => t.app.inject({ method: 'GET', url: `/api/sessions?${qs}`, headers: school.admin.headers }).then((r) => r.json<S[]>());
    const byCourse = await q(`courseId=${school.courseA}&from=2027-01-31T00:00:00Z&to=2027-02-02T00:00:00Z`);
    expect(byCourse.map((s) => s.title)).toEqual(['Filter me']);
    expect(await q(`hostId=${school.teacherB.id}`)).toEqual([]);
    expect((await q('status=cancelled')).every((s) => s.status === 'cancelled')).toBe(true);
    expect((await q(`hostId=${school.teacherA.id}&order=desc&limit=1`))[0]!.title).toBe('Filter me');
  });

  it('scheduling routes are documented in OpenAPI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    for (const [path, method] of [
      ['/api/sessions', 'post'],
      ['/api/sessions', 'get'],
      ['/api/sessions/{id}', 'patch'],
      ['/api/sessions/{id}/reschedule', 'post'],
      ['/api/sessions/{id}/cancel', 'post'],
      ['/api/sessions/{id}/host', 'put'],
      ['/api/sessions/{id}/invitees', 'post'],
      ['/api/sessions/{id}/history', 'get'],
      ['/api/sessions/{id}/ics', 'get'],
      ['/api/sessions/{id}/materials/files', 'post'],
      ['/api/me/calendar', 'get'],
      ['/api/me/calendar/regenerate', 'post'],
      ['/api/calendar/{token}', 'get'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
  });
});
