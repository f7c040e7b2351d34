import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns.js';
import { conversations } from './conversations.js';
import { byUser } from './users.js';

export const MESSAGE_KINDS = ['text', 'system', 'call'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** One chat message. `seq` is gap-free per conversation; (author, clientId) makes a resend a no-op. */
export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    authorId: byUser('author_id'),
    /** Chosen by the sending client; a retry with the same id returns the stored message. */
    clientId: text('client_id'),
    /** Thread root this message replies to. */
    parentId: uuid('parent_id').references((): AnyPgColumn => messages.id, { onDelete: 'set null' }),
    text: text('text').notNull().default(''),
    kind: text('kind', { enum: MESSAGE_KINDS }).notNull().default('text'),
    /** Extra data of system and call messages, and attachments ({ attachments: [...] }). */
    meta: jsonb('meta').$type<Record<string, unknown>>().notNull().default({}),
    editedAt: tstz('edited_at'),
    deletedAt: tstz('deleted_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('messages_conversation_seq_key').on(t.conversationId, t.seq),
    uniqueIndex('messages_client_key').on(t.conversationId, t.authorId, t.clientId),
    index('messages_parent_idx').on(t.parentId),
    index('messages_search_idx').using('gin', sql`to_tsvector('simple', ${t.text})`),
  ],
);
