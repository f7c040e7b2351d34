// Chat messages: send (gap-free per-conversation sequence numbers assigned in the storing
// transaction; a resend with the same clientId returns the stored message), history by
// cursor, edit, soft delete, threads, reactions, pins, read positions, search.
import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { chatAttachments, conversationMembers, conversations, messagePins, messageReactions, messages, rowsOf, users, type Executor } from '@lectern/db';
import type { AppContext } from '../context.js';
import { AppError, ForbiddenError, NotFoundError, TooManyRequestsError, ValidationError } from '../errors.js';
import type { HistoryQuery, Message } from './contract.js';
import { insertText, type Stored } from './groupCommit.js';
import { deliver } from './live.js';
import { notifyMessage } from './notify.js';
import { activeMembers, assertMember } from './service.js';

type MessageRow = typeof messages.$inferSelect;

/** Per-user send rate: 10 a second sustained (100 per 10 s), bursts of 20 in one second. */
export const SEND_RATE = { perSecond: 20, per10Seconds: 100 };

export async function messageDtos(tx: Executor, rows: MessageRow[]): Promise<Message[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [reactions, replies, files, pins] = await Promise.all([
    tx.select().from(messageReactions).where(inArray(messageReactions.messageId, ids)).orderBy(asc(messageReactions.createdAt)),
    tx.select({ parentId: messages.parentId, n: sql<number>`count(*)::int` }).from(messages).where(and(inArray(messages.parentId, ids), isNull(messages.deletedAt))).groupBy(messages.parentId),
    tx.select().from(chatAttachments).where(inArray(chatAttachments.messageId, ids)).orderBy(asc(chatAttachments.createdAt)),
    tx.select({ id: messagePins.messageId }).from(messagePins).where(inArray(messagePins.messageId, ids)),
  ]);
  const pinned = new Set(pins.map((p) => p.id));
  return rows.map((r) => {
    const deleted = r.deletedAt !== null;
    const byEmoji = new Map<string, string[]>();
    for (const x of reactions) if (x.messageId === r.id) byEmoji.set(x.emoji, [...(byEmoji.get(x.emoji) ?? []), x.userId]);
    return {
      id: r.id,
      conversationId: r.conversationId,
      seq: r.seq,
      text: deleted ? '' : r.text,
      authorId: r.authorId,
      clientId: r.clientId,
      parentId: r.parentId,
      kind: r.kind,
      meta: deleted ? {} : r.meta,
      attachments: deleted
        ? []
        : files.filter((f) => f.messageId === r.id).map((f) => ({ id: f.id, fileName: f.fileName, contentType: f.contentType, sizeBytes: f.sizeBytes, url: `/api/chats/${r.conversationId}/files/${f.id}` })),
      reactions: deleted ? [] : [...byEmoji].map(([emoji, userIds]) => ({ emoji, userIds })),
      replyCount: Number(replies.find((x) => x.parentId === r.id)?.n ?? 0),
      pinned: pinned.has(r.id),
      createdAt: r.createdAt.toISOString(),
      editedAt: r.editedAt?.toISOString() ?? null,
      deletedAt: r.deletedAt?.toISOString() ?? null,
    };
  });
}

export async function messageDto(tx: Executor, row: MessageRow): Promise<Message> {
  return (await messageDtos(tx, [row]))[0]!;
}

async function rateLimit(ctx: AppContext, userId: string): Promise<void> {
  const sec = Math.floor(ctx.clock.now().getTime() / 1000);
  const [a, b] = await Promise.all([ctx.counters.hit(`chat:send:${userId}:${sec}`, 2), ctx.counters.hit(`chat:send10:${userId}:${Math.floor(sec / 10)}`, 11)]);
  if (a.count > SEND_RATE.perSecond || b.count > SEND_RATE.per10Seconds) throw new TooManyRequestsError(1, 'You are sending messages too fast; wait a moment');
}

async function byClientId(tx: Executor, conversationId: string, authorId: string, clientId: string): Promise<MessageRow | undefined> {
  const [row] = await tx.select().from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.authorId, authorId), eq(messages.clientId, clientId)));
  return row;
}

export interface SendInput {
  text?: string;
  clientId?: string;
  parentId?: string;
  attachmentIds?: string[];
}

/** Postgres unique violation (23505), wherever the driver put it. */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) if ((e as { code?: unknown }).code === '23505') return true;
  return false;
}

/** A fresh message has no reactions, replies or pins: its DTO needs no queries. */
function freshDto(m: MessageRow, attachments: Message['attachments']): Message {
  return {
    id: m.id, conversationId: m.conversationId, seq: m.seq, text: m.text, authorId: m.authorId, clientId: m.clientId, parentId: m.parentId, kind: m.kind, meta: m.meta,
    attachments, reactions: [], replyCount: 0, pinned: false, createdAt: m.createdAt.toISOString(), editedAt: null, deletedAt: null,
  };
}


