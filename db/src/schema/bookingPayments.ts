import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { bookings } from './bookings.js';
import { belongsToUser, byUser } from './users.js';

export const PAYMENT_KINDS = ['payment', 'refund'] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];

/** A payment or refund the host recorded by hand (no payment vendor): revenue = payments - refunds. */
export const bookingPayments = pgTable(
  'booking_payments',
  {
    id: id(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    hostId: belongsToUser('host_id'),
    kind: text('kind', { enum: PAYMENT_KINDS }).notNull(),
    method: text('method').notNull(),
    reference: text('reference').notNull().default(''),
    amountCents: integer('amount_cents').notNull(),
    /** ISO 4217. */
    currency: text('currency').notNull(),
    recordedAt: tstz('recorded_at').notNull(),
    recordedBy: byUser('recorded_by'),
  },
  (t) => [index('booking_payments_host_idx').on(t.hostId, t.recordedAt), index('booking_payments_booking_idx').on(t.bookingId)],
);
