// Chat email: never one mail per message, only an hourly digest of unread messages for
// users who switched email on for "chat.message" in their notification settings (off by
// default). One outbox row per user per hour (the key collapses repeats across nodes).
import cron, { type ScheduledTask } from 'node-cron';
import { and, eq, sql } from 'drizzle-orm';
import { notificationPreferences, type Executor } from '@lectern/db';
import type { AppContext } from '../context.js';
import { rowsOf } from '@lectern/db';
import { enqueue } from '../notifications/outbox.js';

/** Messages newer than this are left for the in-app and push notifications. */
const QUIET_MINUTES = 15;

interface Unread {
  user_id: string;
  conversation_id: string;
  title: string;
  kind: string;
  unread: number;
}

/** Enqueues this hour's digests; returns how many users got one. */
export async function runChatDigest(ctx: AppContext, db: Executor = ctx.db): Promise<number> {
  const now = ctx.clock.now();
  const quietBefore = new Date(now.getTime() - QUIET_MINUTES * 60_000).toISOString();
  const optedIn = await db
    .select({ userId: notificationPreferences.userId })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.eventType, 'chat.message'), eq(notificationPreferences.channel, 'email'), eq(notificationPreferences.enabled, true)));
  if (optedIn.length === 0) return 0;
  const ids = optedIn.map((r) => r.userId);
  const rows = rowsOf<Unread>(
    await db.execute(sql`
      select cm.user_id, c.id as conversation_id, c.title, c.kind, count(m.id)::int as unread
      from conversation_members cm
      join conversations c on c.id = cm.conversation_id
      join messages m on m.conversation_id = c.id and m.seq > cm.last_read_seq and m.deleted_at is null
        and m.author_id is distinct from cm.user_id and m.created_at <= ${quietBefore}::timestamptz
      where cm.removed_at is null and cm.user_id in (${sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `)})
      group by cm.user_id, c.id, c.title, c.kind`),
  );
  const byUser = new Map<string, Unread[]>();
  for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
  const hour = now.toISOString().slice(0, 13);
  for (const [userId, list] of byUser) {
    const total = list.reduce((n, r) => n + Number(r.unread), 0);
    const lines = list.map((r) => `${r.kind === 'direct' ? 'A direct conversation' : r.title}: ${r.unread} unread`).join('\n');
    await enqueue(db, {
      eventKey: `chat.digest:${userId}:${hour}`,
      eventType: 'chat.message',
      payload: { title: `${total} unread chat message${total === 1 ? '' : 's'}`, body: lines, link: '/chat' },
      recipientIds: [userId],
      channels: ['email'],
    });
  }
  return byUser.size;
}

/** Hourly on every API node (the outbox key makes it once per user per hour). */
export function startChatDigest(ctx: AppContext): () => Promise<void> {
  const log = ctx.logger.child({ component: 'chat-digest' });
  const task: ScheduledTask = cron.schedule('7 * * * *', () => {
    runChatDigest(ctx).then(
      (n) => n > 0 && log.info({ users: n }, 'chat digests enqueued'),
      (err: unknown) => log.error({ err }, 'chat digest failed'),
    );
  }, { name: 'lectern-chat-digest', noOverlap: true });
  return async () => {
    await task.destroy();
  };
}
