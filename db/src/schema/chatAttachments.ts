import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { conversations } from './conversations.js';
import { messages } from './messages.js';
import { users } from './users.js';

/** A file shared in a conversation, stored under ${dataDir}/chat/<conversationId>/<id>. */
export const chatAttachments = pgTable(
  'chat_attachments',
  {
    id: id(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    /** Set when a message carrying it is sent; null while only uploaded. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    uploaderId: uuid('uploader_id').references(() => users.id, { onDelete: 'set null' }),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('chat_attachments_conversation_idx').on(t.conversationId)],
);
