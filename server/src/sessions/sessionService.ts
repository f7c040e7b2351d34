// Session lifecycle: create, start (live), end (completed). Ending also sets the token
// cutoff, closes open attendance intervals and tells every node's gateway.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { attendanceIntervals, notificationOutbox, notifications, sessions, type Database } from '@lectern/db';
import type { EventBus } from '../bus/EventBus.js';
import type { Clock } from '../clock.js';
import { ConflictError } from '../errors.js';
import { USER_WITHDRAWN_TOPIC } from '../notifications/channels/inApp.js';
import { enqueueSessionEvent } from '../notifications/sessionEvents.js';
import { getSessionRow, type SessionRow } from './sessionAccess.js';

export const SESSION_EVENTS_TOPIC = 'lectern:session-events' as const;

export interface SessionDeps {
  db: Database;
  clock: Clock;
  bus: EventBus;
}

export async function startSession(deps: SessionDeps, id: string, actorId?: string): Promise<SessionRow> {
  const now = deps.clock.now();
  // The live alert's outbox rows commit with the status change (once per session).
  const row = await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(sessions)
      .set({ status: 'live', startedAt: now, updatedAt: now })
      .where(and(eq(sessions.id, id), inArray(sessions.status, ['scheduled', 'live'])))
      .returning();
    if (updated) await enqueueSessionEvent(tx, { type: 'session.live', sessionId: id, ...(actorId ? { actorId } : {}) });
    return updated;
  });
  if (!row) {
    const current = await getSessionRow(deps.db, id);
    throw new ConflictError(`Session is ${current.status} and cannot be started`);
  }
  await deps.bus.publish(SESSION_EVENTS_TOPIC, { type: 'started', sessionId: id });
  return row;
}

/** Idempotent: ending an ended session returns it unchanged. */
export async function endSession(deps: SessionDeps, id: string): Promise<SessionRow> {
  const now = deps.clock.now();
  let withdrawn: { id: string; userId: string }[] = [];
  const row = await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(sessions)
      .set({ status: 'completed', endedAt: now, tokenCutoffAt: now, updatedAt: now })
      .where(and(eq(sessions.id, id), inArray(sessions.status, ['scheduled', 'live'])))
      .returning();
    if (!updated) return null;
    await tx
      .update(attendanceIntervals)
      .set({ leftAt: now, lastSeenAt: now })
      .where(and(eq(attendanceIntervals.sessionId, id), isNull(attendanceIntervals.leftAt)));
    // "Live now" is over: its in-app alerts go away, and undelivered ones are not sent.
    const liveKey = `session.live:${id}`;
    withdrawn = await tx.delete(notifications).where(eq(notifications.eventKey, liveKey)).returning({ id: notifications.id, userId: notifications.userId });
    await tx
      .update(notificationOutbox)
      .set({ status: 'skipped', lastError: 'the session ended before delivery', updatedAt: now })
      .where(and(eq(notificationOutbox.eventKey, liveKey), eq(notificationOutbox.status, 'pending')));
    return updated;
  });
  if (!row) {
    const current = await getSessionRow(deps.db, id);
    if (current.status === 'completed') return current;
    throw new ConflictError(`Session is ${current.status} and cannot be ended`);
  }
  await deps.bus.publish(SESSION_EVENTS_TOPIC, { type: 'ended', sessionId: id, at: now.toISOString() });
  if (withdrawn.length) await deps.bus.publish(USER_WITHDRAWN_TOPIC, { items: withdrawn });
  return row;
}
