import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { sessions } from './sessions.js';
import { users } from './users.js';

export const SESSION_HISTORY_ACTIONS = ['created', 'updated', 'rescheduled', 'cancelled', 'host_assigned', 'invitees_changed', 'materials_changed'] as const;
export type SessionHistoryAction = (typeof SESSION_HISTORY_ACTIONS)[number];

/** Audit of changes to a session: who, when, what it was before and after, and why. */
export const sessionHistory = pgTable(
  'session_history',
  {
    id: id(),
    sessionId: uuid('session_id').notNull().references(() => sessions.id, { onDelete: 'cascade' }),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action', { enum: SESSION_HISTORY_ACTIONS }).notNull(),
    reason: text('reason'),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('session_history_session_idx').on(t.sessionId, t.createdAt)],
);
