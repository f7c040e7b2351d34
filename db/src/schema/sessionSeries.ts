import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, tstz } from './columns.js';
import { users } from './users.js';

/** A recurring series: the rule it was expanded from. Each occurrence is a row in sessions. */
export const sessionSeries = pgTable(
  'session_series',
  {
    id: id(),
    /** Canonical 'RRULE:...' text. */
    rrule: text('rrule').notNull(),
    timezone: text('timezone').notNull(),
    /** DTSTART of the expansion (the instant whose wall time every occurrence keeps). */
    dtstart: tstz('dtstart').notNull(),
    /** Last expanded occurrence. */
    until: tstz('until').notNull(),
    occurrenceCount: integer('occurrence_count').notNull(),
    createdBy: uuid('created_by').notNull().references(() => users.id, { onDelete: 'restrict' }),
    ...timestamps,
  },
  (t) => [index('session_series_created_by_idx').on(t.createdBy)],
);
