// Booking a slot, cancelling and rescheduling it. One transaction each: the host's booking
// lock, the re-check against everything that keeps the host busy, the session, the guard
// granules (booking_slots: a second overlapping booking cannot commit, whatever the node)
// and the outbox rows.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { bookings, bookingSlots, hostProfiles, joinCodes, sessionInvitees, sessions, users, type Database, type Executor } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { Clock } from '../clock.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { recordHistory, snapshot } from '../scheduling/historyLog.js';
import { newCode } from '../rooms/joinCodes.js';
import type { BookingCreatedDto, SlotDto } from './contract.js';
import { hostByHandle, isUniqueViolation, lockHost, slotDto, slotsFor, type HostProfile } from './availabilityService.js';
import { notifyBooking } from './notify.js';
import { granulesOf, localDate, type Slot } from './slots.js';

export type BookingRow = typeof bookings.$inferSelect;

export interface BookingDeps {
  db: Database;
  clock: Clock;
  publicUrl: string;
}

/** 409 with fresh slots of that day, so the page can offer the next one at once. */
export class SlotTakenError extends AppError {
  override readonly name = 'SlotTakenError';
  constructor(message: string, slots: SlotDto[]) {
    super('slot_taken', message, 409, { details: { slots } });
  }
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');


/** Fresh free slots of the local day around `start`, for a 409 answer. */
async function freshSlots(db: Executor, profile: HostProfile, start: Date, now: Date): Promise<SlotDto[]> {
  const from = new Date(start.getTime() - 12 * 3600_000);
  const to = new Date(start.getTime() + 36 * 3600_000);
  const day = localDate(start, profile.timezone);
  return (await slotsFor(db, { profile, now, from, to })).filter((s) => localDate(s.start, profile.timezone) === day).map(slotDto);
}

/** The free slot starting exactly at `start`, or a SlotTakenError. Call under the host lock to decide. */
async function requireFreeSlot(db: Executor, profile: HostProfile, start: Date, now: Date, exceptBookingId?: string): Promise<Slot> {
  const slots = await slotsFor(db, { profile, now, from: start, to: new Date(start.getTime() + 1), ...(exceptBookingId ? { exceptBookingId } : {}) });
  const slot = slots.find((s) => s.start.getTime() === start.getTime());
  if (!slot) throw new SlotTakenError('That time was just taken or is not offered; pick another one', await freshSlots(db, profile, start, now));
  return slot;
}

async function claimGranules(tx: Executor, b: BookingRow): Promise<void> {
  const rows = granulesOf(b.startsAt, b.endsAt, b.bufferMinutes).map((granule) => ({ hostId: b.hostId, granule, bookingId: b.id }));
  await tx.insert(bookingSlots).values(rows);
}

export interface CreateBooking {
  handle: string;
  start: Date;
  name?: string | undefined;
  email?: string | undefined;
  notes: string;
  timezone?: string | undefined;
}

export async function createBooking(deps: BookingDeps, who: AccessClaims | null, input: CreateBooking): Promise<BookingCreatedDto> {
  const now = deps.clock.now();
  const host = await hostByHandle(deps.db, input.handle);
  const { profile } = host;
  let guest: { id: string | null; name: string; email: string };
  if (who) {
    if (who.userId === profile.userId) throw new ValidationError('You cannot book your own office hours');
    const [u] = await deps.db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, who.userId));
    if (!u) throw new ForbiddenError();
    guest = { id: who.userId, name: u.name, email: u.email };
  } else {
    if (!input.name || !input.email) throw new ValidationError('name and email are required to book without signing in');
    guest = { id: null, name: input.name, email: input.email };
  }
  const manageToken = guest.id ? undefined : randomBytes(24).toString('base64url');
  const code = newCode();
  try {
    const booking = await deps.db.transaction(async (tx) => {
      await lockHost(tx, profile.userId);
      const slot = await requireFreeSlot(tx, profile, input.start, now);
      const minutes = Math.round((slot.end.getTime() - slot.start.getTime()) / 60_000);
      const [session] = await tx
        .insert(sessions)
        .values({
          title: `Office hours: ${host.name} and ${guest.name}`,
          description: input.notes,
          type: 'office_hours',
          scheduledAt: slot.start,
          durationMinutes: minutes,
          timezone: profile.timezone,
          hostId: profile.userId,
          guestAccess: 'open',
          participantLimit: 2,
          priceCents: slot.priceCents,
          currency: slot.currency,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      if (guest.id) await tx.insert(sessionInvitees).values({ sessionId: session!.id, userId: guest.id });
      await recordHistory(tx, [{ sessionId: session!.id, actorId: guest.id, action: 'created', reason: 'booked', after: snapshot(session!), at: now }]);
      const [b] = await tx
        .insert(bookings)
        .values({
          hostId: profile.userId,
          guestId: guest.id,
          guestName: guest.name,
          guestEmail: guest.email,
          notes: input.notes,
          sessionId: session!.id,
          startsAt: slot.start,
          endsAt: slot.end,
          bufferMinutes: slot.bufferMinutes,
          status: slot.priceCents > 0 ? 'pending_payment' : 'confirmed',
          priceCents: slot.priceCents,
          currency: slot.currency,
          manageTokenHash: hashToken(manageToken ?? randomBytes(24).toString('base64url')),
          joinCode: code,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await claimGranules(tx, b!);
      // The join link works from now until the meeting's end.
      await tx.insert(joinCodes).values({ code, sessionId: session!.id, createdBy: profile.userId, createdAt: now, expiresAt: slot.end });
      await notifyBooking(tx, b!, 'confirmed', links(deps, manageToken, code), input.timezone);
      return b!;
    });
    const l = links(deps, manageToken, code);
    return {
      id: booking.id,
      status: booking.status,
      start: booking.startsAt.toISOString(),
      end: booking.endsAt.toISOString(),
      sessionId: booking.sessionId,
      priceCents: booking.priceCents,
      currency: booking.currency,
      ...(l.manageUrl ? { manageUrl: l.manageUrl } : {}),
      ...(l.joinUrl ? { joinUrl: l.joinUrl } : {}),
    };
  } catch (err) {
    // The guard granules: another node committed an overlapping booking first.
    if (isUniqueViolation(err)) throw new SlotTakenError('That time was just taken; pick another one', await freshSlots(deps.db, profile, input.start, now));
    throw err;
  }
}

function links(deps: BookingDeps, manageToken: string | undefined, code: string | null): { publicUrl: string; manageUrl?: string; joinUrl?: string } {
  return {
    publicUrl: deps.publicUrl,
    ...(manageToken ? { manageUrl: `${deps.publicUrl}/bookings/manage/${manageToken}` } : {}),
    ...(code ? { joinUrl: `${deps.publicUrl}/j/${code}` } : {}),
  };
}

export async function getBooking(db: Executor, id: string): Promise<BookingRow> {
  const [b] = await db.select().from(bookings).where(eq(bookings.id, id));
  if (!b) throw new NotFoundError('No such booking');
  return b;
}

export async function bookingByToken(db: Executor, token: string): Promise<BookingRow> {
  const [b] = await db.select().from(bookings).where(eq(bookings.manageTokenHash, hashToken(token)));
  if (!b) throw new NotFoundError('No such booking');
  return b;
}

/** Who may act on a booking: 'host' (or an admin), 'guest', or nobody. */
export function sideOf(who: AccessClaims, b: BookingRow): 'host' | 'guest' {
  if (who.userId === b.hostId || who.role === 'admin') return 'host';
  if (b.guestId && who.userId === b.guestId) return 'guest';
  throw new ForbiddenError('Not your booking');
}

const isLive = (b: BookingRow): boolean => b.status === 'confirmed' || b.status === 'pending_payment';

export async function cancelBooking(deps: BookingDeps, b: BookingRow, by: 'host' | 'guest', actorId: string | null, reason: string): Promise<BookingRow> {
  if (!isLive(b)) throw new ConflictError(`The booking is ${b.status} and cannot be cancelled`);
  const now = deps.clock.now();
  if (by === 'guest' && b.startsAt <= now) throw new ConflictError('The meeting has started; it can no longer be cancelled');
  return deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(bookings)
      .set({ status: 'cancelled', cancelledBy: by, cancelledAt: now, cancelReason: reason || null, updatedAt: now })
      .where(and(eq(bookings.id, b.id), sql`${bookings.status} in ('confirmed', 'pending_payment')`))
      .returning();
    if (!row) throw new ConflictError('The booking changed meanwhile; reload');
    await tx.delete(bookingSlots).where(eq(bookingSlots.bookingId, b.id));
    const [s] = await tx
      .update(sessions)
      .set({ status: 'cancelled', cancelReason: reason || 'booking cancelled', sequence: sql`${sessions.sequence} + 1`, tokenCutoffAt: now, updatedAt: now })
      .where(and(eq(sessions.id, b.sessionId), eq(sessions.status, 'scheduled')))
      .returning();
    if (s) await recordHistory(tx, [{ sessionId: s.id, actorId, action: 'cancelled', reason: reason || null, after: snapshot(s), at: now }]);
    await tx.update(joinCodes).set({ revokedAt: now }).where(eq(joinCodes.sessionId, b.sessionId));
    await notifyBooking(tx, row, 'cancelled', { publicUrl: deps.publicUrl });
    return row;
  });
}

/** Moves a live booking to another free slot of the same host (the guest, within notice and horizon). */
export async function rescheduleBooking(deps: BookingDeps, b: BookingRow, actorId: string | null, start: Date): Promise<BookingRow> {
  if (!isLive(b)) throw new ConflictError(`The booking is ${b.status} and cannot be moved`);
  const now = deps.clock.now();
  if (b.startsAt <= now) throw new ConflictError('The meeting has started; it can no longer be moved');
  const [profile] = await deps.db.select().from(hostProfiles).where(eq(hostProfiles.userId, b.hostId));
  if (!profile) throw new ConflictError('The host no longer takes bookings');
  try {
    return await deps.db.transaction(async (tx) => {
      await lockHost(tx, b.hostId);
      const slot = await requireFreeSlot(tx, profile, start, now, b.id);
      await tx.delete(bookingSlots).where(eq(bookingSlots.bookingId, b.id));
      const [row] = await tx
        .update(bookings)
        .set({ startsAt: slot.start, endsAt: slot.end, bufferMinutes: slot.bufferMinutes, updatedAt: now })
        .where(eq(bookings.id, b.id))
        .returning();
      await claimGranules(tx, row!);
      const [before] = await tx.select().from(sessions).where(eq(sessions.id, b.sessionId));
      const minutes = Math.round((slot.end.getTime() - slot.start.getTime()) / 60_000);
      const [s] = await tx
        .update(sessions)
        .set({ scheduledAt: slot.start, durationMinutes: minutes, sequence: sql`${sessions.sequence} + 1`, updatedAt: now })
        .where(eq(sessions.id, b.sessionId))
        .returning();
      if (before && s) await recordHistory(tx, [{ sessionId: s.id, actorId, action: 'rescheduled', reason: 'booking moved', before: snapshot(before), after: snapshot(s), at: now }]);
      await tx.update(joinCodes).set({ expiresAt: slot.end }).where(eq(joinCodes.sessionId, b.sessionId));
      await notifyBooking(tx, row!, 'confirmed', { publicUrl: deps.publicUrl, ...(row!.joinCode ? { joinUrl: `${deps.publicUrl}/j/${row!.joinCode}` } : {}) });
      return row!;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new SlotTakenError('That time was just taken; pick another one', await freshSlots(deps.db, profile, start, now));
    throw err;
  }
}
