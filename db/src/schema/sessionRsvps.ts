import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';
import { belongsToSession } from './sessions.js';
import { belongsToUser } from './users.js';

export const RSVP_RESPONSES = ['yes', 'maybe', 'no'] as const;
export type RsvpResponse = (typeof RSVP_RESPONSES)[number];

/** An invitee's answer to "Will you come?" for one occurrence. */
export const sessionRsvps = pgTable(
  'session_rsvps',
  {
    sessionId: belongsToSession(),
    userId: belongsToUser('user_id'),
    response: text('response', { enum: RSVP_RESPONSES }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] })],
);
