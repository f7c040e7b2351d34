// Writing to the outbox: one row per (event, recipient, channel), inside the caller's
// transaction. The unique key (event_key, recipient_id, channel) makes a repeated
// enqueue of the same event a no-op, so every send happens at most once per key. Admins
// list rows by status and send dead letters again.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { notificationOutbox, pushSubscriptions, type Database, type Executor, type NotificationChannel } from '@lectern/db';
import { NotFoundError } from '../errors.js';
import type { OutboxEntry, OutboxQuery } from './contract.js';
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

export async function listOutbox(db: Database, { status, limit }: OutboxQuery): Promise<OutboxEntry[]> {
  const rows = await db.select().from(notificationOutbox).where(eq(notificationOutbox.status, status)).orderBy(desc(notificationOutbox.updatedAt)).limit(limit);
  return rows.map((o) => ({
    id: o.id,
    eventKey: o.eventKey,
    eventType: o.eventType,
    recipientId: o.recipientId,
    recipientEmail: o.recipientEmail,
    channel: o.channel,
    status: o.status,
    attempts: o.attempts,
    lastError: o.lastError,
    nextAttemptAt: o.nextAttemptAt?.toISOString() ?? null,
    sentAt: o.sentAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  }));
}

/** A dead-lettered row goes back to pending with fresh attempts. */
export async function retryDead(db: Database, id: string, now: Date): Promise<void> {
  const [row] = await db
    .update(notificationOutbox)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, updatedAt: now })
    .where(and(eq(notificationOutbox.id, id), eq(notificationOutbox.status, 'dead')))
    .returning({ id: notificationOutbox.id });
  if (!row) throw new NotFoundError('No dead-lettered row with this id');
}

/**
 * An email to someone without an account (a booking guest): one 'email' row addressed by
 * address. `payload.recipientName` names them in the To header. Idempotent per (event, address).
 */
export async function enqueueGuestEmail(tx: Executor, event: Omit<OutboxEvent, 'recipientIds'> & { email: string; name: string }): Promise<number> {
  const inserted = await tx
    .insert(notificationOutbox)
    .values({ eventKey: event.eventKey, eventType: event.eventType, recipientEmail: event.email.toLowerCase(), channel: 'email', payload: { ...event.payload, recipientName: event.name } })
    .onConflictDoNothing()
    .returning({ id: notificationOutbox.id });
  return inserted.length;
}
