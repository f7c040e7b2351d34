import { boolean, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns.js';
import { belongsToUser } from './users.js';

/** One entry of a user's in-app notification center. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    userId: belongsToUser('user_id'),
    /** The event that caused it: with user_id, makes the in-app delivery idempotent. */
    eventKey: text('event_key').notNull(),
    type: text('type').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    urgent: boolean('urgent').notNull().default(false),
    link: text('link'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    readAt: tstz('read_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notifications_event_user_key').on(t.eventKey, t.userId),
    index('notifications_user_created_idx').on(t.userId, t.createdAt),
  ],
);
