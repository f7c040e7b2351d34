// Payments the host records by hand (no payment vendor), revenue per month and currency,
// and the dashboard's numbers.
import { and, count, countDistinct, desc, eq, gte, inArray, lt, ne, sql } from 'drizzle-orm';
import { attendanceIntervals, bookingPayments, bookings, sessions, users, type Database, type Executor } from '@lectern/db';
import { ConflictError, ValidationError } from '../errors.js';
import type { HostRevenueRowDto, PaymentDto, RevenueRowDto, StatsDto } from './contract.js';
import type { BookingRow } from './bookingService.js';

export interface PaymentInput {
  kind: 'payment' | 'refund';
  method: string;
  reference: string;
  amountCents: number;
  currency: string;
}

type PaymentRow = typeof bookingPayments.$inferSelect;
const toDto = (p: PaymentRow): PaymentDto => ({
  id: p.id,
  bookingId: p.bookingId,
  kind: p.kind,
  method: p.method,
  reference: p.reference,
  amountCents: p.amountCents,
  currency: p.currency,
  recordedAt: p.recordedAt.toISOString(),
});

const signed = sql<string>`coalesce(sum(case when ${bookingPayments.kind} = 'refund' then -${bookingPayments.amountCents} else ${bookingPayments.amountCents} end), 0)`;

/** Records a payment or refund; a pending booking is confirmed once its price is paid. */
export async function recordPayment(db: Database, b: BookingRow, actorId: string, input: PaymentInput, now: Date): Promise<PaymentDto> {
  if (input.currency !== b.currency) throw new ValidationError(`This booking is priced in ${b.currency}`);
  if (b.priceCents === 0 && input.kind === 'payment') throw new ConflictError('This booking is free');
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ paid: signed }).from(bookingPayments).where(eq(bookingPayments.bookingId, b.id));
    const paid = Number(before?.paid ?? 0);
    if (input.kind === 'refund' && input.amountCents > paid) throw new ValidationError(`At most ${paid} can be refunded`);
    const [row] = await tx
      .insert(bookingPayments)
      .values({ bookingId: b.id, hostId: b.hostId, recordedBy: actorId, recordedAt: now, ...input })
      .returning();
    if (b.status === 'pending_payment' && input.kind === 'payment' && paid + input.amountCents >= b.priceCents) {
      await tx.update(bookings).set({ status: 'confirmed', updatedAt: now }).where(and(eq(bookings.id, b.id), eq(bookings.status, 'pending_payment')));
    }
    return toDto(row!);
  });
}

export async function listPayments(db: Executor, bookingId: string): Promise<PaymentDto[]> {
  const rows = await db.select().from(bookingPayments).where(eq(bookingPayments.bookingId, bookingId)).orderBy(desc(bookingPayments.recordedAt));
  return rows.map(toDto);
}

/** Payments minus refunds per calendar month (UTC) and currency, oldest first. */
export async function revenue(db: Executor, hostId: string, range: { from?: Date | undefined; to?: Date | undefined }): Promise<RevenueRowDto[]> {
  const month = sql<string>`to_char(${bookingPayments.recordedAt} at time zone 'UTC', 'YYYY-MM')`;
  const rows = await db
    .select({ month, currency: bookingPayments.currency, cents: signed })
    .from(bookingPayments)
    .where(and(eq(bookingPayments.hostId, hostId), range.from ? gte(bookingPayments.recordedAt, range.from) : undefined, range.to ? lt(bookingPayments.recordedAt, range.to) : undefined))
    .groupBy(month, bookingPayments.currency)
    .orderBy(month, bookingPayments.currency);
  return rows.map((r) => ({ month: r.month, currency: r.currency, amountCents: Number(r.cents) }));
}

/** Every host's revenue per month (UTC) and currency (admins). */
export async function revenueByHost(db: Executor, range: { from?: Date | undefined; to?: Date | undefined }): Promise<HostRevenueRowDto[]> {
  const month = sql<string>`to_char(${bookingPayments.recordedAt} at time zone 'UTC', 'YYYY-MM')`;
  const rows = await db
    .select({ hostId: bookingPayments.hostId, hostName: users.name, month, currency: bookingPayments.currency, cents: signed })
    .from(bookingPayments)
    .innerJoin(users, eq(users.id, bookingPayments.hostId))
    .where(and(range.from ? gte(bookingPayments.recordedAt, range.from) : undefined, range.to ? lt(bookingPayments.recordedAt, range.to) : undefined))
    .groupBy(bookingPayments.hostId, users.name, month, bookingPayments.currency)
    .orderBy(users.name, month, bookingPayments.currency);
  return rows.map((r) => ({ hostId: r.hostId, hostName: r.hostName, month: r.month, currency: r.currency, amountCents: Number(r.cents) }));
}

export async function stats(db: Executor, hostId: string): Promise<StatsDto> {
  const [s] = await db
    .select({ total: count(), live: sql<string>`count(*) filter (where ${sessions.status} = 'live')` })
    .from(sessions)
    .where(and(eq(sessions.hostId, hostId), ne(sessions.status, 'cancelled')));
  const mine = db.select({ id: sessions.id }).from(sessions).where(eq(sessions.hostId, hostId));
  const [p] = await db
    .select({ n: countDistinct(attendanceIntervals.participantId) })
    .from(attendanceIntervals)
    .where(and(inArray(attendanceIntervals.sessionId, mine), ne(attendanceIntervals.participantId, hostId)));
  const [m] = await db.select({ n: count() }).from(bookings).where(and(eq(bookings.hostId, hostId), ne(bookings.status, 'cancelled')));
  const rev = await db.select({ currency: bookingPayments.currency, cents: signed }).from(bookingPayments).where(eq(bookingPayments.hostId, hostId)).groupBy(bookingPayments.currency).orderBy(bookingPayments.currency);
  return {
    totalSessions: Number(s?.total ?? 0),
    liveNow: Number(s?.live ?? 0),
    participants: Number(p?.n ?? 0),
    meetings: Number(m?.n ?? 0),
    revenue: rev.map((r) => ({ currency: r.currency, amountCents: Number(r.cents) })),
  };
}
