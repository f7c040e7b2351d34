// Shared vocabulary of the notifications module: event types, channels, what a template
// renders, and the contract every delivery channel implements.
import type { NotificationChannel, notificationOutbox } from '@lectern/db';
import { EVENT_TYPES, type NotificationEventType } from './contract.js';

export { EVENT_TYPES };
/** An event type: the contract's NotificationEventType. */
export type EventType = NotificationEventType;

/** Alerts that must be seen now: shown urgent, pushed with Urgency: high. */
export const URGENT_EVENTS: ReadonlySet<EventType> = new Set<EventType>(['session.live', 'session.waiting', 'call.ringing']);

export type { NotificationChannel };
export type OutboxRow = typeof notificationOutbox.$inferSelect;

/** One notification, rendered for every channel. */
export interface Rendered {
  title: string;
  body: string;
  urgent: boolean;
  /** App-relative link, e.g. /sessions/<id>. */
  link: string | undefined;
  email: { subject: string; text: string; html: string; ics?: { filename: string; content: string } };
  /** Web Push: seconds the push service keeps it; topic collapses older undelivered pushes. */
  push: { ttlSeconds: number; topic: string };
}

export type SendOutcome = { status: 'sent' } | { status: 'skipped'; reason: string };

/** A failed send. `retryable: false` dead-letters at once; `progress` is merged into the row's payload. */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly progress?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface Channel {
  readonly name: NotificationChannel;
  /** False when not configured (e.g. no SMTP): its rows are marked skipped. */
  readonly enabled: boolean;
  send(row: OutboxRow, message: Rendered): Promise<SendOutcome>;
  close(): Promise<void>;
}
