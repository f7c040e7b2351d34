// In-app channel: a row in the user's notification center, then a real-time nudge on the
// bus so every node's /user namespace can push it to the user's open sockets.
import { notifications, type Database } from '@lectern/db';
import type { EventBus } from '../../bus/EventBus.js';
import type { UserNotification } from '../../bus/topics.js';
import type { Clock } from '../../clock.js';
import type { Channel, OutboxRow, Rendered, SendOutcome } from '../types.js';

export const USER_NOTIFICATIONS_TOPIC = 'lectern:user-notifications' as const;
/** In-app notifications taken back (e.g. "Live now" once the session ended). */
export const USER_WITHDRAWN_TOPIC = 'lectern:user-notifications-withdrawn' as const;

export function createInAppChannel(deps: { db: Database; bus: EventBus; clock: Clock }): Channel {
  return {
    name: 'in_app',
    enabled: true,
    async send(row: OutboxRow, m: Rendered): Promise<SendOutcome> {
      if (!row.recipientId) return { status: 'skipped', reason: 'recipient has no account' };
      const data: Record<string, unknown> = {};
      if (typeof row.payload.sessionId === 'string') data.sessionId = row.payload.sessionId;
      // Idempotent: (event_key, user_id) is unique, so a re-sent row adds nothing.
      const [n] = await deps.db
        .insert(notifications)
        .values({
          userId: row.recipientId,
          eventKey: row.eventKey,
          type: row.eventType,
          title: m.title,
          body: m.body,
          urgent: m.urgent,
          link: m.link ?? null,
          data,
          createdAt: deps.clock.now(),
        })
        .onConflictDoNothing({ target: [notifications.eventKey, notifications.userId] })
        .returning();
      if (n) {
        const message: UserNotification = {
          userId: n.userId,
          notification: {
            id: n.id,
            type: n.type,
            title: n.title,
            body: n.body,
            urgent: n.urgent,
            createdAt: n.createdAt.toISOString(),
            ...(n.link ? { link: n.link } : {}),
          },
        };
        await deps.bus.publish(USER_NOTIFICATIONS_TOPIC, message);
      }
      return { status: 'sent' };
    },
    close: () => Promise.resolve(),
  };
}
