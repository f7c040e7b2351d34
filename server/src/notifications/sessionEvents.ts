// The hook through which session changes reach notifications. Callers pass the
// transaction that makes the change, so the outbox rows commit (or roll back) with it:
//   await db.transaction(async (tx) => { ...change...; await enqueueSessionEvent(tx, event); });
// Recipients: the session's invitees plus the users enrolled in its course, minus the actor.
import { eq, inArray } from 'drizzle-orm';
import { enrolments, sessionInvitees, sessions, users, type Executor } from '@lectern/db';
import { enqueue } from './outbox.js';

export type SessionNotificationEvent = (
  | {
      type: 'session.scheduled';
      sessionId: string;
      recipientIds?: string[];
      /** Also notify the students enrolled in the session's course (a new session, not an added invitee). */
      includeCourse?: boolean;
      /** A new series: one notification for all its occurrences (sessionId is the first). */
      series?: SeriesSummary;
    }
  | { type: 'session.rescheduled'; sessionId: string; previousStart: string; reason?: string }
  | { type: 'session.cancelled'; sessionId: string; reason?: string }
  | { type: 'session.live'; sessionId: string }
) & {
  /** Who made the change: never notified about their own action. */
  actorId?: string;
};

type SessionRow = typeof sessions.$inferSelect;

export interface SeriesSummary {
  seriesId: string;
  count: number;
  /** "weekly", "daily", "monthly", ... */
  frequency: string;
  /** "Mondays 10:00" in the session's zone. */
  when: string;
}

/** What the templates need about a session, captured when the event happens. */
export interface SessionPayload extends Record<string, unknown> {
  sessionId: string;
  title: string;
  description: string;
  startsAt: string;
  durationMinutes: number;
  timezone: string;
  hostName: string;
  sequence: number;
  /** DTSTAMP of the calendar attachment. */
  changedAt: string;
  previousStart?: string;
  reason?: string;
  offsetMinutes?: number;
  /** After this instant the notification is pointless and is skipped, not sent. */
  expiresAt?: string;
  series?: SeriesSummary;
  /** session.waiting: who opened the room before the start. */
  waitingName?: string;
}

export async function sessionPayload(tx: Executor, s: SessionRow): Promise<SessionPayload> {
  const [host] = await tx.select({ name: users.name }).from(users).where(eq(users.id, s.hostId));
  return {
    sessionId: s.id,
    title: s.title,
    description: s.description.slice(0, 1000),
    startsAt: s.scheduledAt.toISOString(),
    durationMinutes: s.durationMinutes,
    timezone: s.timezone,
    hostName: host?.name ?? '',
    sequence: s.sequence,
    changedAt: s.updatedAt.toISOString(),
  };
}

/** Invitees plus everyone enrolled in the session's course, minus the actor and disabled users. */
export async function sessionRecipients(tx: Executor, s: SessionRow, actorId?: string): Promise<string[]> {
  const ids = new Set<string>();
  const invited = await tx.select({ id: sessionInvitees.userId }).from(sessionInvitees).where(eq(sessionInvitees.sessionId, s.id));
  for (const r of invited) ids.add(r.id);
  if (s.courseId) {
    const enrolled = await tx.select({ id: enrolments.userId }).from(enrolments).where(eq(enrolments.courseId, s.courseId));
    for (const r of enrolled) ids.add(r.id);
  }
  return activeUsers(tx, [...ids], actorId);
}

async function activeUsers(tx: Executor, ids: string[], actorId: string | undefined): Promise<string[]> {
  const wanted = ids.filter((id) => id !== actorId);
  if (wanted.length === 0) return [];
  const rows = await tx.select({ id: users.id, disabled: users.disabled }).from(users).where(inArray(users.id, wanted));
  return rows.filter((r) => !r.disabled).map((r) => r.id);
}

/** Call inside the transaction that makes the change. */
export function enqueueSessionEvent(tx: Executor, event: SessionNotificationEvent): Promise<void> {
  return writeSessionEvent(tx, event);
}

/** Writes the event's outbox rows (the real sink). */
export async function writeSessionEvent(tx: Executor, event: SessionNotificationEvent): Promise<void> {
  const [s] = await tx.select().from(sessions).where(eq(sessions.id, event.sessionId));
  if (!s) return;
  const payload = await sessionPayload(tx, s);
  const recipientIds =
    event.type === 'session.scheduled' && event.recipientIds
      ? event.includeCourse
        ? [...new Set([...(await activeUsers(tx, event.recipientIds, event.actorId)), ...(await sessionRecipients(tx, s, event.actorId))])]
        : await activeUsers(tx, event.recipientIds, event.actorId)
      : await sessionRecipients(tx, s, event.actorId);
  let eventKey: string;
  switch (event.type) {
    case 'session.scheduled':
      // Once per session (or per series); people invited later get it too (the key includes the recipient).
      eventKey = event.series ? `session.scheduled:series:${event.series.seriesId}` : `session.scheduled:${s.id}`;
      if (event.series) payload.series = event.series;
      break;
    case 'session.rescheduled':
      eventKey = `session.rescheduled:${s.id}:${s.sequence}:${payload.startsAt}`;
      payload.previousStart = event.previousStart;
      if (event.reason) payload.reason = event.reason;
      break;
    case 'session.cancelled':
      eventKey = `session.cancelled:${s.id}`;
      if (event.reason) payload.reason = event.reason;
      break;
    case 'session.live':
      // A session goes live once: starting it again must not ring everyone again.
      eventKey = `session.live:${s.id}`;
      break;
  }
  await enqueue(tx, { eventKey, eventType: event.type, payload, recipientIds });
}