/**
 * Stores one message from a member (idempotent per clientId) and delivers it live.
 * ONE statement, committed on its own, checks membership, takes the next sequence number
 * (UPDATE ... RETURNING feeding the INSERT) and reads who to deliver and notify, so the
 * conversation row stays locked only while Postgres runs and commits it (no round trip to
 * this process while locked); while one is in flight, later messages of the conversation
 * are stored together by one such statement (./groupCommit.ts). A duplicate clientId fails the statement as a whole (no seq
 * is used up) and the stored message is returned instead. A message with files claims
 * them in the same transaction. Notifications are written right after the message
 * commits (a crash in between loses a notification, never a message).
 */
export async function sendMessage(ctx: AppContext, userId: string, conversationId: string, input: SendInput): Promise<{ message: Message; created: boolean }> {
  const text = (input.text ?? '').trim();
  const files = [...new Set(input.attachmentIds ?? [])];
  if (!text && files.length === 0) throw new ValidationError('A message needs text or a file');
  if (text.length > 4000) throw new ValidationError('A message is at most 4000 characters');
  const stored = async () => {
    const prior = input.clientId ? await byClientId(ctx.db, conversationId, userId, input.clientId) : undefined;
    return prior ? { message: await messageDto(ctx.db, prior), created: false } : undefined;
  };
  await rateLimit(ctx, userId);
  const parentId = input.parentId ? await threadRoot(ctx.db, conversationId, input.parentId) : null;
  const now = ctx.clock.now();
  const id = randomUUID();
  const at = now.toISOString();
  const insert = sql`
    with c as (
      update ${conversations} set last_seq = last_seq + 1, updated_at = ${at}::timestamptz
      where id = ${conversationId}
        and exists (select 1 from ${conversationMembers} where conversation_id = ${conversationId} and user_id = ${userId} and removed_at is null)
      returning last_seq, kind, title
    ), m as (
      insert into ${messages} (id, conversation_id, seq, author_id, client_id, parent_id, text, kind, created_at)
      select ${id}::uuid, ${conversationId}::uuid, c.last_seq, ${userId}::uuid, ${input.clientId ?? null}::text, ${parentId}::uuid, ${text}::text, 'text', ${at}::timestamptz from c
      returning seq
    )
    select m.seq, c.kind, c.title,
      (select name from ${users} where id = ${userId}) as author_name,
      (select coalesce(string_agg(user_id::text, ','), '') from ${conversationMembers} where conversation_id = ${conversationId} and removed_at is null) as members,
      (select coalesce(string_agg(user_id::text, ','), '') from ${conversationMembers}
        where conversation_id = ${conversationId} and removed_at is null and user_id <> ${userId} and last_read_seq >= m.seq - 1) as caught_up
    from m, c`;
  let res: Stored | undefined;
  try {
    if (files.length === 0) {
      const single = async () => rowsOf<Stored>(await ctx.db.execute(insert))[0];
      res = await insertText(ctx, conversationId, { id, authorId: userId, clientId: input.clientId ?? null, parentId, text, at, single });
    } else {
      res = await ctx.db.transaction(async (tx) => {
        const r = rowsOf<Stored>(await tx.execute(insert))[0];
        if (!r) return undefined;
        const claimed = await tx
          .update(chatAttachments)
          .set({ messageId: id })
          .where(and(inArray(chatAttachments.id, files), eq(chatAttachments.conversationId, conversationId), eq(chatAttachments.uploaderId, userId), isNull(chatAttachments.messageId)))
          .returning({ id: chatAttachments.id });
        if (claimed.length !== files.length) throw new ValidationError('Unknown or already used attachment');
        return r;
      });
    }
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const again = await stored();
    if (!again) throw new AppError('conflict', 'Message could not be stored; retry', 409);
    return again;
  }
  if (!res) throw new NotFoundError('Conversation not found');
  const row: MessageRow = { id, conversationId, seq: Number(res.seq), authorId: userId, clientId: input.clientId ?? null, parentId, text, kind: 'text', meta: {}, editedAt: null, deletedAt: null, createdAt: now };
  const message = files.length > 0 ? await messageDto(ctx.db, row) : freshDto(row, []);
  const split = (s: string) => (s ? s.split(',') : []);
  deliver(ctx, split(res.members), 'message', message);
  if (parentId) {
    // The thread root's reply count changed.
    const [root] = await ctx.db.select().from(messages).where(eq(messages.id, parentId));
    if (root) deliver(ctx, split(res.members), 'messageUpdated', await messageDto(ctx.db, root));
  }
  await notifyMessage(ctx, ctx.db, { id: conversationId, kind: res.kind, title: res.title }, row, { authorName: res.author_name ?? 'Someone', caughtUp: split(res.caught_up) }).catch((err: unknown) =>
    ctx.logger.warn({ err, conversationId }, 'chat notification not written'),
  );
  return { message, created: true };
}

