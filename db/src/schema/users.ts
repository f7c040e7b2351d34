import { boolean, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { id, timestamps } from './columns.js';

export const USER_ROLES = ['admin', 'teacher', 'mentor', 'student'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: id(),
    /** Always stored lower-cased. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    passwordHash: text('password_hash').notNull(),
    /** IANA zone the user sees times in. */
    timezone: text('timezone').notNull().default('UTC'),
    disabled: boolean('disabled').notNull().default(false),
    /** Secret for the per-user calendar feed URL; regenerable. */
    calendarToken: text('calendar_token'),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);
