// The notification center: a user's in-app notifications (list, unread count, mark read).
import { and, count, desc, eq, isNull, lt, or } from 'drizzle-orm';
import { notifications, type Database } from '@lectern/db';
import { NotFoundError } from '../errors.js';
import type { AppNotification, NotificationListQuery } from './contract.js';

export const toNotificationDto = (n: typeof notifications.$inferSelect): AppNotification => ({
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

/** Newest first; `before` pages on (createdAt, id) of a notification of this user. */
export async function listNotifications(db: Database, userId: string, { unread, limit, before }: NotificationListQuery): Promise<AppNotification[]> {
  let cursor;
  if (before) {
    const [b] = await db.select().from(notifications).where(and(eq(notifications.id, before), eq(notifications.userId, userId)));
    if (!b) throw new NotFoundError('Unknown paging cursor');
    cursor = or(lt(notifications.createdAt, b.createdAt), and(eq(notifications.createdAt, b.createdAt), lt(notifications.id, b.id)));
  }
  const rows = await db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), unread === '1' || unread === 'true' ? isNull(notifications.readAt) : undefined, cursor))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
  return rows.map(toNotificationDto);
}

export async function unreadCount(db: Database, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

/** Marks one notification read (once: a second call keeps the first readAt). */
export async function markRead(db: Database, userId: string, id: string, now: Date): Promise<AppNotification> {
  const [row] = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning();
  if (row) return toNotificationDto(row);
  const [existing] = await db.select().from(notifications).where(and(eq(notifications.id, id), eq(notifications.userId, userId)));
  if (!existing) throw new NotFoundError('Notification not found');
  return toNotificationDto(existing);
}

/** Returns how many were unread. */
export async function markAllRead(db: Database, userId: string, now: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
