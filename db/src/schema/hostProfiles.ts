import { integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns.js';
import { users } from './users.js';

/** A host's booking settings: public handle, IANA zone of the weekly rules, notice, horizon, cap. */
export const hostProfiles = pgTable(
  'host_profiles',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Lower-case, URL-safe: /book/<handle>. */
    handle: text('handle').notNull(),
    timezone: text('timezone').notNull(),
    minNoticeMinutes: integer('min_notice_minutes').notNull().default(720),
    horizonDays: integer('horizon_days').notNull().default(60),
    /** At most this many bookings per local day; null: no cap. */
    dailyCap: integer('daily_cap'),
    ...timestamps,
  },
  (t) => [uniqueIndex('host_profiles_handle_key').on(t.handle)],
);
