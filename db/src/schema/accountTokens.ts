import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns.js';
import { users } from './users.js';

export const ACCOUNT_TOKEN_KINDS = ['setup', 'password_reset'] as const;
export type AccountTokenKind = (typeof ACCOUNT_TOKEN_KINDS)[number];

/**
 * One-time secrets sent outside the app: the first-run setup link (printed in the log) and
 * password-reset links (emailed). Only the SHA-256 of the token is stored; a token works
 * once (used_at) and, where set, until expires_at.
 */
export const accountTokens = pgTable(
  'account_tokens',
  {
    id: id(),
    kind: text('kind', { enum: ACCOUNT_TOKEN_KINDS }).notNull(),
    /** The account a reset token is for; null for the setup token. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    expiresAt: tstz('expires_at'),
    usedAt: tstz('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('account_tokens_user_idx').on(t.userId)],
);
