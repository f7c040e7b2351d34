// Booking emails: written to the outbox inside the booking's transaction. The host and a
// signed-in guest get in-app + email (their preferences apply); a guest without an account
// gets one email at the address they gave. Every one carries the meeting's .ics.
import { eq } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { bookings, joinCodes, sessions, users, type Executor } from '@lectern/db';
import { enqueue, enqueueGuestEmail } from '../notifications/outbox.js';
import { sessionPayload } from '../notifications/sessionEvents.js';

type BookingRow = typeof bookings.$inferSelect;

export interface Links {
  publicUrl: string;
  /** Guest without account: the private manage link (plain token, known only now). */
  manageUrl?: string | undefined;
  joinUrl?: string | undefined;
}

const when = (at: Date, zone: string): string => `${DateTime.fromJSDate(at, { zone }).toFormat('ccc d LLL yyyy, HH:mm')} (${zone})`;
const money = (cents: number, currency: string): string => (cents > 0 ? `${(cents / 100).toFixed(2)} ${currency}` : 'free');

export async function notifyBooking(tx: Executor, b: BookingRow, kind: 'confirmed' | 'cancelled', links: Links, guestZone?: string): Promise<void> {
  const [s] = await tx.select().from(sessions).where(eq(sessions.id, b.sessionId));
  const [host] = await tx.select({ name: users.name, timezone: users.timezone }).from(users).where(eq(users.id, b.hostId));
  if (!s || !host) return;
  const base = await sessionPayload(tx, s);
  const eventType = kind === 'confirmed' ? 'booking.confirmed' : 'booking.cancelled';
  // A reschedule makes a new confirmation (SEQUENCE changes); a cancellation is once.
  const eventKey = `${eventType}:${b.id}:${s.sequence}`;
  const price = money(b.priceCents, b.currency);
  const pending = b.status === 'pending_payment' ? ' Payment pending: the host confirms it when received.' : '';
  const why = b.cancelReason ? ` Reason: ${b.cancelReason}` : '';
  const hostWords =
    kind === 'confirmed'
      ? { headline: `New booking: ${b.guestName}`, body: `${b.guestName} <${b.guestEmail}> booked ${when(b.startsAt, s.timezone)}, ${s.durationMinutes} minutes, ${price}.${pending}${b.notes ? ` Notes: ${b.notes}` : ''}` }
      : { headline: `Booking cancelled: ${b.guestName}`, body: `The meeting on ${when(b.startsAt, s.timezone)} was cancelled by ${b.cancelledBy ?? 'someone'}.${why}` };
  await enqueue(tx, { eventKey, eventType, payload: { ...base, ...hostWords, link: '/meetings' }, recipientIds: b.cancelledBy === 'host' ? [] : [b.hostId] });
  const zone = guestZone ?? s.timezone;
  const guestWords =
    kind === 'confirmed'
      ? {
          headline: `Booked: ${s.title}`,
          body:
            `${when(b.startsAt, zone)} with ${host.name}, ${s.durationMinutes} minutes, ${price}.${pending}` +
            (links.joinUrl ? ` Join: ${links.joinUrl}` : '') +
            (links.manageUrl ? ` Cancel or reschedule: ${links.manageUrl}` : ''),
        }
      : { headline: `Cancelled: ${s.title}`, body: `Your meeting with ${host.name} on ${when(b.startsAt, zone)} will not take place.${why}` };
  const link = links.manageUrl ?? (b.guestId ? '/meetings' : links.publicUrl + '/');
  if (b.guestId) {
    if (b.cancelledBy !== 'guest') await enqueue(tx, { eventKey, eventType, payload: { ...base, ...guestWords, link }, recipientIds: [b.guestId] });
  } else {
    // A guest without an account always gets the mail (a cancellation carries the CANCEL .ics for their calendar).
    await enqueueGuestEmail(tx, { eventKey, eventType, payload: { ...base, ...guestWords, link }, email: b.guestEmail, name: b.guestName });
  }
}

/**
 * Reminders of a booked meeting (called by the reminder scan, in its transaction): the host
 * is reminded too, and a guest without an account by email with the join link. A signed-in
 * guest is an invitee and is reminded with the others.
 */
export async function remindBookingSides(tx: Executor, sessionId: string, eventKey: string, payload: Record<string, unknown>): Promise<number> {
  const [b] = await tx.select().from(bookings).where(eq(bookings.sessionId, sessionId));
  if (!b || (b.status !== 'confirmed' && b.status !== 'pending_payment')) return 0;
  let rows = await enqueue(tx, { eventKey, eventType: 'session.reminder', payload, recipientIds: [b.hostId] });
  if (!b.guestId) {
    const [pub] = await tx.select({ code: joinCodes.code }).from(joinCodes).where(eq(joinCodes.sessionId, sessionId));
    const joinPath = pub ? `/j/${pub.code}` : undefined;
    rows += await enqueueGuestEmail(tx, { eventKey, eventType: 'session.reminder', payload: { ...payload, ...(joinPath ? { joinPath } : {}) }, email: b.guestEmail, name: b.guestName });
  }
  return rows;
}
