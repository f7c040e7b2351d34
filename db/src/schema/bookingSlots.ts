import { pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { bookings } from './bookings.js';
import { belongsToUser } from './users.js';

/**
 * The no-double-booking guard: one row per 5-minute granule a live booking (plus its buffer)
 * covers. The primary key (host_id, granule) makes two overlapping bookings of one host
 * impossible, on every node and on PGlite alike; rows go with the booking's cancellation.
 */
export const bookingSlots = pgTable(
  'booking_slots',
  {
    hostId: belongsToUser('host_id'),
    granule: tstz('granule').notNull(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.hostId, t.granule], name: 'booking_slots_pkey' })],
);
