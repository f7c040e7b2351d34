import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { sessions } from './sessions.js';
import { users } from './users.js';

/**
 * One row per connection of a participant to a session's room. `connectionId` is unique
 * so that recording a join twice (retries, replays over the bus) is a no-op.
 */
export const attendanceIntervals = pgTable(
  'attendance_intervals',
  {
    id: id(),
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    /** Stable participant identity: a user id, or `guest:<id>` for guests. */
    participantId: text('participant_id').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
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
