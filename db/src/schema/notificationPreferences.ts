import { boolean, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';
import { belongsToUser } from './users.js';

/** A user's choice for one event type on one channel; no row means the default (on). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: belongsToUser('user_id'),
    eventType: text('event_type').notNull(),
    channel: text('channel').notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.eventType, t.channel] })],
);
