// Attendance capture: one interval row per connection. Idempotent on the connection id;
// intervals of a process that died are closed at the last time they were seen.
import { and, inArray, isNull, lt, eq, sql } from 'drizzle-orm';
import { attendanceIntervals, type Database } from '@lectern/db';
import type { Clock } from '../clock.js';

export const HEARTBEAT_MS = 15_000;
/** An open interval not seen for this long belongs to a dead process. */
export const STALE_MS = 4 * HEARTBEAT_MS;

export interface AttendanceDeps {
  db: Database;
  clock: Clock;
}

export interface JoinRecord {
  connectionId: string;
  sessionId: string;
  participantId: string;
  userId: string | null;
  displayName: string;
  role: string;
}

/** `at` is when it happened (a write retried after a database outage keeps its time). */
export async function recordJoin(deps: AttendanceDeps, r: JoinRecord, at?: Date): Promise<void> {
  const now = at ?? deps.clock.now();
  await deps.db
    .insert(attendanceIntervals)
    .values({ ...r, joinedAt: now, lastSeenAt: now })
    .onConflictDoNothing({ target: attendanceIntervals.connectionId });
}

export async function recordLeave(deps: AttendanceDeps, connectionId: string, at?: Date): Promise<void> {
  const now = at ?? deps.clock.now();
  await deps.db
    .update(attendanceIntervals)
    .set({ leftAt: now, lastSeenAt: now })
    .where(and(eq(attendanceIntervals.connectionId, connectionId), isNull(attendanceIntervals.leftAt)));
}

export async function heartbeat(deps: AttendanceDeps, connectionIds: string[]): Promise<void> {
  if (connectionIds.length === 0) return;
  await deps.db
    .update(attendanceIntervals)
    .set({ lastSeenAt: deps.clock.now() })
    .where(and(inArray(attendanceIntervals.connectionId, connectionIds), isNull(attendanceIntervals.leftAt)));
}

/**
 * Closes intervals left open by a crashed process at their last heartbeat, never at the
 * time of the restart. Live connections heartbeat every HEARTBEAT_MS, so only connections
 * of a process that stopped fall behind the cutoff. Run at start-up and every SWEEP_MS
 * (a process that restarts within STALE_MS leaves intervals that are not yet stale).
 */
export async function closeStaleIntervals(deps: AttendanceDeps, staleMs = STALE_MS): Promise<number> {
  const cutoff = new Date(deps.clock.now().getTime() - staleMs);
  const rows = await deps.db
    .update(attendanceIntervals)
    .set({ leftAt: sql`${attendanceIntervals.lastSeenAt}` })
    .where(and(isNull(attendanceIntervals.leftAt), lt(attendanceIntervals.lastSeenAt, cutoff)))
    .returning({ id: attendanceIntervals.id });
  return rows.length;
}

export const SWEEP_MS = STALE_MS;
