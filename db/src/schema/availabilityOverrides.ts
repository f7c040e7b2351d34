import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { id, price, timestamps } from './columns.js';
import { belongsToUser } from './users.js';

export const OVERRIDE_KINDS = ['off', 'extra'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

/** A date exception in the host's zone: the whole day off, or extra hours on one date. */
export const availabilityOverrides = pgTable(
  'availability_overrides',
  {
    id: id(),
    hostId: belongsToUser('host_id'),
    /** Local date 'YYYY-MM-DD'. */
    date: text('date').notNull(),
    kind: text('kind', { enum: OVERRIDE_KINDS }).notNull(),
    /** For 'extra': local wall times and slot settings. */
    start: text('start_time'),
    end: text('end_time'),
    slotMinutes: integer('slot_minutes'),
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    ...price(),
    ...timestamps,
  },
  (t) => [index('availability_overrides_host_date_idx').on(t.hostId, t.date)],
);
