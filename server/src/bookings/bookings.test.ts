// Bookings through the HTTP API on PGlite and Postgres: availability, slots, booking as a
// guest and signed in, 409 with fresh slots, cancel frees the slot, reschedule, payments and
// revenue, and statuses that follow from attendance after the end plus the grace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attendanceIntervals, notificationOutbox, sessions } from '@lectern/db';
import { and, eq } from 'drizzle-orm';
import { scanReminders } from '../notifications/reminders.js';
import { createTestApp, dbKinds, type TestApp } from '../test/harness.js';
import type { BookingCreatedDto, BookingDto, SlotDto } from './contract.js';

describe.each(dbKinds())('bookings on %s', (kind) => {
  let t: TestApp;
  let host: Awaited<ReturnType<TestApp['userWithToken']>>;
  let student: Awaited<ReturnType<TestApp['userWithToken']>>;
  const handle = `tess-${kind}`;

  beforeAll(async () => {
    t = await createTestApp(kind);
    t.clock.set('2026-03-20T12:00:00Z'); // Friday; Berlin springs forward on Sunday 29 March
    host = await t.userWithToken('teacher', 'Tess Teacher');
    student = await t.userWithToken('student', 'Sam Student');
  });
  afterAll(() => t?.close());

  /** Moves the injected clock; access tokens are re-signed so they are valid at the new time. */
  async function setClock(iso: string): Promise<void> {
    t.clock.set(iso);
    for (const u of [host, student]) {
      const role = u === host ? 'teacher' : 'student';
      u.headers.authorization = `Bearer ${await t.runtime.ctx.tokens.signAccess({ userId: u.id, role })}`;
    }
  }

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }), headers });

  it('bookings availability round-trips and validates', async () => {
    const bad = await call('PUT', '/api/me/availability', { timezone: 'Mars/Olympus', handle, rules: [] }, host.headers);
    expect(bad.statusCode).toBe(400);
    const badRule = await call('PUT', '/api/me/availability', { timezone: 'Europe/Berlin', handle, rules: [{ dayOfWeek: 1, start: '10:00', end: '09:00', slotMinutes: 30 }] }, host.headers);
    expect(badRule.statusCode).toBe(400);
    expect((await call('PUT', '/api/me/availability', { timezone: 'UTC', handle: 'x', rules: [] }, student.headers)).statusCode).toBe(403);
    const res = await call(
      'PUT',
      '/api/me/availability',
      {
        timezone: 'Europe/Berlin',
        handle: handle.toUpperCase(),
        rules: [
          { dayOfWeek: 1, start: '09:00', end: '12:00', slotMinutes: 30, bufferMinutes: 10 },
          { dayOfWeek: 2, start: '14:00', end: '16:00', slotMinutes: 60, priceCents: 2500, currency: 'EUR' },
        ],
        overrides: [{ kind: 'off', date: '2026-04-06' }],
        minNoticeMinutes: 60,
        horizonDays: 30,
      },
      host.headers,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ handle, timezone: 'Europe/Berlin', minNoticeMinutes: 60, horizonDays: 30, dailyCap: null });
    expect((await call('GET', '/api/me/availability', undefined, host.headers)).json().rules).toHaveLength(2);
    // Another host cannot take the handle.
    const other = await t.userWithToken('mentor');
    expect((await call('PUT', '/api/me/availability', { timezone: 'UTC', handle, rules: [] }, other.headers)).statusCode).toBe(409);
  });

  it('bookings slots are UTC instants that keep 09:00 Berlin across the DST change', async () => {
    const res = await call('GET', `/api/hosts/${handle}/slots?from=2026-03-23T00:00:00Z&to=2026-04-01T00:00:00Z`);
    expect(res.statusCode).toBe(200);
    const slots = res.json<SlotDto[]>();
    const mondays = slots.filter((s) => s.priceCents === 0).map((s) => s.start);
    expect(mondays[0]).toBe('2026-03-23T08:00:00.000Z'); // 09:00 CET
    expect(mondays).toContain('2026-03-30T07:00:00.000Z'); // 09:00 CEST
    expect(slots.find((s) => s.priceCents === 2500)).toMatchObject({ start: '2026-03-24T13:00:00.000Z', end: '2026-03-24T14:00:00.000Z', currency: 'EUR' });
    // The day off has nothing; unknown hosts are 404.
    const off = await call('GET', `/api/hosts/${handle}/slots?from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z`);
    expect(off.json()).toEqual([]);
    expect((await call('GET', '/api/hosts/nobody-here/slots?from=2026-04-06T00:00:00Z&to=2026-04-07T00:00:00Z')).statusCode).toBe(404);
    expect((await call('GET', `/api/hosts/${handle}/slots?from=2026-04-06T00:00:00Z&to=2026-01-07T00:00:00Z`)).statusCode).toBe(400);
  });

  let guestBooking: BookingCreatedDto;
  it('bookings a guest books, the slot and its buffer leave the list, a second try is 409 with fresh slots', async () => {
    const start = '2026-03-23T09:00:00.000Z'; // 10:00 Berlin
    const noName = await call('POST', '/api/bookings', { handle, start });
    expect(noName.statusCode).toBe(400);
    const res = await call('POST', '/api/bookings', { handle, start, name: 'Gail Guest', email: 'Gail@Example.test', notes: 'About my thesis', timezone: 'America/New_York' });
    expect(res.statusCode).toBe(201);
    guestBooking = res.json();
    expect(guestBooking).toMatchObject({ status: 'confirmed', start, end: '2026-03-23T09:30:00.000Z', priceCents: 0 });
    expect(guestBooking.manageUrl).toMatch(/\/bookings\/manage\/[A-Za-z0-9_-]{32}$/);
    expect(guestBooking.joinUrl).toMatch(/\/j\/[0-9A-Z]{8}$/);
    const [s] = await t.db.db.select().from(sessions).where(eq(sessions.id, guestBooking.sessionId));
    expect(s).toMatchObject({ type: 'office_hours', hostId: host.id, durationMinutes: 30, timezone: 'Europe/Berlin' });

    const again = await call('POST', '/api/bookings', { handle, start, name: 'Other', email: 'o@example.test' });
    expect(again.statusCode).toBe(409);
    const body = again.json<{ error: { code: string; details: { slots: SlotDto[] } } }>();
    expect(body.error.code).toBe('slot_taken');
    const fresh = body.error.details.slots.map((x) => x.start);
    // Taken 10:00-10:30 Berlin plus its 10-minute buffer: 09:30 (its buffer) and 10:30 are gone.
    expect(fresh).toEqual(['2026-03-23T08:00:00.000Z', '2026-03-23T10:00:00.000Z', '2026-03-23T10:30:00.000Z']);
    // A time that is not on the grid is 409 too.
    expect((await call('POST', '/api/bookings', { handle, start: '2026-03-23T09:05:00Z', name: 'X', email: 'x@example.test' })).statusCode).toBe(409);

    // Emails: the host (in-app + email) and the guest at the address they gave, with the .ics.
    const out = await t.db.db.select().from(notificationOutbox).where(eq(notificationOutbox.eventType, 'booking.confirmed'));
    expect(out.map((o) => `${o.recipientId ?? o.recipientEmail}:${o.channel}`).sort()).toEqual([`${host.id}:email`, `${host.id}:in_app`, 'gail@example.test:email'].sort());
  });

  it('bookings signed-in student books in one step and sees it as guest; the host lists it', async () => {
    const res = await call('POST', '/api/bookings', { handle, start: '2026-03-24T13:00:00Z' }, student.headers);
    expect(res.statusCode).toBe(201);
    const b = res.json<BookingCreatedDto>();
    expect(b).toMatchObject({ status: 'pending_payment', priceCents: 2500, currency: 'EUR' });
    expect(b.manageUrl).toBeUndefined();
    const mine = (await call('GET', '/api/bookings?role=guest', undefined, student.headers)).json<BookingDto[]>();
    expect(mine.map((x) => x.id)).toEqual([b.id]);
    const hosted = (await call('GET', '/api/bookings?role=host', undefined, host.headers)).json<BookingDto[]>();
    expect(hosted).toHaveLength(2);
    const pending = (await call('GET', '/api/bookings?status=pending_payment', undefined, host.headers)).json<BookingDto[]>();
    expect(pending.map((x) => x.id)).toEqual([b.id]);
    // Only the two sides see it.
    const stranger = await t.userWithToken('student');
    expect((await call('GET', `/api/bookings/${b.id}`, undefined, stranger.headers)).statusCode).toBe(403);

    // Payment: the host records it, the booking is confirmed; a refund later counts against revenue.
    expect((await call('POST', `/api/bookings/${b.id}/payments`, { method: 'cash', amountCents: 2500, currency: 'USD' }, host.headers)).statusCode).toBe(400);
    expect((await call('POST', `/api/bookings/${b.id}/payments`, { method: 'cash', amountCents: 2500, currency: 'EUR' }, student.headers)).statusCode).toBe(403);
    const paid = await call('POST', `/api/bookings/${b.id}/payments`, { method: 'bank transfer', reference: 'INV-7', amountCents: 2500, currency: 'EUR' }, host.headers);
    expect(paid.statusCode).toBe(201);
    expect((await call('GET', `/api/bookings/${b.id}`, undefined, host.headers)).json()).toMatchObject({ status: 'confirmed', paidCents: 2500 });
    await setClock('2026-04-02T10:00:00Z');
    expect((await call('POST', `/api/bookings/${b.id}/payments`, { kind: 'refund', method: 'bank transfer', amountCents: 3000, currency: 'EUR' }, host.headers)).statusCode).toBe(400);
    expect((await call('POST', `/api/bookings/${b.id}/payments`, { kind: 'refund', method: 'bank transfer', amountCents: 1000, currency: 'EUR' }, host.headers)).statusCode).toBe(201);
    const rev = (await call('GET', '/api/me/revenue', undefined, host.headers)).json();
    expect(rev).toEqual([
      { month: '2026-03', currency: 'EUR', amountCents: 2500 },
      { month: '2026-04', currency: 'EUR', amountCents: -1000 },
    ]);
    const admin = await t.userWithToken('admin');
    const all = (await call('GET', '/api/admin/revenue', undefined, admin.headers)).json<{ hostId: string; month: string; amountCents: number }[]>();
    expect(all.filter((x) => x.hostId === host.id).map((x) => [x.month, x.amountCents])).toEqual([
      ['2026-03', 2500],
      ['2026-04', -1000],
    ]);
    expect((await call('GET', '/api/admin/revenue', undefined, host.headers)).statusCode).toBe(403);
    await setClock('2026-03-20T12:00:00Z');
  });

  it('bookings guest cancels with the private link and the slot is free again; reschedule moves it', async () => {
    const token = guestBooking.manageUrl!.split('/').pop()!;
    expect((await call('GET', `/api/bookings/manage/${token}`)).json()).toMatchObject({ id: guestBooking.id, guestEmail: 'gail@example.test' });
    expect((await call('GET', `/api/bookings/manage/${'x'.repeat(32)}`)).statusCode).toBe(404);
    const moved = await call('POST', `/api/bookings/manage/${token}/reschedule`, { start: '2026-03-23T10:00:00Z' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ start: '2026-03-23T10:00:00.000Z', status: 'confirmed' });
    const [s] = await t.db.db.select().from(sessions).where(eq(sessions.id, guestBooking.sessionId));
    expect(s!.scheduledAt.toISOString()).toBe('2026-03-23T10:00:00.000Z');
    const cancelled = await call('POST', `/api/bookings/manage/${token}/cancel`, { reason: 'Found the answer' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelledBy: 'guest', cancelReason: 'Found the answer' });
    expect((await call('POST', `/api/bookings/manage/${token}/cancel`, { reason: 'again' })).statusCode).toBe(409);
    const slots = (await call('GET', `/api/hosts/${handle}/slots?from=2026-03-23T00:00:00Z&to=2026-03-24T00:00:00Z`)).json<SlotDto[]>();
    expect(slots).toHaveLength(6);
    const [after] = await t.db.db.select().from(sessions).where(eq(sessions.id, guestBooking.sessionId));
    expect(after!.status).toBe('cancelled');
  });

  it('bookings become no_show or completed from attendance after the end plus the grace', async () => {
    const a = (await call('POST', '/api/bookings', { handle, start: '2026-03-23T08:00:00Z', name: 'Nora Noshow', email: 'nora@example.test' })).json<BookingCreatedDto>();
    const b = (await call('POST', '/api/bookings', { handle, start: '2026-03-23T10:00:00Z' }, student.headers)).json<BookingCreatedDto>();
    const at = new Date('2026-03-23T10:01:00Z');
    await t.db.db.insert(attendanceIntervals).values([
      { sessionId: b.sessionId, participantId: host.id, userId: host.id, displayName: 'Tess', role: 'host', connectionId: `c1-${kind}`, joinedAt: at, lastSeenAt: at, leftAt: at },
      { sessionId: b.sessionId, participantId: student.id, userId: student.id, displayName: 'Sam', role: 'student', connectionId: `c2-${kind}`, joinedAt: at, lastSeenAt: at, leftAt: at },
    ]);
    const status = async (id: string) => (await call('GET', `/api/bookings/${id}`, undefined, host.headers)).json<BookingDto>().status;
    await setClock('2026-03-23T10:40:00Z'); // b ended 10:30, grace 15 min: not yet
    await call('GET', '/api/bookings', undefined, host.headers);
    expect([await status(a.id), await status(b.id)]).toEqual(['no_show', 'confirmed']);
    await setClock('2026-03-23T10:46:00Z');
    await call('GET', '/api/bookings', undefined, host.headers);
    expect(await status(b.id)).toBe('completed');
    const st = (await call('GET', '/api/me/booking-stats', undefined, host.headers)).json();
    expect(st).toMatchObject({ meetings: 3, participants: 1, liveNow: 0, revenue: [{ currency: 'EUR', amountCents: 1500 }] });
  });

  it('bookings reminders reach the host and a guest without an account, with the join link', async () => {
    await setClock('2026-03-20T12:00:00Z');
    const b = (await call('POST', '/api/bookings', { handle, start: '2026-03-30T07:30:00Z', name: 'Rita Reminded', email: 'rita@example.test' })).json<BookingCreatedDto>();
    t.clock.set('2026-03-30T07:16:00Z');
    const r = await scanReminders({ db: t.db.db, clock: t.clock, defaultOffsets: [15] });
    expect(r.enqueued).toBeGreaterThanOrEqual(1);
    const rows = await t.db.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.eventType, 'session.reminder')));
    const mine = rows.filter((o) => (o.payload as { sessionId?: string }).sessionId === b.sessionId);
    expect(mine.map((o) => `${o.recipientId ?? o.recipientEmail}:${o.channel}`).sort()).toEqual([`${host.id}:email`, `${host.id}:in_app`, 'rita@example.test:email'].sort());
    expect(mine.find((o) => o.recipientEmail)?.payload).toMatchObject({ joinPath: expect.stringMatching(/^\/j\/[0-9A-Z]{8}$/) as unknown });
    await setClock('2026-03-20T12:00:00Z');
  });

  it('bookings without an account are rate-limited per address', async () => {
    const limited = await createTestApp(kind, { env: { LECTERN_BOOKING_RATE_PER_IP: '2' } });
    try {
      const post = () => limited.app.inject({ method: 'POST', url: '/api/bookings', payload: { handle: 'nobody-here', start: '2026-03-23T09:00:00Z', name: 'N', email: 'n@example.test' } });
      expect((await post()).statusCode).toBe(404);
      expect((await post()).statusCode).toBe(404);
      const third = await post();
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });

  it('bookings routes are in the OpenAPI document with their response schemas', async () => {
    const doc = (await call('GET', '/openapi.json')).json<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>();
    expect(doc.paths['/api/bookings']?.post?.responses['201']).toBeDefined();
    expect(doc.paths['/api/hosts/{handle}/slots']?.get?.responses['200']).toBeDefined();
    expect(doc.paths['/api/me/availability']?.put?.responses['200']).toBeDefined();
  });
});
