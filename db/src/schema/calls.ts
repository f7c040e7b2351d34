import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { conversations } from './conversations.js';
import { messages } from './messages.js';
import { belongsToSession } from './sessions.js';
import { belongsToUser } from './users.js';

export const CALL_STATUSES = ['ringing', 'live', 'ended', 'missed', 'declined'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const CALL_PARTICIPANT_STATES = ['ringing', 'accepted', 'declined', 'missed'] as const;
export type CallParticipantState = (typeof CALL_PARTICIPANT_STATES)[number];

/** An instant call started from a conversation; at most one ringing or live per conversation. */
export const calls = pgTable(
  'calls',
  {
    id: id(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    sessionId: belongsToSession(),
    callerId: belongsToUser('caller_id'),
    status: text('status', { enum: CALL_STATUSES }).notNull().default('ringing'),
    /** The chat message "Call started by ..." (updated when the call ends). */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    startedAt: tstz('started_at').notNull(),
    /** Ringing stops for everyone still ringing at this instant. */
    ringDeadline: tstz('ring_deadline').notNull(),
    /** Set once the ringing phase is over (time-out, hang-up or end): the sweep acts once. */
    ringClosedAt: tstz('ring_closed_at'),
    answeredAt: tstz('answered_at'),
    endedAt: tstz('ended_at'),
  },
  (t) => [
    uniqueIndex('calls_one_active_idx').on(t.conversationId).where(sql`status in ('ringing', 'live')`),
    index('calls_session_idx').on(t.sessionId),
    index('calls_ring_deadline_idx').on(t.ringDeadline).where(sql`ring_closed_at is null`),
  ],
);

/** Ring state of each member called. */
export const callParticipants = pgTable(
  'call_participants',
  {
    callId: uuid('call_id').notNull().references(() => calls.id, { onDelete: 'cascade' }),
    userId: belongsToUser('user_id'),
    state: text('state', { enum: CALL_PARTICIPANT_STATES }).notNull().default('ringing'),
    at: tstz('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.userId] }), index('call_participants_user_idx').on(t.userId, t.state)],
);
