import { bigint, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id } from './columns.js';
import { conversations } from './conversations.js';
import { messages } from './messages.js';
import { byUser } from './users.js';

/** A file shared in a conversation, stored under ${dataDir}/chat/<conversationId>/<id>. */
export const chatAttachments = pgTable(
  'chat_attachments',
  {
    id: id(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    /** Set when a message carrying it is sent; null while only uploaded. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    uploaderId: byUser('uploader_id'),
    fileName: text('file_name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('chat_attachments_conversation_idx').on(t.conversationId)],
);
