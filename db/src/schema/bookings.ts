import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, tstz } from './columns.js';
import { sessions } from './sessions.js';
import { users } from './users.js';

export const BOOKING_STATUSES = ['pending_payment', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];
export const CANCELLED_BY = ['host', 'guest'] as const;

/** A booked meeting: one slot of a host, held by a signed-in user or a guest (name + email). */
export const bookings = pgTable(
  'bookings',
  {
    id: id(),
    hostId: uuid('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Null for a guest who was not signed in. */
    guestId: uuid('guest_id').references(() => users.id, { onDelete: 'set null' }),
    guestName: text('guest_name').notNull(),
    guestEmail: text('guest_email').notNull(),
    notes: text('notes').notNull().default(''),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    startsAt: tstz('starts_at').notNull(),
    endsAt: tstz('ends_at').notNull(),
    /** The rule's buffer, kept so that freeing and re-checking use the same range. */
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    status: text('status', { enum: BOOKING_STATUSES }).notNull(),
    priceCents: integer('price_cents').notNull().default(0),
    currency: text('currency').notNull().default('EUR'),
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
