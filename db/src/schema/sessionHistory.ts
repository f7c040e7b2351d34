import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.js';
import { belongsToSession } from './sessions.js';
import { byUser } from './users.js';

export const SESSION_HISTORY_ACTIONS = ['created', 'updated', 'rescheduled', 'cancelled', 'host_assigned', 'invitees_changed', 'materials_changed'] as const;
export type SessionHistoryAction = (typeof SESSION_HISTORY_ACTIONS)[number];

/** Audit of changes to a session: who, when, what it was before and after, and why. */
export const sessionHistory = pgTable(
  'session_history',
  {
    id: id(),
    sessionId: belongsToSession(),
    actorId: byUser('actor_id'),
    action: text('action', { enum: SESSION_HISTORY_ACTIONS }).notNull(),
    reason: text('reason'),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index('session_history_session_idx').on(t.sessionId, t.createdAt)],
);
