import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { updatedAt } from './columns.js';
import { sessionParticipant } from './sessions.js';

export const ROOM_ACCESS_STATES = ['admitted', 'denied', 'removed'] as const;
export type RoomAccessState = (typeof ROOM_ACCESS_STATES)[number];

/**
 * Who was let into a session's room, denied at the lobby, or removed by the teacher.
 * Lets an admitted participant reconnect without the lobby (and into a locked room),
 * and keeps a removed participant's token from getting back in.
 */
export const roomAccess = pgTable(
  'room_access',
  {
    ...sessionParticipant(),
    state: text('state', { enum: ROOM_ACCESS_STATES }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.participantId] })],
);
