// Bookable office hours over HTTP: availability (host), public slots and booking, the
// meetings lists, cancel / reschedule / marks, payments and revenue. No SQL here.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, NotFoundError, TooManyRequestsError } from '../errors.js';
import { IdParams } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import { getAvailability, hostByHandle, publicHost, putAvailability, slotDto, slotsFor } from './availabilityService.js';
import { bookingByToken, cancelBooking, createBooking, getBooking, rescheduleBooking, sideOf, type BookingDeps, type BookingRow } from './bookingService.js';
import {
  Availability,
  AvailabilityBody,
  Booking,
  BookingBody,
  BookingCreated,
  BookingList,
  BookingListQuery,
  CancelBody,
  HandleParams,
  HostPublic,
  HostRevenueList,
  MarkBody,
  Payment,
  PaymentBody,
  PaymentList,
  RescheduleBody,
  RevenueList,
  RevenueQuery,
  SlotList,
  SlotsQuery,
  Stats,
  TokenParams,
} from './contract.js';
import { listBookings, markBooking, settleDue, toDtos } from './meetingService.js';
import { listPayments, recordPayment, revenue, revenueByHost, stats } from './paymentService.js';

const tags = ['bookings'];
const HOSTS = ['teacher', 'mentor', 'admin'] as const;

