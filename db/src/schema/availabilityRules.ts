import { boolean, index, integer, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { id, price, timestamps } from './columns.js';
import { belongsToUser } from './users.js';

/** One weekly window of bookable slots, in the host's zone (host_profiles.timezone). */
export const availabilityRules = pgTable(
  'availability_rules',
  {
    id: id(),
    hostId: belongsToUser('host_id'),
    /** 0 = Sunday ... 6 = Saturday. */
    dayOfWeek: smallint('day_of_week').notNull(),
    /** Local wall times 'HH:MM'; end is exclusive ('24:00' allowed). */
    start: text('start_time').notNull(),
    end: text('end_time').notNull(),
    slotMinutes: integer('slot_minutes').notNull(),
    bufferMinutes: integer('buffer_minutes').notNull().default(0),
    ...price(),
    active: boolean('active').notNull().default(true),
    ...timestamps,
  },
  (t) => [index('availability_rules_host_idx').on(t.hostId)],
);
