import { index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { sessions } from './sessions.js';
import { users } from './users.js';

export const RSVP = ['invited', 'accepted', 'declined'] as const;

export const sessionCohosts = pgTable(
  'session_cohosts',
  {
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] })],
);

export const sessionInvitees = pgTable(
  'session_invitees',
  {
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    rsvp: text('rsvp', { enum: RSVP }).notNull().default('invited'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userId] }), index('session_invitees_user_idx').on(t.userId)],
);