export async function bookingRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const deps: BookingDeps = { db, clock, publicUrl: ctx.config.publicUrl };
  const grace = ctx.config.bookings.noShowGraceMinutes;
  const one = async (b: BookingRow) => (await toDtos(db, [b]))[0]!;
  const range = (q: { from?: string | undefined; to?: string | undefined }) => ({ from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined });

  /** The booking `id` and which side of it `who` is on (403 when neither). */
  async function withSide(who: AccessClaims, id: string): Promise<{ b: BookingRow; side: 'host' | 'guest' }> {
    const b = await getBooking(db, id);
    return { b, side: sideOf(who, b) };
  }

  /** The booking `id` when `who` is its host; the 403 says "Only the host <does>". */
  async function hostOnly(who: AccessClaims, id: string, does: string): Promise<BookingRow> {
    const { b, side } = await withSide(who, id);
    if (side !== 'host') throw new ForbiddenError(`Only the host ${does}`);
    return b;
  }

  r.put(
    '/api/me/availability',
    { schema: { tags, summary: 'Set your bookable availability (replaces rules and overrides)', body: AvailabilityBody, response: { 200: Availability } }, onRequest: app.requireRole(...HOSTS) },
    async (request) => putAvailability(db, caller(request).userId, request.body, clock.now()),
  );
  r.get(
    '/api/me/availability',
    { schema: { tags, summary: 'Your bookable availability (404 until set)', response: { 200: Availability } }, onRequest: app.requireAuth },
    async (request) => {
      const a = await getAvailability(db, caller(request).userId);
      if (!a) throw new NotFoundError('No availability set yet');
      return a;
    },
  );
  r.get('/api/hosts/:handle', { schema: { tags, summary: 'A host’s public booking profile', security: [], params: HandleParams, response: { 200: HostPublic } } }, async (request) =>
    publicHost(await hostByHandle(db, request.params.handle)),
  );
  r.get(
    '/api/hosts/:handle/slots',
    { schema: { tags, summary: 'Free slots in [from, to) as UTC instants (no sign-in needed; at most 62 days)', security: [], params: HandleParams, querystring: SlotsQuery, response: { 200: SlotList } } },
    async (request) => {
      const { profile } = await hostByHandle(db, request.params.handle);
      const slots = await slotsFor(db, { profile, now: clock.now(), from: new Date(request.query.from), to: new Date(request.query.to) });
      return slots.map(slotDto);
    },
  );
  r.post(
    '/api/bookings',
    { schema: { tags, summary: 'Book a slot: signed in in one step, or as a guest with name and email. Taken or not offered: 409 with fresh slots', security: [], body: BookingBody, response: { 201: BookingCreated } } },
    async (request, reply) => {
      const b = request.body;
      if (!request.auth) {
        // Guests are anonymous: every attempt (taken or not) counts against their address.
        const hit = await ctx.counters.hit(`booking:ip:${request.ip}`, 600);
        if (hit.count > ctx.config.bookings.guestRatePerIp) throw new TooManyRequestsError(hit.resetSeconds);
      }
      const created = await createBooking(deps, request.auth, { handle: b.handle, start: new Date(b.start), name: b.name, email: b.email, notes: b.notes, timezone: b.timezone });
      return reply.status(201).send(created);
    },
  );
  r.get(
    '/api/bookings',
    { schema: { tags, summary: 'Your bookings as host (default) or guest, newest first', querystring: BookingListQuery, response: { 200: BookingList } }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const q = request.query;
      await settleDue(db, clock.now(), grace, q.role === 'host' ? who.userId : undefined);
      return listBookings(db, who.userId, { role: q.role, status: q.status, ...range(q), limit: q.limit });
    },
  );
  r.get('/api/bookings/:id', { schema: { tags, summary: 'One booking (its host or guest)', params: IdParams, response: { 200: Booking } }, onRequest: app.requireAuth }, async (request) =>
    one((await withSide(caller(request), request.params.id)).b),
  );
  r.post(
    '/api/bookings/:id/cancel',
    { schema: { tags, summary: 'Cancel a booking (host or guest); both sides are told', params: IdParams, body: CancelBody, response: { 200: Booking } }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const { b, side } = await withSide(who, request.params.id);
      return one(await cancelBooking(deps, b, side, who.userId, request.body.reason));
    },
  );
  r.post(
    '/api/bookings/:id/reschedule',
    { schema: { tags, summary: 'Move a booking to another free slot of its host', params: IdParams, body: RescheduleBody, response: { 200: Booking } }, onRequest: app.requireAuth },
    async (request) => {
      const who = caller(request);
      const { b } = await withSide(who, request.params.id);
      return one(await rescheduleBooking(deps, b, who.userId, new Date(request.body.start)));
    },
  );
  r.post(
    '/api/bookings/:id/mark',
    { schema: { tags, summary: 'Host: mark a meeting completed or no-show', params: IdParams, body: MarkBody, response: { 200: Booking } }, onRequest: app.requireAuth },
    async (request) => {
      const b = await hostOnly(caller(request), request.params.id, 'marks a meeting');
      return one(await markBooking(db, b, request.body.status, clock.now()));
    },
  );
  r.get('/api/bookings/:id/payments', { schema: { tags, summary: 'Recorded payments and refunds (host)', params: IdParams, response: { 200: PaymentList } }, onRequest: app.requireAuth }, async (request) =>
    listPayments(db, (await hostOnly(caller(request), request.params.id, 'sees payments')).id),
  );
  r.post(
    '/api/bookings/:id/payments',
    { schema: { tags, summary: 'Host: record a payment or refund (no payment vendor); a paid pending booking becomes confirmed', params: IdParams, body: PaymentBody, response: { 201: Payment } }, onRequest: app.requireAuth },
    async (request, reply) => {
      const who = caller(request);
      const b = await hostOnly(who, request.params.id, 'records payments');
      return reply.status(201).send(await recordPayment(db, b, who.userId, request.body, clock.now()));
    },
  );
  r.get('/api/bookings/manage/:token', { schema: { tags, summary: 'A guest’s booking through their private link', security: [], params: TokenParams, response: { 200: Booking } } }, async (request) =>
    one(await bookingByToken(db, request.params.token)),
  );
  r.post(
    '/api/bookings/manage/:token/cancel',
    { schema: { tags, summary: 'Guest: cancel through the private link', security: [], params: TokenParams, body: CancelBody, response: { 200: Booking } } },
    async (request) => one(await cancelBooking(deps, await bookingByToken(db, request.params.token), 'guest', null, request.body.reason)),
  );
  r.post(
    '/api/bookings/manage/:token/reschedule',
    { schema: { tags, summary: 'Guest: move the booking through the private link', security: [], params: TokenParams, body: RescheduleBody, response: { 200: Booking } } },
    async (request) => one(await rescheduleBooking(deps, await bookingByToken(db, request.params.token), null, new Date(request.body.start))),
  );
  r.get(
    '/api/me/revenue',
    { schema: { tags, summary: 'Your revenue: recorded payments minus refunds per month (UTC) and currency', querystring: RevenueQuery, response: { 200: RevenueList } }, onRequest: app.requireAuth },
    async (request) => revenue(db, caller(request).userId, range(request.query)),
  );
  r.get(
    '/api/admin/revenue',
    { schema: { tags, summary: 'Admin: revenue per host, month (UTC) and currency', querystring: RevenueQuery, response: { 200: HostRevenueList } }, onRequest: app.requireRole('admin') },
    async (request) => revenueByHost(db, range(request.query)),
  );
  r.get('/api/me/booking-stats', { schema: { tags, summary: 'Dashboard numbers: sessions, live now, participants, meetings, revenue', response: { 200: Stats } }, onRequest: app.requireAuth }, async (request) => {
    const who = caller(request);
    await settleDue(db, clock.now(), grace, who.userId);
    return stats(db, who.userId);
  });
}
