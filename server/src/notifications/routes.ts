// HTTP surface of notifications: the signed-in user's notification center, preferences
// and push subscriptions, the VAPID public key, and the admin view of the outbox.
import { and, count, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NOTIFICATION_CHANNELS, OUTBOX_STATUSES, notificationOutbox, notifications, pushSubscriptions } from '@lectern/db';
import type { AppContext } from '../context.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { IdParams } from '../http/schemas.js';
import { caller } from '../plugins/authPlugin.js';
import { getPreferences, updatePreferences } from './preferences.js';
import { EVENT_TYPES } from './types.js';
import { vapidKeysFor } from './vapid.js';

const ListQuery = z.object({
  unread: z.enum(['1', '0', 'true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** Paging: the id of the last notification of the previous page. */
  before: z.uuid().optional(),
});

const ChannelFlags = z.object(Object.fromEntries(NOTIFICATION_CHANNELS.map((c) => [c, z.boolean().optional()])) as Record<(typeof NOTIFICATION_CHANNELS)[number], z.ZodOptional<z.ZodBoolean>>).strict();
const PreferencesBody = z.object({
  preferences: z.partialRecord(z.enum(EVENT_TYPES), ChannelFlags),
});

const PushKeys = z.object({ p256dh: z.string().min(80).max(200).regex(/^[A-Za-z0-9_-]+=*$/), auth: z.string().min(16).max(64).regex(/^[A-Za-z0-9_-]+=*$/) });
const SubscribeBody = z.object({ endpoint: z.url().max(2000), keys: PushKeys, expirationTime: z.number().nullable().optional() });
const EndpointBody = z.object({ endpoint: z.url().max(2000) });

const OutboxQuery = z.object({
  status: z.enum(OUTBOX_STATUSES).default('dead'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const toDto = (n: typeof notifications.$inferSelect) => ({
  id: n.id,
  type: n.type,
  title: n.title,
  body: n.body,
  urgent: n.urgent,
  link: n.link,
  data: n.data,
  read: n.readAt !== null,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
});

/** In production a push endpoint must be a public https URL (no requests into the LAN). */
function checkEndpoint(ctx: AppContext, endpoint: string): void {
  const url = new URL(endpoint);
  if (ctx.config.env !== 'production') return;
  const h = url.hostname;
  const local = h === 'localhost' || /^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|0\.)/.test(h) || h.startsWith('[');
  if (url.protocol !== 'https:' || local) throw new ValidationError('endpoint must be a public https URL of a push service');
}

export async function notificationRoutes(app: FastifyInstance, { ctx }: { ctx: AppContext }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db } = ctx;
  const tags = ['notifications'];

  r.get('/api/me/notifications', { schema: { tags, summary: 'My in-app notifications, newest first', querystring: ListQuery }, onRequest: app.requireAuth }, async (request) => {
    const me = caller(request).userId;
    const { unread, limit, before } = request.query;
    let cursor;
    if (before) {
      const [b] = await db.select().from(notifications).where(and(eq(notifications.id, before), eq(notifications.userId, me)));
      if (!b) throw new NotFoundError('Unknown paging cursor');
      cursor = or(lt(notifications.createdAt, b.createdAt), and(eq(notifications.createdAt, b.createdAt), lt(notifications.id, b.id)));
    }
    const rows = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, me), unread === '1' || unread === 'true' ? isNull(notifications.readAt) : undefined, cursor))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(limit);
    return rows.map(toDto);
  });

  r.get('/api/me/notifications/unread-count', { schema: { tags, summary: 'How many of my notifications are unread' }, onRequest: app.requireAuth }, async (request) => {
    const [row] = await db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, caller(request).userId), isNull(notifications.readAt)));
    return { count: Number(row?.n ?? 0) };
  });

  r.post('/api/me/notifications/:id/read', { schema: { tags, summary: 'Mark one notification read', params: IdParams }, onRequest: app.requireAuth }, async (request) => {
    const me = caller(request).userId;
    const now = ctx.clock.now();
    const [row] = await db
      .update(notifications)
      .set({ readAt: now })
      .where(and(eq(notifications.id, request.params.id), eq(notifications.userId, me), isNull(notifications.readAt)))
      .returning();
    if (row) return toDto(row);
    const [existing] = await db.select().from(notifications).where(and(eq(notifications.id, request.params.id), eq(notifications.userId, me)));
    if (!existing) throw new NotFoundError('Notification not found');
    return toDto(existing);
  });

  r.post('/api/me/notifications/read-all', { schema: { tags, summary: 'Mark all my notifications read' }, onRequest: app.requireAuth }, async (request) => {
    const rows = await db
      .update(notifications)
      .set({ readAt: ctx.clock.now() })
      .where(and(eq(notifications.userId, caller(request).userId), isNull(notifications.readAt)))
      .returning({ id: notifications.id });
    return { updated: rows.length };
  });

  r.get('/api/me/notification-preferences', { schema: { tags, summary: 'My channels per event type (default: all on)' }, onRequest: app.requireAuth }, async (request) => ({
    eventTypes: EVENT_TYPES,
    channels: NOTIFICATION_CHANNELS,
    preferences: await getPreferences(db, caller(request).userId),
  }));

  r.put(
    '/api/me/notification-preferences',
    { schema: { tags, summary: 'Switch channels on or off per event type (partial update)', body: PreferencesBody }, onRequest: app.requireAuth },
    async (request) => ({
      eventTypes: EVENT_TYPES,
      channels: NOTIFICATION_CHANNELS,
      preferences: await updatePreferences(db, caller(request).userId, request.body.preferences, ctx.clock.now()),
    }),
  );

  r.get('/api/push/vapid-public-key', { schema: { tags, summary: 'The VAPID application server key for PushManager.subscribe', security: [] } }, () => ({
    publicKey: vapidKeysFor(ctx.config).publicKey,
  }));

  r.post('/api/me/push-subscriptions', { schema: { tags, summary: 'Subscribe this device to Web Push', body: SubscribeBody }, onRequest: app.requireAuth }, async (request, reply) => {
    const me = caller(request).userId;
    const { endpoint, keys } = request.body;
    checkEndpoint(ctx, endpoint);
    const now = ctx.clock.now();
    const userAgent = request.headers['user-agent']?.slice(0, 300) ?? null;
    // One row per endpoint: a device that changes hands follows its newest signed-in user.
    const [row] = await db
      .insert(pushSubscriptions)
      .values({ userId: me, endpoint, p256dh: keys.p256dh, auth: keys.auth, userAgent, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId: me, p256dh: keys.p256dh, auth: keys.auth, userAgent, updatedAt: now } })
      .returning({ id: pushSubscriptions.id });
    return reply.status(201).send({ id: row!.id });
  });

  r.delete('/api/me/push-subscriptions', { schema: { tags, summary: 'Unsubscribe a device (by endpoint)', body: EndpointBody }, onRequest: app.requireAuth }, async (request, reply) => {
    await db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, caller(request).userId), eq(pushSubscriptions.endpoint, request.body.endpoint)));
    return reply.status(204).send();
  });

  r.get('/api/admin/outbox', { schema: { tags, summary: 'Outbox rows by status (default: dead letters)', querystring: OutboxQuery }, onRequest: app.requireRole('admin') }, async (request) => {
    const rows = await db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.status, request.query.status))
      .orderBy(desc(notificationOutbox.updatedAt))
      .limit(request.query.limit);
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
  });

  r.post('/api/admin/outbox/:id/retry', { schema: { tags, summary: 'Send a dead-lettered row again', params: IdParams }, onRequest: app.requireRole('admin') }, async (request) => {
    const [row] = await db
      .update(notificationOutbox)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: null, lastError: null, updatedAt: ctx.clock.now() })
      .where(and(eq(notificationOutbox.id, request.params.id), eq(notificationOutbox.status, 'dead')))
      .returning({ id: notificationOutbox.id });
    if (!row) throw new NotFoundError('No dead-lettered row with this id');
    return { id: row.id, status: 'pending' };
  });
}
