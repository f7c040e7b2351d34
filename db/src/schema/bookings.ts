import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { id, price, timestamps, tstz } from './columns.js';
import { belongsToSession } from './sessions.js';
import { belongsToUser, byUser } from './users.js';

export const BOOKING_STATUSES = ['pending_payment', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const CANCELLED_BY = ['host', 'guest'] as const;

/** A booked meeting: one slot of a host, held by a signed-in user or a guest (name + email). */
export const bookings = pgTable(
  'bookings',
  {
    id: id(),
    hostId: belongsToUser('host_id'),
    /** Null for a guest who was not signed in. */
    guestId: byUser('guest_id'),
    guestName: text('guest_name').notNull(),
    guestEmail: text('guest_email').notNull(),
    notes: text('notes').notNull().default(''),
    sessionId: belongsToSession(),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    /** The rule's buffer, kept so that freeing and re-checking use the same range. */
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    status: text('status', { enum: BOOKING_STATUSES }).notNull(),
    ...price(),
    /** sha256 (hex) of the guest's private manage token. */
    manageTokenHash: text('manage_token_hash').notNull(),
    joinCode: text('join_code'),
    cancelledBy: text('cancelled_by', { enum: CANCELLED_BY }),
    cancelledAt: tstz('cancelled_at'),
    cancelReason: text('cancel_reason'),
    ...timestamps,
  },
  (t) => [index('bookings_host_start_idx').on(t.hostId, t.startsAt), index('bookings_guest_idx').on(t.guestId), index('bookings_status_end_idx').on(t.status, t.endsAt)],
);
