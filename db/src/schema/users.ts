import { boolean, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, tstz } from './columns.js';

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
    /**
     * Access tokens issued (iat, whole seconds) before this instant are refused: set when the
     * password, role or access changes, so a token already handed out stops working at once.
     */
    tokensValidAfter: tstz('tokens_valid_after'),
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

/** A user the row belongs to: required, and the row is deleted with the user. */
export const belongsToUser = (name: string) => uuid(name).notNull().references(() => users.id, { onDelete: 'cascade' });

/** The user who did something: optional, and set to null when that user is deleted. */
export const byUser = (name: string) => uuid(name).references(() => users.id, { onDelete: 'set null' });
