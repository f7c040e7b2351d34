import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';
import { sessionParticipant } from './sessions.js';
import { byUser } from './users.js';

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
    ...sessionParticipant(),
    status: text('status', { enum: ATTENDANCE_STATUSES }).notNull(),
    note: text('note').notNull().default(''),
    updatedBy: byUser('updated_by'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.participantId] })],
);
