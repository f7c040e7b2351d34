import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { sessions } from './sessions.js';
import { users } from './users.js';

/**
 * Audit trail of manual attendance corrections: who changed whose status, when, from what
 * to what. `before*` is the status the report showed before the change (computed or a
 * previous correction); `after*` null means the correction was cleared.
 */
export const attendanceAudit = pgTable(
  'attendance_audit',
  {
    id: id(),
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    participantId: text('participant_id').notNull(),
    changedBy: uuid('changed_by').references(() => users.id, { onDelete: 'set null' }),
    changedAt: tstz('changed_at').notNull(),
    beforeStatus: text('before_status').notNull(),
    beforeNote: text('before_note'),
    afterStatus: text('after_status'),
    afterNote: text('after_note'),
  },
  (t) => [index('attendance_audit_session_idx').on(t.sessionId, t.participantId)],
);
