import { index, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { tstz } from './columns.js';
import { courses } from './courses.js';
import { users } from './users.js';

export const enrolments = pgTable(
  'enrolments',
  {
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index('enrolments_user_idx').on(t.userId)],
);
