import { index, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.js';
import { courses } from './courses.js';
import { belongsToUser } from './users.js';

export const enrolments = pgTable(
  'enrolments',
  {
    courseId: uuid('course_id').notNull().references(() => courses.id, { onDelete: 'cascade' }),
    userId: belongsToUser('user_id'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.courseId, t.userId] }), index('enrolments_user_idx').on(t.userId)],
);
