import { index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { belongsToSession } from './sessions.js';
import { belongsToUser } from './users.js';

export const RSVP = ['invited', 'accepted', 'declined'] as const;

export const sessionCohosts = pgTable(
  'session_cohosts',
  {
    sessionId: belongsToSession(),
    userId: belongsToUser('user_id'),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] })],
);

export const sessionInvitees = pgTable(
  'session_invitees',
  {
    sessionId: belongsToSession(),
    userId: belongsToUser('user_id'),
    rsvp: text('rsvp', { enum: RSVP }).notNull().default('invited'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] }), index('session_invitees_user_idx').on(t.userId)],
);
