import { boolean, index, integer, pgTable, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.js';
import { users } from './users.js';

/** One weekly window of bookable slots, in the host's zone (host_profiles.timezone). */
export const availabilityRules = pgTable(
  'availability_rules',
  {
    id: id(),
    hostId: uuid('host_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** 0 = Sunday ... 6 = Saturday. */
    dayOfWeek: smallint('day_of_week').notNull(),
    /** Local wall times 'HH:MM'; end is exclusive ('24:00' allowed). */
    start: text('start_time').notNull(),
    end: text('end_time').notNull(),
    slotMinutes: integer('slot_minutes').notNull(),
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    priceCents: integer('price_cents').notNull().default(0),
    currency: text('currency').notNull().default('EUR'),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [index('availability_rules_host_idx').on(t.hostId)],
);