/** Replies attach to the thread's root (one level of threads). */
async function threadRoot(tx: Executor, conversationId: string, parentId: string): Promise<string> {
  const [p] = await tx.select({ id: messages.id, parentId: messages.parentId }).from(messages).where(and(eq(messages.id, parentId), eq(messages.conversationId, conversationId)));
  if (!p) throw new ValidationError('The message replied to is not in this conversation');
  return p.parentId ?? p.id;
}

/** A message from Lectern itself (kind 'system' or 'call', optional meta), delivered live like any other. For the calls feature. */
export async function postSystemMessage(
  ctx: AppContext,
  conversationId: string,
  input: { kind: 'system' | 'call'; text: string; meta?: Record<string, unknown>; authorId?: string },
): Promise<Message> {
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    const [conv] = await tx.update(conversations).set({ lastSeq: sql`${conversations.lastSeq} + 1`, updatedAt: now }).where(eq(conversations.id, conversationId)).returning();
    if (!conv) throw new NotFoundError('Conversation not found');
    const [m] = await tx
      .insert(messages)
      .values({ conversationId, seq: conv.lastSeq, authorId: input.authorId ?? null, text: input.text.slice(0, 4000), kind: input.kind, meta: input.meta ?? {}, createdAt: now })
      .returning();
    return m!;
  });
  const message = await messageDto(ctx.db, row);
  deliver(ctx, await activeMembers(ctx.db, conversationId), 'message', message);
  return message;
}

/** Updates a system/call message's meta (e.g. a call ended). */
export async function updateSystemMessage(ctx: AppContext, messageId: string, patch: { text?: string; meta?: Record<string, unknown> }): Promise<Message> {
  const [row] = await ctx.db
    .update(messages)
    .set({ ...(patch.text !== undefined ? { text: patch.text } : {}), ...(patch.meta ? { meta: patch.meta } : {}), editedAt: ctx.clock.now() })
    .where(and(eq(messages.id, messageId), sql`${messages.kind} <> 'text'`))
    .returning();
  if (!row) throw new NotFoundError('Message not found');
  const message = await messageDto(ctx.db, row);
  deliver(ctx, await activeMembers(ctx.db, row.conversationId), 'messageUpdated', message);
  return message;
}

/** History, oldest first: after a seq, before a seq, or the latest page. */
export async function listMessages(ctx: AppContext, userId: string, conversationId: string, q: Pick<HistoryQuery, 'after' | 'before' | 'limit' | 'parentId'>): Promise<Message[]> {
  await assertMember(ctx, conversationId, userId);
  const conds: (SQL | undefined)[] = [eq(messages.conversationId, conversationId), q.parentId ? eq(messages.parentId, q.parentId) : undefined];
  let rows: MessageRow[];
  if (q.after !== undefined) {
    rows = await ctx.db.select().from(messages).where(and(...conds, gt(messages.seq, q.after))).orderBy(asc(messages.seq)).limit(q.limit);
  } else {
    rows = await ctx.db.select().from(messages).where(and(...conds, q.before !== undefined ? lt(messages.seq, q.before) : undefined)).orderBy(desc(messages.seq)).limit(q.limit);
    rows.reverse();
  }
  return messageDtos(ctx.db, rows);
}

async function ownMessage(ctx: AppContext, userId: string, conversationId: string, messageId: string, allowAdmin: boolean, role: string): Promise<MessageRow> {
  await assertMember(ctx, conversationId, userId);
  const [row] = await ctx.db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId)));
  if (!row) throw new NotFoundError('Message not found');
  if (row.authorId !== userId && !(allowAdmin && role === 'admin')) throw new ForbiddenError('Only the author can change this message');
  if (row.deletedAt) throw new NotFoundError('Message was deleted');
  return row;
}

async function updated(ctx: AppContext, row: MessageRow): Promise<Message> {
  const message = await messageDto(ctx.db, row);
  deliver(ctx, await activeMembers(ctx.db, row.conversationId), 'messageUpdated', message);
  return message;
}

export async function editMessage(ctx: AppContext, who: { userId: string; role: string }, conversationId: string, messageId: string, text: string): Promise<Message> {
  const row = await ownMessage(ctx, who.userId, conversationId, messageId, false, who.role);
  if (row.kind !== 'text') throw new ForbiddenError('Only text messages can be edited');
  const [next] = await ctx.db.update(messages).set({ text, editedAt: ctx.clock.now() }).where(eq(messages.id, row.id)).returning();
  return updated(ctx, next!);
}

