import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tstz } from './columns.js';
import { users } from './users.js';

/** One entry of a user's in-app notification center. */
export const notifications = pgTable(
  'notifications',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    /** The event that caused it: with user_id, makes the in-app delivery idempotent. */
    eventKey: text('event_key').notNull(),
    type: text('type').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    urgent: boolean('urgent').notNull().default(false),
    link: text('link'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    readAt: tstz('read_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notifications_event_user_key').on(t.eventKey, t.userId),
    index('notifications_user_created_idx').on(t.userId, t.createdAt),
  ],
);
