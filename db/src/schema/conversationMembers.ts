import { index, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { conversations } from './conversations.js';
import { belongsToUser } from './users.js';

export const CONVERSATION_ROLES = ['owner', 'member'] as const;

/** Who is in a conversation and how far they have read. A removed member keeps the row with removedAt set. */
export const conversationMembers = pgTable(
  'conversation_members',
  {
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    userId: belongsToUser('user_id'),
    role: text('role', { enum: CONVERSATION_ROLES }).notNull().default('member'),
    /** Sequence number of the last message this member has read. */
    lastReadSeq: integer('last_read_seq').notNull().default(0),
    joinedAt: tstz('joined_at').notNull().defaultNow(),
    removedAt: tstz('removed_at'),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.userId] }), index('conversation_members_user_idx').on(t.userId)],
);
