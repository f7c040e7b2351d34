import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, tstz } from './columns.js';
import { belongsToSession } from './sessions.js';
import { byUser } from './users.js';

export const joinCodes = pgTable(
  'join_codes',
  {
    code: text('code').primaryKey(),
    sessionId: belongsToSession(),
    createdBy: byUser('created_by'),
    createdAt: createdAt(),
    expiresAt: tstz('expires_at').notNull(),
    revokedAt: tstz('revoked_at'),
  },
  (t) => [index('join_codes_session_idx').on(t.sessionId)],
);
