import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, timestamps, tstz } from './columns.js';
import { users } from './users.js';

export const NOTIFICATION_CHANNELS = ['in_app', 'email', 'push'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
/** pending -> sending (leased) -> sent | pending (retry) | dead (gave up) | skipped (channel off). */
export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'dead', 'skipped'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One delivery of one event to one recipient on one channel. Written in the same
 * transaction as the change that caused it; dispatchers claim rows with
 * FOR UPDATE SKIP LOCKED and a lease.
 */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: id(),
    eventKey: text('event_key').notNull(),
    eventType: text('event_type').notNull(),
    /** Null for an email to someone without an account (a booking guest): see recipientEmail. */
    recipientId: uuid('recipient_id').references(() => users.id, { onDelete: 'cascade' }),
    /** Email-only rows addressed to a non-user (channel 'email'); null for users. */
    recipientEmail: text('recipient_email'),
    channel: text('channel', { enum: NOTIFICATION_CHANNELS }).notNull(),
    /** What the templates need, captured when the event happened. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** Null: due now. */
    nextAttemptAt: tstz('next_attempt_at'),
    /** While 'sending': the claim is void after this instant (the claimer died). */
    lockedUntil: tstz('locked_until'),
    lockedBy: text('locked_by'),
    lastError: text('last_error'),
    sentAt: tstz('sent_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('notification_outbox_event_recipient_channel_key').on(t.eventKey, t.recipientId, t.channel),
    uniqueIndex('notification_outbox_event_email_key').on(t.eventKey, t.recipientEmail).where(sql`recipient_email is not null`),
    check('notification_outbox_recipient_check', sql`(recipient_id is null) <> (recipient_email is null)`),
    index('notification_outbox_status_due_idx').on(t.status, t.nextAttemptAt),
  ],
);