/** Soft delete: the row stays (its seq keeps the sequence gap-free), shown as "message deleted". */
export async function deleteMessage(ctx: AppContext, who: { userId: string; role: string }, conversationId: string, messageId: string): Promise<Message> {
  const row = await ownMessage(ctx, who.userId, conversationId, messageId, true, who.role);
  const [next] = await ctx.db.transaction(async (tx) => {
    await tx.delete(messagePins).where(eq(messagePins.messageId, row.id));
    return tx.update(messages).set({ deletedAt: ctx.clock.now() }).where(eq(messages.id, row.id)).returning();
  });
  return updated(ctx, next!);
}

async function memberMessage(ctx: AppContext, userId: string, conversationId: string, messageId: string): Promise<MessageRow> {
  await assertMember(ctx, conversationId, userId);
  const [row] = await ctx.db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.conversationId, conversationId), isNull(messages.deletedAt)));
  if (!row) throw new NotFoundError('Message not found');
  return row;
}

export async function toggleReaction(ctx: AppContext, userId: string, conversationId: string, messageId: string, emoji: string) {
  await memberMessage(ctx, userId, conversationId, messageId);
  const key = and(eq(messageReactions.messageId, messageId), eq(messageReactions.userId, userId), eq(messageReactions.emoji, emoji));
  const removed = await ctx.db.delete(messageReactions).where(key).returning();
  if (removed.length === 0) await ctx.db.insert(messageReactions).values({ messageId, userId, emoji, createdAt: ctx.clock.now() }).onConflictDoNothing();
  const rows = await ctx.db.select({ userId: messageReactions.userId }).from(messageReactions).where(and(eq(messageReactions.messageId, messageId), eq(messageReactions.emoji, emoji))).orderBy(asc(messageReactions.createdAt));
  const result = { messageId, emoji, userIds: rows.map((r) => r.userId), added: removed.length === 0 };
  deliver(ctx, await activeMembers(ctx.db, conversationId), 'reaction', { conversationId, messageId, emoji, userIds: result.userIds });
  return result;
}

export async function setPin(ctx: AppContext, userId: string, conversationId: string, messageId: string, pinned: boolean) {
  await memberMessage(ctx, userId, conversationId, messageId);
  if (pinned) await ctx.db.insert(messagePins).values({ conversationId, messageId, pinnedBy: userId, pinnedAt: ctx.clock.now() }).onConflictDoNothing();
  else await ctx.db.delete(messagePins).where(and(eq(messagePins.conversationId, conversationId), eq(messagePins.messageId, messageId)));
  deliver(ctx, await activeMembers(ctx.db, conversationId), 'pin', { conversationId, messageId, pinned });
  return { messageId, pinned };
}

export async function listPins(ctx: AppContext, userId: string, conversationId: string): Promise<Message[]> {
  await assertMember(ctx, conversationId, userId);
  const rows = await ctx.db
    .select({ m: messages })
    .from(messagePins)
    .innerJoin(messages, eq(messages.id, messagePins.messageId))
    .where(and(eq(messagePins.conversationId, conversationId), isNull(messages.deletedAt)))
    .orderBy(desc(messagePins.pinnedAt));
  return messageDtos(ctx.db, rows.map((r) => r.m));
}

/** Moves the caller's read position forward (never back, never past the last message). */
export async function markRead(ctx: AppContext, userId: string, conversationId: string, seq: number): Promise<{ lastReadSeq: number }> {
  const conv = await assertMember(ctx, conversationId, userId);
  const target = Math.min(seq, conv.lastSeq);
  const [row] = await ctx.db
    .update(conversationMembers)
    .set({ lastReadSeq: sql`greatest(${conversationMembers.lastReadSeq}, ${target})` })
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId)))
    .returning({ lastReadSeq: conversationMembers.lastReadSeq });
  const lastReadSeq = row?.lastReadSeq ?? 0;
  if (lastReadSeq === target) deliver(ctx, await activeMembers(ctx.db, conversationId), 'read', { conversationId, userId, lastReadSeq });
  return { lastReadSeq };
}

/** Full-text search (Postgres `simple` configuration) over the caller's conversations. */
export async function searchMessages(ctx: AppContext, userId: string, q: string, limit: number): Promise<(Message & { conversationTitle: string })[]> {
  const rows = await ctx.db
    .select({ m: messages, title: conversations.title })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(conversationMembers, and(eq(conversationMembers.conversationId, messages.conversationId), eq(conversationMembers.userId, userId), isNull(conversationMembers.removedAt)))
    .where(and(isNull(messages.deletedAt), sql`to_tsvector('simple', ${messages.text}) @@ plainto_tsquery('simple', ${q})`))
    .orderBy(desc(messages.createdAt))
    .limit(limit);
  const dtos = await messageDtos(ctx.db, rows.map((r) => r.m));
  return dtos.map((d, i) => ({ ...d, conversationTitle: rows[i]!.title }));
}
