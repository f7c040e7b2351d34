// Writing to the outbox: one row per (event, recipient, channel), inside the caller's
// transaction. The unique key (event_key, recipient_id, channel) makes a repeated
// enqueue of the same event a no-op, so every send happens at most once per key.
import { inArray } from 'drizzle-orm';
import { notificationOutbox, pushSubscriptions, type Executor, type NotificationChannel } from '@lectern/db';
import { disabledChannels } from './preferences.js';
import type { EventType } from './types.js';

export interface OutboxEvent {
  /** Identifies the event; with recipient and channel, the idempotency key of a send. */
  eventKey: string;
  eventType: EventType;
  /** What the templates need (JSON), captured now. */
  payload: Record<string, unknown>;
  recipientIds: readonly string[];
  /** Channels this event may use (default: every channel). Chat leaves out email. */
  channels?: readonly NotificationChannel[];
}

const CHUNK = 500;

/** Returns the number of rows written (rows already present are not counted). */
export async function enqueue(tx: Executor, event: OutboxEvent): Promise<number> {
  const recipients = [...new Set(event.recipientIds)];
  if (recipients.length === 0) return 0;
  const off = await disabledChannels(tx, recipients, event.eventType);
  const subscribed = new Set(
    (
      await tx
        .selectDistinct({ userId: pushSubscriptions.userId })
        .from(pushSubscriptions)
        .where(inArray(pushSubscriptions.userId, recipients))
    ).map((r) => r.userId),
  );
  const rows: (typeof notificationOutbox.$inferInsert)[] = [];
  for (const recipientId of recipients) {
    const channels: NotificationChannel[] = ['in_app', 'email'];
    if (subscribed.has(recipientId)) channels.push('push');
    for (const channel of channels) {
      if (event.channels && !event.channels.includes(channel)) continue;
      if (off.get(recipientId)?.has(channel)) continue;
      rows.push({ eventKey: event.eventKey, eventType: event.eventType, recipientId, channel, payload: event.payload });
    }
  }
  let written = 0;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const inserted = await tx
      .insert(notificationOutbox)
      .values(rows.slice(i, i + CHUNK))
      .onConflictDoNothing({ target: [notificationOutbox.eventKey, notificationOutbox.recipientId, notificationOutbox.channel] })
      .returning({ id: notificationOutbox.id });
    written += inserted.length;
  }
  return written;
}
