// Contract of notifications: request and response bodies of the notification center, the
// preferences, push subscriptions, the VAPID key and the admin outbox. The client imports
// the types; the routes validate and document with the schemas.
import { z } from 'zod';
import { NOTIFICATION_CHANNELS, OUTBOX_STATUSES } from '@lectern/db';
import { IsoDate } from '../http/contract.js';

export const EVENT_TYPES = [
  'session.scheduled',
  'session.rescheduled',
  'session.cancelled',
  'session.reminder',
  'session.live',
  'session.waiting',
  'chat.added',
  'chat.message',
  'call.ringing',
  'call.missed',
  'booking.confirmed',
  'booking.cancelled',
] as const;
export const NotificationEventType = z.enum(EVENT_TYPES);
export type NotificationEventType = z.infer<typeof NotificationEventType>;
export const NotificationChannel = z.enum(NOTIFICATION_CHANNELS);
export type NotificationChannel = z.infer<typeof NotificationChannel>;
export const OutboxStatus = z.enum(OUTBOX_STATUSES);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

// ---- notification center ----

export const NotificationListQuery = z.object({
  unread: z.enum(['1', '0', 'true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.uuid().optional().describe('paging: the id of the last notification of the previous page'),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

/** One entry of the notification center. */
export const AppNotification = z.object({
  id: z.uuid(),
  type: z.string().describe('event type, e.g. session.live'),
  title: z.string(),
  body: z.string(),
  urgent: z.boolean(),
  link: z.string().nullable().describe('app-relative link, e.g. /sessions/<id>'),
  data: z.record(z.string(), z.unknown()),
  read: z.boolean(),
  readAt: IsoDate.nullable(),
  createdAt: IsoDate,
});
export type AppNotification = z.infer<typeof AppNotification>;

export const UnreadCount = z.object({ count: z.number().int() });
export type UnreadCount = z.infer<typeof UnreadCount>;
export const ReadAllResult = z.object({ updated: z.number().int() });
export type ReadAllResult = z.infer<typeof ReadAllResult>;

// ---- preferences ----

/** Every event type, every channel: on or off (no stored choice means on). */
export const PreferenceMatrix = z.record(NotificationEventType, z.record(NotificationChannel, z.boolean()));
export type PreferenceMatrix = z.infer<typeof PreferenceMatrix>;

/** Unknown channel names are refused (strict). */
const ChannelFlags = z
  .object(Object.fromEntries(NOTIFICATION_CHANNELS.map((c) => [c, z.boolean().optional()])) as Record<NotificationChannel, z.ZodOptional<z.ZodBoolean>>)
  .strict();
export const PreferencesBody = z.object({ preferences: z.partialRecord(NotificationEventType, ChannelFlags) });
export type PreferencesBody = z.infer<typeof PreferencesBody>;
export type PreferencePatch = PreferencesBody['preferences'];

export const NotificationPreferences = z.object({
  eventTypes: z.array(NotificationEventType),
  channels: z.array(NotificationChannel),
  preferences: PreferenceMatrix,
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

// ---- Web Push ----

export const VapidPublicKey = z.object({ publicKey: z.string().describe('applicationServerKey for PushManager.subscribe (base64url)') });
export type VapidPublicKey = z.infer<typeof VapidPublicKey>;

const PushKeys = z.object({ p256dh: z.string().min(80).max(200).regex(/^[A-Za-z0-9_-]+=*$/), auth: z.string().min(16).max(64).regex(/^[A-Za-z0-9_-]+=*$/) });
/** A PushSubscription as `toJSON()` gives it. */
export const SubscribeBody = z.object({ endpoint: z.url().max(2000), keys: PushKeys, expirationTime: z.number().nullable().optional() });
export type SubscribeBody = z.infer<typeof SubscribeBody>;
export const EndpointBody = z.object({ endpoint: z.url().max(2000) });
export type EndpointBody = z.infer<typeof EndpointBody>;
export const PushSubscriptionCreated = z.object({ id: z.uuid() });
export type PushSubscriptionCreated = z.infer<typeof PushSubscriptionCreated>;

// ---- admin: the outbox ----

export const OutboxQuery = z.object({
  status: OutboxStatus.default('dead'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type OutboxQuery = z.infer<typeof OutboxQuery>;

export const OutboxEntry = z.object({
  id: z.uuid(),
  eventKey: z.string(),
  eventType: z.string(),
  recipientId: z.uuid().nullable(),
  recipientEmail: z.string().nullable().describe('a guest without an account (bookings)'),
  channel: NotificationChannel,
  status: OutboxStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: IsoDate.nullable(),
  sentAt: IsoDate.nullable(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const OutboxRetried = z.object({ id: z.uuid(), status: z.literal('pending') });
export type OutboxRetried = z.infer<typeof OutboxRetried>;
