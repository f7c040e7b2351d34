// "Someone is waiting for you": when a participant opens the room of a session that has
// not started, its host and co-hosts are told (in the app and by push, urgent), at most once per
// session per window however many arrive, on however many API nodes (the outbox's unique
// key). Session notices that have had their day are taken back: the waiting notices when
// the session starts, ends or is cancelled, "Live now" when it ends.
import { and, eq, inArray, like, or } from 'drizzle-orm';
import { notificationOutbox, notifications, sessionCohosts, sessions, type Database, type Executor } from '@lectern/db';
import type { EventBus } from '../bus/EventBus.js';
import type { Clock } from '../clock.js';
import { USER_WITHDRAWN_TOPIC } from './channels/inApp.js';
import { enqueue } from './outbox.js';
import { sessionPayload } from './sessionEvents.js';

/** One "waiting" notice per session in this window; later arrivals in it add none. */
export const WAITING_WINDOW_MS = 10 * 60_000;

export const liveKey = (sessionId: string) => `session.live:${sessionId}`;
const waitingKeys = (sessionId: string) => `session.waiting:${sessionId}:%`;

/** Tells the host that `displayName` waits for the start; false when nothing new was sent. */
export async function noticeWaiting(deps: { db: Database; clock: Clock }, sessionId: string, displayName: string): Promise<boolean> {
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [s] = await tx.select().from(sessions).where(eq(sessions.id, sessionId));
    if (!s || s.status !== 'scheduled') return false;
    const payload = { ...(await sessionPayload(tx, s)), waitingName: displayName };
    const cohosts = await tx.select({ id: sessionCohosts.userId }).from(sessionCohosts).where(eq(sessionCohosts.sessionId, s.id));
    const window = Math.floor(now.getTime() / WAITING_WINDOW_MS);
    const written = await enqueue(tx, {
      eventKey: `session.waiting:${s.id}:${window}`,
      eventType: 'session.waiting',
      payload,
      recipientIds: [s.hostId, ...cohosts.map((c) => c.id)],
      channels: ['in_app', 'push'],
    });
    return written > 0;
  });
}

export type Withdrawn = { id: string; userId: string }[];

/**
 * Inside the transaction that changes the session: removes its in-app notices of the
 * given kinds and skips their undelivered sends. Publish the answer after the commit.
 */
export async function withdrawSessionNotices(tx: Executor, sessionIds: readonly string[], kinds: readonly ('live' | 'waiting')[], now: Date, why: string): Promise<Withdrawn> {
  if (sessionIds.length === 0 || kinds.length === 0) return [];
  const keys = (column: typeof notifications.eventKey | typeof notificationOutbox.eventKey) =>
    or(
      ...(kinds.includes('live') ? [inArray(column, sessionIds.map(liveKey))] : []),
      ...(kinds.includes('waiting') ? sessionIds.map((id) => like(column, waitingKeys(id))) : []),
    );
  const withdrawn = await tx.delete(notifications).where(keys(notifications.eventKey)).returning({ id: notifications.id, userId: notifications.userId });
  await tx
    .update(notificationOutbox)
    .set({ status: 'skipped', lastError: why, updatedAt: now })
    .where(and(keys(notificationOutbox.eventKey), eq(notificationOutbox.status, 'pending')));
  return withdrawn;
}

/** Tells every node's /user namespace to drop the withdrawn notices from open panels. */
export async function publishWithdrawn(bus: EventBus, withdrawn: Withdrawn): Promise<void> {
  if (withdrawn.length) await bus.publish(USER_WITHDRAWN_TOPIC, { items: withdrawn });
}
