// Session lifecycle: create, start (live), end (completed). Ending also sets the token
// cutoff, closes open attendance intervals and tells every node's gateway.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { attendanceIntervals, sessions, type Database } from '@lectern/db';
import type { EventBus } from '../bus/EventBus.js';
import type { Clock } from '../clock.js';
import { ConflictError } from '../errors.js';
import { enqueueSessionEvent } from '../notifications/sessionEvents.js';
import { publishWithdrawn, withdrawSessionNotices, type Withdrawn } from '../notifications/waitingNotice.js';
import { getSessionRow, type SessionRow } from './sessionAccess.js';

export const SESSION_EVENTS_TOPIC = 'lectern:session-events' as const;

export interface SessionDeps {
  db: Database;
  clock: Clock;
  bus: EventBus;
}

export async function startSession(deps: SessionDeps, id: string, actorId?: string): Promise<SessionRow> {
  const now = deps.clock.now();
  let withdrawn: Withdrawn = [];
  // The live alert's outbox rows commit with the status change (once per session).
  const row = await deps.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(sessions)
      .set({ status: 'live', startedAt: now, updatedAt: now })
      .where(and(eq(sessions.id, id), inArray(sessions.status, ['scheduled', 'live'])))
      .returning();
    if (!updated) return null;
    await enqueueSessionEvent(tx, { type: 'session.live', sessionId: id, ...(actorId ? { actorId } : {}) });
    withdrawn = await withdrawSessionNotices(tx, [id], ['waiting'], now, 'the session started before delivery');
    return updated;
  });
  if (!row) {
    const current = await getSessionRow(deps.db, id);
    throw new ConflictError(`Session is ${current.status} and cannot be started`);
  }
  // Every node's gateway lets in the participants waiting for the start.
  await deps.bus.publish(SESSION_EVENTS_TOPIC, { type: 'started', sessionId: id });
  await publishWithdrawn(deps.bus, withdrawn);
  return row;
}

/** Idempotent: ending an ended session returns it unchanged. */
export async function endSession(deps: SessionDeps, id: string): Promise<SessionRow> {
  const now = deps.clock.now();
  let withdrawn: Withdrawn = [];
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
    // "Live now" and "waiting for you" are over: their in-app alerts go away, undelivered ones are not sent.
    withdrawn = await withdrawSessionNotices(tx, [id], ['live', 'waiting'], now, 'the session ended before delivery');
    return updated;
  });
  if (!row) {
    const current = await getSessionRow(deps.db, id);
    if (current.status === 'completed') return current;
    throw new ConflictError(`Session is ${current.status} and cannot be ended`);
  }
  await deps.bus.publish(SESSION_EVENTS_TOPIC, { type: 'ended', sessionId: id, at: now.toISOString() });
  await publishWithdrawn(deps.bus, withdrawn);
  return row;
}
