import { pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { conversations } from './conversations.js';
import { messages } from './messages.js';
import { byUser } from './users.js';

/** A message pinned in its conversation. */
export const messagePins = pgTable(
  'message_pins',
  {
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
    pinnedBy: byUser('pinned_by'),
    pinnedAt: tstz('pinned_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.conversationId, t.messageId] })],
);
