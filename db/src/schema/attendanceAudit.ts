import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { sessionParticipant } from './sessions.js';
import { byUser } from './users.js';

/**
 * Audit trail of manual attendance corrections: who changed whose status, when, from what
 * to what. `before*` is the status the report showed before the change (computed or a
 * previous correction); `after*` null means the correction was cleared.
 */
export const attendanceAudit = pgTable(
  'attendance_audit',
  {
    id: id(),
    ...sessionParticipant(),
    changedBy: byUser('changed_by'),
    changedAt: tstz('changed_at').notNull(),
    beforeStatus: text('before_status').notNull(),
    beforeNote: text('before_note'),
    afterStatus: text('after_status'),
    afterNote: text('after_note'),
  },
  (t) => [index('attendance_audit_session_idx').on(t.sessionId, t.participantId)],
);
