import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.js';
import { sessions } from './sessions.js';
import { byUser } from './users.js';

export const CONVERSATION_KINDS = ['direct', 'group', 'session'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];

/** A chat: a one-to-one (direct), a named group, or the channel of one scheduled session. */
export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    kind: text('kind', { enum: CONVERSATION_KINDS }).notNull(),
    title: text('title').notNull().default(''),
    /** kind 'session': the session it belongs to (one conversation per session). */
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
    /** kind 'direct': "<smaller user id>:<larger user id>", so a pair has one conversation. */
    directKey: text('direct_key'),
    /** Sequence number of the latest message; bumped in the transaction that stores a message. */
    lastSeq: integer('last_seq').notNull().default(0),
    createdBy: byUser('created_by'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('conversations_session_key').on(t.sessionId).where(sql`session_id is not null`),
    uniqueIndex('conversations_direct_key').on(t.directKey).where(sql`direct_key is not null`),
    index('conversations_updated_idx').on(t.updatedAt),
  ],
);
