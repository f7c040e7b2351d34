// HTTP surface of notifications: the signed-in user's notification center, preferences
// and push subscriptions, the VAPID public key, and the admin view of the outbox. Bodies
// and answers are the contract's; the SQL lives in the services.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NOTIFICATION_CHANNELS } from '@lectern/db';
import { IdParams, NoContent } from '../http/contract.js';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { listNotifications, markAllRead, markRead, unreadCount } from './center.js';
import {
  AppNotification,
  EndpointBody,
  NotificationListQuery,
  NotificationPreferences,
  OutboxEntry,
  OutboxQuery,
  OutboxRetried,
  type PreferenceMatrix,
  PreferencesBody,
  PushSubscriptionCreated,
  ReadAllResult,
  SubscribeBody,
  UnreadCount,
  VapidPublicKey,
} from './contract.js';
import { listOutbox, retryDead } from './outbox.js';
import { getPreferences, updatePreferences } from './preferences.js';
import { checkPushEndpoint, deletePushSubscription, savePushSubscription } from './pushSubscriptions.js';
import { EVENT_TYPES } from './types.js';
import { vapidKeysFor } from './vapid.js';

const withVocabulary = (preferences: PreferenceMatrix): NotificationPreferences => ({ eventTypes: [...EVENT_TYPES], channels: [...NOTIFICATION_CHANNELS], preferences });

export async function notificationRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;
  const tags = ['notifications'];
  const me = (request: Parameters<typeof caller>[0]) => caller(request).userId;

  r.get(
    '/api/me/notifications',
    { schema: { tags, summary: 'My in-app notifications, newest first', querystring: NotificationListQuery, response: { 200: z.array(AppNotification) } }, onRequest: app.requireAuth },
    async (request) => listNotifications(db, me(request), request.query),
  );

  r.get(
    '/api/me/notifications/unread-count',
    { schema: { tags, summary: 'How many of my notifications are unread', response: { 200: UnreadCount } }, onRequest: app.requireAuth },
    async (request) => ({ count: await unreadCount(db, me(request)) }),
  );

  r.post(
    '/api/me/notifications/:id/read',
    { schema: { tags, summary: 'Mark one notification read', params: IdParams, response: { 200: AppNotification } }, onRequest: app.requireAuth },
    async (request) => markRead(db, me(request), request.params.id, clock.now()),
  );

  r.post(
    '/api/me/notifications/read-all',
    { schema: { tags, summary: 'Mark all my notifications read', response: { 200: ReadAllResult } }, onRequest: app.requireAuth },
    async (request) => ({ updated: await markAllRead(db, me(request), clock.now()) }),
  );

  r.get(
    '/api/me/notification-preferences',
    { schema: { tags, summary: 'My channels per event type (default: all on)', response: { 200: NotificationPreferences } }, onRequest: app.requireAuth },
    async (request) => withVocabulary(await getPreferences(db, me(request))),
  );

  r.put(
    '/api/me/notification-preferences',
    {
      schema: { tags, summary: 'Switch channels on or off per event type (partial update)', body: PreferencesBody, response: { 200: NotificationPreferences } },
      onRequest: app.requireAuth,
    },
    async (request) => withVocabulary(await updatePreferences(db, me(request), request.body.preferences, clock.now())),
  );

  r.get(
    '/api/push/vapid-public-key',
    { schema: { tags, summary: 'The VAPID application server key for PushManager.subscribe', security: [], response: { 200: VapidPublicKey } } },
    () => ({ publicKey: vapidKeysFor(ctx.config).publicKey }),
  );

  r.post(
    '/api/me/push-subscriptions',
    { schema: { tags, summary: 'Subscribe this device to Web Push', body: SubscribeBody, response: { 201: PushSubscriptionCreated } }, onRequest: app.requireAuth },
    async (request, reply) => {
      await checkPushEndpoint(request.body.endpoint, { allowPrivate: ctx.config.notifications.pushAllowPrivateEndpoints });
      const userAgent = request.headers['user-agent']?.slice(0, 300) ?? null;
      const id = await savePushSubscription(db, me(request), request.body, userAgent, clock.now());
      return reply.status(201).send({ id });
    },
  );

  r.delete(
    '/api/me/push-subscriptions',
    { schema: { tags, summary: 'Unsubscribe a device (by endpoint)', body: EndpointBody, response: { 204: NoContent } }, onRequest: app.requireAuth },
    async (request, reply) => {
      await deletePushSubscription(db, me(request), request.body.endpoint);
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/admin/outbox',
    { schema: { tags, summary: 'Outbox rows by status (default: dead letters)', querystring: OutboxQuery, response: { 200: z.array(OutboxEntry) } }, onRequest: app.requireRole('admin') },
    async (request) => listOutbox(db, request.query),
  );

  r.post(
    '/api/admin/outbox/:id/retry',
    { schema: { tags, summary: 'Send a dead-lettered row again', params: IdParams, response: { 200: OutboxRetried } }, onRequest: app.requireRole('admin') },
    async (request) => {
      await retryDead(db, request.params.id, clock.now());
      return { id: request.params.id, status: 'pending' as const };
    },
  );
}
