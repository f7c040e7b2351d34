// Reading bookings (host's and guest's lists), hand marks, and the statuses that follow
// from attendance: after the end plus a grace, a confirmed meeting the guest never joined
// is a no-show, one both sides joined is completed.
import { and, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm';
import { attendanceIntervals, bookingPayments, bookings, hostProfiles, users, type Executor } from '@lectern/db';
import { ConflictError } from '../errors.js';
import type { BookingDto, BookingStatus } from './contract.js';
import type { BookingRow } from './bookingService.js';

export interface ListQuery {
  role: 'host' | 'guest';
  status?: BookingStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
}

export async function listBookings(db: Executor, userId: string, q: ListQuery): Promise<BookingDto[]> {
  const rows = await db
    .select()
    .from(bookings)
    .where(
      and(
        q.role === 'host' ? eq(bookings.hostId, userId) : eq(bookings.guestId, userId),
        q.status ? eq(bookings.status, q.status) : undefined,
        q.from ? gte(bookings.startsAt, q.from) : undefined,
        q.to ? lt(bookings.startsAt, q.to) : undefined,
      ),
    )
    .orderBy(desc(bookings.startsAt))
    .limit(q.limit);
  return toDtos(db, rows);
}

export async function toDtos(db: Executor, rows: BookingRow[]): Promise<BookingDto[]> {
  if (rows.length === 0) return [];
  const hostIds = [...new Set(rows.map((r) => r.hostId))];
  const hosts = await db
    .select({ id: users.id, name: users.name, handle: hostProfiles.handle })
    .from(users)
    .leftJoin(hostProfiles, eq(hostProfiles.userId, users.id))
    .where(inArray(users.id, hostIds));
  const byHost = new Map(hosts.map((h) => [h.id, h]));
  const paid = await db
    .select({ bookingId: bookingPayments.bookingId, currency: bookingPayments.currency, cents: sql<string>`sum(case when ${bookingPayments.kind} = 'refund' then -${bookingPayments.amountCents} else ${bookingPayments.amountCents} end)` })
    .from(bookingPayments)
    .where(inArray(bookingPayments.bookingId, rows.map((r) => r.id)))
    .groupBy(bookingPayments.bookingId, bookingPayments.currency);
  const paidOf = (r: BookingRow) => paid.filter((p) => p.bookingId === r.id && p.currency === r.currency).reduce((n, p) => n + Number(p.cents), 0);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    start: r.startsAt.toISOString(),
    end: r.endsAt.toISOString(),
    sessionId: r.sessionId,
    hostId: r.hostId,
    hostName: byHost.get(r.hostId)?.name ?? '',
    hostHandle: byHost.get(r.hostId)?.handle ?? null,
    guestId: r.guestId,
    guestName: r.guestName,
    guestEmail: r.guestEmail,
    notes: r.notes,
    priceCents: r.priceCents,
    currency: r.currency,
    paidCents: paidOf(r),
    cancelledBy: r.cancelledBy,
    cancelledAt: r.cancelledAt?.toISOString() ?? null,
    cancelReason: r.cancelReason,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** The host's hand mark after the meeting's start: completed or no-show. */
export async function markBooking(db: Executor, b: BookingRow, status: 'completed' | 'no_show', now: Date): Promise<BookingRow> {
  if (b.status === 'cancelled') throw new ConflictError('The booking is cancelled');
  if (b.startsAt > now) throw new ConflictError('The meeting has not started yet');
  const [row] = await db.update(bookings).set({ status, updatedAt: now }).where(eq(bookings.id, b.id)).returning();
  return row!;
}

/**
 * Settles confirmed meetings whose end plus `graceMinutes` has passed: no_show when the
 * guest never joined the room, completed when both sides did (otherwise left for the host
 * to mark). Idempotent; returns how many changed.
 */
export async function settleDue(db: Executor, now: Date, graceMinutes: number, hostId?: string): Promise<number> {
  const cutoff = new Date(now.getTime() - graceMinutes * 60_000);
  const due = await db
    .select({ id: bookings.id, hostId: bookings.hostId, sessionId: bookings.sessionId })
    .from(bookings)
    .where(and(eq(bookings.status, 'confirmed'), lte(bookings.endsAt, cutoff), hostId ? eq(bookings.hostId, hostId) : undefined))
    .limit(500);
  if (due.length === 0) return 0;
  const seen = await db
    .selectDistinct({ sessionId: attendanceIntervals.sessionId, participantId: attendanceIntervals.participantId })
    .from(attendanceIntervals)
    .where(inArray(attendanceIntervals.sessionId, due.map((d) => d.sessionId)));
  let changed = 0;
  for (const d of due) {
    const who = seen.filter((s) => s.sessionId === d.sessionId).map((s) => s.participantId);
    const hostJoined = who.includes(d.hostId);
    const guestJoined = who.some((p) => p !== d.hostId);
    const status = !guestJoined ? 'no_show' : hostJoined ? 'completed' : null;
    if (!status) continue;
    const res = await db
      .update(bookings)
      .set({ status, updatedAt: now })
      .where(and(eq(bookings.id, d.id), eq(bookings.status, 'confirmed')))
      .returning({ id: bookings.id });
    changed += res.length;
  }
  return changed;
}
