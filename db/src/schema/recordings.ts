import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, real, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, id, tstz } from './columns.js';
import { belongsToSession } from './sessions.js';
import { byUser } from './users.js';

/** One server-side recording of a live session; files live under the recordings directory. */
export const recordings = pgTable(
  'recordings',
  {
    id: id(),
    sessionId: belongsToSession(),
    startedBy: byUser('started_by'),
    /** recording -> processing -> ready | failed */
    status: text('status', { enum: ['recording', 'processing', 'ready', 'failed'] }).notNull().default('recording'),
    startedAt: tstz('started_at').notNull(),
    stoppedAt: tstz('stopped_at'),
    durationSeconds: real('duration_seconds'),
    /** 0..100 while processing. */
    progress: integer('progress').notNull().default(0),
    /** File name of the composed recording inside its directory, once ready. */
    fileName: text('file_name'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    /** Per-participant track files kept alongside (JSON array of { file, peerId, displayName, kind, source }). */
    tracks: text('tracks'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    index('recordings_session_idx').on(t.sessionId),
    index('recordings_status_idx').on(t.status),
    // At most one running recording per session, whichever node starts it.
    uniqueIndex('recordings_one_running_idx').on(t.sessionId).where(sql`status = 'recording'`),
  ],
);
