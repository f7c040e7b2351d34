// The hook through which session changes reach notifications. Callers pass the
// transaction that makes the change, so the outbox rows commit (or roll back) with it.
// The notifications module implements `enqueueSessionEvent`.
import type { Executor } from '@lectern/db';

export type SessionNotificationEvent =
  | { type: 'session.scheduled'; sessionId: string; recipientIds?: string[] }
  | { type: 'session.rescheduled'; sessionId: string; previousStart: string; reason?: string }
  | { type: 'session.cancelled'; sessionId: string; reason?: string }
  | { type: 'session.live'; sessionId: string };

export type SessionEventSink = (tx: Executor, event: SessionNotificationEvent) => Promise<void>;

let sink: SessionEventSink = () => Promise.resolve();

/** Installed once by the notifications module at start-up. */
export function setSessionEventSink(next: SessionEventSink): void {
  sink = next;
}

export function enqueueSessionEvent(tx: Executor, event: SessionNotificationEvent): Promise<void> {
  return sink(tx, event);
}
