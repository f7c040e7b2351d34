// Chat notifications through the outbox, in the transaction that makes the change:
// - chat.added: someone was added to a group;
// - chat.message: a new message, only for members who had read everything before it (so a
//   burst is one notification per conversation until they read) and are not looking at it;
// - mentions (`@Name` of a member): always, unless they are looking at the conversation.
// In-app and push only; chat mail is not sent per message.
import { and, eq, isNull } from 'drizzle-orm';
import { conversationMembers, users, type Executor } from '@lectern/db';
import type { AppContext } from '../context.js';
import type { CounterStore } from '../infra/counters.js';
import { enqueue } from '../notifications/outbox.js';

type ConversationLike = { id: string; kind: string; title: string };
const CHANNELS = ['in_app', 'push'] as const;
const VIEWING_SECONDS = 90;

const viewingKey = (userId: string, conversationId: string) => `chat:viewing:${userId}:${conversationId}`;

/** The client says which conversation is on screen (refreshed while it stays there). */
export async function setViewing(counters: CounterStore, userId: string, conversationId: string | null, previous: string | null): Promise<void> {
  if (previous && previous !== conversationId) await counters.reset(viewingKey(userId, previous));
  if (conversationId) await counters.hit(viewingKey(userId, conversationId), VIEWING_SECONDS);
}

async function notViewing(counters: CounterStore, userIds: string[], conversationId: string): Promise<string[]> {
  const seen = await Promise.all(userIds.map((u) => counters.peek(viewingKey(u, conversationId)).catch(() => null)));
  return userIds.filter((_, i) => seen[i] === null);
}

const link = (id: string) => `/chat/${id}`;
const nameOf = async (tx: Executor, id: string | null) => (id ? ((await tx.select({ name: users.name }).from(users).where(eq(users.id, id)))[0]?.name ?? 'Someone') : 'Lectern');

export async function notifyAdded(tx: Executor, conv: ConversationLike & { updatedAt?: Date }, actorId: string, userIds: readonly string[], now: Date): Promise<void> {
  const recipients = userIds.filter((id) => id !== actorId);
  if (recipients.length === 0) return;
  const actor = await nameOf(tx, actorId);
  await enqueue(tx, {
    eventKey: `chat.added:${conv.id}:${now.getTime().toString(36)}`,
    eventType: 'chat.added',
    payload: { title: `Added to ${conv.title}`, body: `${actor} added you to the group chat "${conv.title}".`, link: link(conv.id), topic: conv.id, conversationId: conv.id },
    recipientIds: recipients,
    channels: CHANNELS,
  });
}

export interface NewMessage {
  id: string;
  seq: number;
  text: string;
  authorId: string | null;
}

/** `known`: what the storing statement already read (author name, members who had read everything before). */
export async function notifyMessage(ctx: AppContext, tx: Executor, conv: ConversationLike, m: NewMessage, known: { authorName: string; caughtUp: string[] }): Promise<void> {
  if (!m.authorId) return;
  const hasMention = m.text.includes('@');
  if (known.caughtUp.length === 0 && !hasMention) return;
  const author = known.authorName;
  const where = conv.kind === 'direct' ? author : `${author} in ${conv.title}`;
  const preview = m.text.length > 140 ? `${m.text.slice(0, 139)}…` : m.text || 'sent a file';
  const fresh = await notViewing(ctx.counters, known.caughtUp, conv.id);
  await enqueue(tx, {
    eventKey: `chat.message:${conv.id}:${m.seq}`,
    eventType: 'chat.message',
    payload: { title: `New message from ${where}`, body: preview, link: link(conv.id), topic: conv.id, conversationId: conv.id },
    recipientIds: fresh,
    channels: CHANNELS,
  });
  if (!hasMention) return;
  const mentioned = await mentionedMembers(tx, conv.id, m.text, m.authorId);
  if (mentioned.length === 0) return;
  await enqueue(tx, {
    eventKey: `chat.mention:${m.id}`,
    eventType: 'chat.message',
    payload: { title: `${author} mentioned you${conv.kind === 'direct' ? '' : ` in ${conv.title}`}`, body: preview, link: link(conv.id), topic: `${conv.id}:mention`, conversationId: conv.id },
    recipientIds: await notViewing(ctx.counters, mentioned, conv.id),
    channels: CHANNELS,
  });
}

/** Members named after an `@` in the text (case-insensitive, whole name). */
export async function mentionedMembers(tx: Executor, conversationId: string, text: string, authorId: string): Promise<string[]> {
  if (!text.includes('@')) return [];
  const lower = text.toLowerCase();
  const rows = await tx
    .select({ id: users.id, name: users.name })
    .from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .where(and(eq(conversationMembers.conversationId, conversationId), isNull(conversationMembers.removedAt)));
  return rows
    .filter((r) => r.id !== authorId)
    .filter((r) => {
      const at = lower.indexOf(`@${r.name.toLowerCase()}`);
      if (at < 0) return false;
      const next = lower[at + 1 + r.name.length];
      return next === undefined || !/[\p{L}\p{N}]/u.test(next);
    })
    .map((r) => r.id);
}
