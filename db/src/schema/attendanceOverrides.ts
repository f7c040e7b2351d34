import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { sessions } from './sessions.js';
import { users } from './users.js';

/** Statuses a teacher may set by hand. */
export const ATTENDANCE_STATUSES = ['present', 'late', 'absent', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/**
 * A teacher's correction of one participant's computed attendance status (an excuse, or a
 * fix after a capture problem). At most one per participant per session; every change is
 * also written to attendance_audit.
 */
export const attendanceOverrides = pgTable(
  'attendance_overrides',
  {
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    /** Same identity as attendance_intervals.participant_id: a user id or `guest:<id>`. */
    participantId: text('participant_id').notNull(),
    status: text('status', { enum: ATTENDANCE_STATUSES }).notNull(),
    note: text('note').notNull().default(''),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.participantId] })],
);
