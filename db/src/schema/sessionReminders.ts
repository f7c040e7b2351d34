import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { belongsToSession } from './sessions.js';

export const REMINDER_OUTCOMES = ['enqueued', 'skipped'] as const;

/**
 * Reminder state: one row per (session, offset, start time) once the reminder has been
 * handled. Its primary key makes the reminder exactly-once across Lectern processes; a
 * rescheduled session has a new start time and so gets fresh reminders.
 */
export const sessionReminders = pgTable(
  'session_reminders',
  {
    sessionId: belongsToSession(),
    offsetMinutes: integer('offset_minutes').notNull(),
    scheduledAt: tstz('scheduled_at').notNull(),
    outcome: text('outcome', { enum: REMINDER_OUTCOMES }).notNull(),
    handledAt: tstz('handled_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.offsetMinutes, t.scheduledAt] })],
);
