import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { sessionParticipant } from './sessions.js';
import { byUser } from './users.js';

/**
 * One row per connection of a participant to a session's room. `connectionId` is unique
 * so that recording a join twice (retries, replays over the bus) is a no-op.
 */
export const attendanceIntervals = pgTable(
  'attendance_intervals',
  {
    id: id(),
    ...sessionParticipant(),
    userId: byUser('user_id'),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    connectionId: text('connection_id').notNull().unique(),
    joinedAt: tstz('joined_at').notNull(),
    leftAt: tstz('left_at'),
    /** Heartbeat: the last time this connection was seen alive. */
    lastSeenAt: tstz('last_seen_at').notNull(),
  },
  (t) => [index('attendance_session_idx').on(t.sessionId, t.participantId)],
);
