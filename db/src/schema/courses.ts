import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, tstz } from './columns.js';
import { users } from './users.js';

export const courses = pgTable('courses', {
  id: id(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  /** The teacher who runs the course. */
  ownerId: uuid('owner_id').notNull().references(() => users.id, { onDelete: 'restrict' }),
  /** Set when an admin archives the course: kept with its history, hidden from everyday lists. */
  archivedAt: tstz('archived_at'),
  ...timestamps,
});
