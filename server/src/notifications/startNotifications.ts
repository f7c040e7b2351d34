// Wires notifications into an API process: channels, the outbox dispatcher, the reminder
// scheduler (node-cron) and the /user socket namespace. Every API node runs all of them;
// SKIP LOCKED claims and unique keys keep deliveries exactly-once across nodes.
import { readFileSync } from 'node:fs';
import type { Server } from 'socket.io';
import type { NotificationChannel } from '@lectern/db';
import type { AppContext } from '../context.js';
import { createEmailChannel } from './channels/email.js';
import { createInAppChannel } from './channels/inApp.js';
import { createWebPushChannel } from './channels/webpush.js';
import { Dispatcher } from './Dispatcher.js';
import { ReminderScheduler } from './ReminderScheduler.js';
import type { Channel } from './types.js';
import { attachUserNamespace, type UserSocket } from './userSocket.js';
import { vapidKeysFor } from './vapid.js';

export function createChannels(ctx: AppContext): Record<NotificationChannel, Channel> {
  const n = ctx.config.notifications;
  return {
    in_app: createInAppChannel({ db: ctx.db, bus: ctx.bus, clock: ctx.clock }),
    email: createEmailChannel({ db: ctx.db, smtpUrl: n.smtpUrl, from: n.mailFrom, ...(n.smtpTlsCaFile ? { tlsCa: readFileSync(n.smtpTlsCaFile, 'utf8') } : {}) }),
    push: createWebPushChannel({ db: ctx.db, vapid: vapidKeysFor(ctx.config), logger: ctx.logger }),
  };
}

export async function createDispatcher(ctx: AppContext, channels: Record<NotificationChannel, Channel>, id?: string): Promise<Dispatcher> {
  const n = ctx.config.notifications;
  return Dispatcher.create({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    channels,
    publicUrl: ctx.config.publicUrl,
    leaseMs: n.outboxLeaseSeconds * 1000,
    maxAttempts: n.outboxMaxAttempts,
    backoffMs: n.outboxBackoffSeconds * 1000,
    ...(id ? { id } : {}),
  });
}

export interface NotificationsRuntime {
  dispatcher: Dispatcher;
  reminders: ReminderScheduler;
  userSocket: UserSocket | undefined;
  close(): Promise<void>;
}

export async function startNotifications(ctx: AppContext, opts: { io?: Server; background?: boolean } = {}): Promise<NotificationsRuntime> {
  const channels = createChannels(ctx);
  const dispatcher = await createDispatcher(ctx, channels);
  const reminders = await ReminderScheduler.create({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    defaultOffsets: ctx.config.notifications.reminderOffsetsMinutes,
  });
  const userSocket = opts.io ? await attachUserNamespace({ io: opts.io, bus: ctx.bus, tokens: ctx.tokens, accessGate: ctx.accessGate, logger: ctx.logger, db: ctx.db }) : undefined;
  if (opts.background ?? true) {
    dispatcher.start(ctx.config.notifications.outboxPollMs);
    reminders.start();
  }
  if (!channels.email.enabled) ctx.logger.info('email notifications are off (LECTERN_SMTP_URL is not set)');
  let closed = false;
  return {
    dispatcher,
    reminders,
    userSocket,
    close: async () => {
      if (closed) return;
      closed = true;
      await reminders.close();
      await dispatcher.close();
      await userSocket?.close();
      for (const c of Object.values(channels)) await c.close();
    },
  };
}
