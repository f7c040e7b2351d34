// Chat conversations: kinds, membership and the small API other features call.
// For the calls feature (and anyone else):
//   getConversation(ctx, id)                 -> the row, or 404
//   assertMember(ctx, conversationId, userId) -> 404 unless an active member (no existence leak)
//   membersOf(ctx, conversationId)            -> active member user ids
//   sessionConversation(ctx, sessionId)       -> the session's conversation (created on first use, members synced)
//   postSystemMessage(ctx, conversationId, {kind, text, meta}) -> the stored message, delivered live
//   updateSystemMessage(ctx, messageId, {text?, meta?})     -> e.g. mark a call message ended
//   openDirect(ctx, who, otherUserId)         -> the pair's conversation
//   deliver(ctx, userIds, event, payload)     -> a live /chat event to these users on every node
// (the message functions live in ./messages.ts and are re-exported here)
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { conversationMembers, conversations, enrolments, sessionCohosts, sessionInvitees, users, type Executor } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { getSessionRow, viewableSession, type SessionRow } from '../sessions/sessionAccess.js';
import { assertMayCreateGroup, assertMayReach } from './access.js';
import type { Conversation, ConversationSummary, Member } from './contract.js';
import { deliver } from './live.js';
import { notifyAdded } from './notify.js';

export { postSystemMessage, sendMessage, updateSystemMessage } from './messages.js';
export { deliver } from './live.js';

export type ConversationRow = typeof conversations.$inferSelect;

/** The conversation row, or 404. */
export async function getConversation(ctx: AppContext, id: string, tx: Executor = ctx.db): Promise<ConversationRow> {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, id));
  if (!row) throw new NotFoundError('Conversation not found');
  return row;
}

/** 404 (the same answer as an unknown id) unless `userId` is an active member. */
export async function assertMember(ctx: AppContext, conversationId: string, userId: string, tx: Executor = ctx.db): Promise<ConversationRow> {
  const [row] = await tx
    .select({ c: conversations })
    .from(conversations)
    .innerJoin(conversationMembers, and(eq(conversationMembers.conversationId, conversations.id), eq(conversationMembers.userId, userId), isNull(conversationMembers.removedAt)))
    .where(eq(conversations.id, conversationId));
  if (!row) throw new NotFoundError('Conversation not found');
  return row.c;
}

/** Active member user ids. */
export async function membersOf(ctx: AppContext, conversationId: string, tx: Executor = ctx.db): Promise<string[]> {
  return activeMembers(tx, conversationId);
}

export async function activeMembers(tx: Executor, conversationId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: conversationMembers.userId })
    .from(conversationMembers)
    .where(and(eq(conversationMembers.conversationId, conversationId), isNull(conversationMembers.removedAt)));
  return rows.map((r) => r.id);
}

async function memberDtos(tx: Executor, conversationIds: string[]): Promise<Map<string, Member[]>> {
  const out = new Map<string, Member[]>();
  if (conversationIds.length === 0) return out;
  const rows = await tx
    .select({ conversationId: conversationMembers.conversationId, userId: users.id, name: users.name, role: users.role, memberRole: conversationMembers.role, lastReadSeq: conversationMembers.lastReadSeq })
    .from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .where(and(inArray(conversationMembers.conversationId, conversationIds), isNull(conversationMembers.removedAt)))
    .orderBy(asc(users.name));
  for (const { conversationId, ...m } of rows) {
    const list = out.get(conversationId) ?? [];
    list.push(m);
    out.set(conversationId, list);
  }
  return out;
}

function toDto(row: ConversationRow, members: Member[]): Conversation {
  return { id: row.id, kind: row.kind, title: row.title, sessionId: row.sessionId, createdBy: row.createdBy, lastSeq: row.lastSeq, updatedAt: row.updatedAt.toISOString(), members };
}

export async function conversationDto(ctx: AppContext, row: ConversationRow, tx: Executor = ctx.db): Promise<Conversation> {
  return toDto(row, (await memberDtos(tx, [row.id])).get(row.id) ?? []);
}

async function upsertMembers(tx: Executor, conversationId: string, userIds: readonly string[], now: Date, ownerId?: string): Promise<string[]> {
  if (userIds.length === 0) return [];
  const before = new Set(await activeMembers(tx, conversationId));
  await tx
    .insert(conversationMembers)
    .values(userIds.map((userId) => ({ conversationId, userId, role: userId === ownerId ? ('owner' as const) : ('member' as const), joinedAt: now })))
    .onConflictDoUpdate({ target: [conversationMembers.conversationId, conversationMembers.userId], set: { removedAt: null, joinedAt: sql`case when ${conversationMembers.removedAt} is null then ${conversationMembers.joinedAt} else excluded.joined_at end` } });
  return userIds.filter((id) => !before.has(id));
}

async function activeUserIds(tx: Executor, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.select({ id: users.id }).from(users).where(and(inArray(users.id, [...ids]), eq(users.disabled, false)));
  if (rows.length !== new Set(ids).size) throw new ValidationError('Unknown or disabled user');
  return rows.map((r) => r.id);
}

/** A named group created by staff; members must be within the creator's reach. */
export async function createGroup(ctx: AppContext, who: AccessClaims, input: { title: string; memberIds: string[] }): Promise<Conversation> {
  assertMayCreateGroup(who);
  const ids = [...new Set(input.memberIds.filter((id) => id !== who.userId))];
  await activeUserIds(ctx.db, ids);
  await assertMayReach(ctx.db, who, ids);
  const now = ctx.clock.now();
  const dto = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(conversations).values({ kind: 'group', title: input.title, createdBy: who.userId, createdAt: now, updatedAt: now }).returning();
    await upsertMembers(tx, row!.id, [who.userId, ...ids], now, who.userId);
    await notifyAdded(tx, row!, who.userId, ids, now);
    return conversationDto(ctx, row!, tx);
  });
  deliver(ctx, dto.members.map((m) => m.userId), 'conversation', dto);
  return dto;
}

/** The one conversation of a pair (created on first ask). */
export async function openDirect(ctx: AppContext, who: AccessClaims, otherId: string): Promise<{ conversation: Conversation; created: boolean }> {
  if (otherId === who.userId) throw new ValidationError('A direct conversation needs another person');
  await activeUserIds(ctx.db, [otherId]);
  const directKey = [who.userId, otherId].sort().join(':');
  const [existing] = await ctx.db.select().from(conversations).where(eq(conversations.directKey, directKey));
  if (existing) {
    await assertMember(ctx, existing.id, who.userId);
    return { conversation: await conversationDto(ctx, existing), created: false };
  }
  await assertMayReach(ctx.db, who, [otherId]);
  const now = ctx.clock.now();
  const result = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.insert(conversations).values({ kind: 'direct', directKey, createdBy: who.userId, createdAt: now, updatedAt: now }).onConflictDoNothing().returning();
    if (!row) {
      const [other] = await tx.select().from(conversations).where(eq(conversations.directKey, directKey));
      return { row: other!, created: false };
    }
    await upsertMembers(tx, row.id, [who.userId, otherId], now);
    return { row, created: true };
  });
  const conversation = await conversationDto(ctx, result.row);
  if (result.created) deliver(ctx, [otherId], 'conversation', conversation);
  return { conversation, created: result.created };
}

/** Host, co-hosts, invitees and everyone enrolled in the session's course. */
async function sessionPeople(tx: Executor, s: SessionRow): Promise<string[]> {
  const ids = new Set<string>([s.hostId]);
  for (const r of await tx.select({ id: sessionCohosts.userId }).from(sessionCohosts).where(eq(sessionCohosts.sessionId, s.id))) ids.add(r.id);
  for (const r of await tx.select({ id: sessionInvitees.userId }).from(sessionInvitees).where(eq(sessionInvitees.sessionId, s.id))) ids.add(r.id);
  if (s.courseId) for (const r of await tx.select({ id: enrolments.userId }).from(enrolments).where(eq(enrolments.courseId, s.courseId))) ids.add(r.id);
  return [...ids];
}

/** The session's conversation, created on first use; its members follow the session's people. */
export async function sessionConversation(ctx: AppContext, sessionId: string): Promise<ConversationRow> {
  const session = await getSessionRow(ctx.db, sessionId);
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await tx.insert(conversations).values({ kind: 'session', sessionId, title: session.title, createdBy: session.hostId, createdAt: now, updatedAt: now }).onConflictDoNothing();
    const [row] = await tx.select().from(conversations).where(eq(conversations.sessionId, sessionId)).for('update');
    const people = await sessionPeople(tx, session);
    await upsertMembers(tx, row!.id, people, now, session.hostId);
    const gone = (await activeMembers(tx, row!.id)).filter((id) => !people.includes(id));
    if (gone.length > 0) await tx.update(conversationMembers).set({ removedAt: now }).where(and(eq(conversationMembers.conversationId, row!.id), inArray(conversationMembers.userId, gone)));
    if (row!.title !== session.title) await tx.update(conversations).set({ title: session.title }).where(eq(conversations.id, row!.id));
    return { ...row!, title: session.title };
  });
}

/** GET /api/sessions/:id/chat: anyone who can view the session. */
export async function sessionChatFor(ctx: AppContext, who: AccessClaims, sessionId: string): Promise<Conversation> {
  await viewableSession(ctx.db, who, sessionId);
  const row = await sessionConversation(ctx, sessionId);
  return conversationDto(ctx, row);
}

/** Owner of a group, or an admin who is a member. */
async function assertCanManage(ctx: AppContext, who: AccessClaims, conversationId: string): Promise<ConversationRow> {
  const row = await assertMember(ctx, conversationId, who.userId);
  if (row.kind !== 'group') throw new ForbiddenError('Only group chats have managed members');
  if (who.role === 'admin') return row;
  const [m] = await ctx.db.select().from(conversationMembers).where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, who.userId)));
  if (m?.role !== 'owner') throw new ForbiddenError('Only the group owner or an admin can do this');
  return row;
}

export async function addMembers(ctx: AppContext, who: AccessClaims, conversationId: string, userIds: string[]): Promise<Conversation> {
  const row = await assertCanManage(ctx, who, conversationId);
  const ids = [...new Set(userIds)];
  await activeUserIds(ctx.db, ids);
  await assertMayReach(ctx.db, who, ids);
  const now = ctx.clock.now();
  const dto = await ctx.db.transaction(async (tx) => {
    const added = await upsertMembers(tx, conversationId, ids, now);
    await notifyAdded(tx, row, who.userId, added, now);
    return conversationDto(ctx, row, tx);
  });
  deliver(ctx, dto.members.map((m) => m.userId), 'conversation', dto);
  return dto;
}

/** The owner or an admin removes someone; anyone may leave a group. Delivery to them stops at once. */
export async function removeMember(ctx: AppContext, who: AccessClaims, conversationId: string, userId: string): Promise<Conversation> {
  const row = userId === who.userId ? await assertMember(ctx, conversationId, who.userId) : await assertCanManage(ctx, who, conversationId);
  if (row.kind !== 'group') throw new ForbiddenError('Only group chats have managed members');
  const res = await ctx.db
    .update(conversationMembers)
    .set({ removedAt: ctx.clock.now() })
    .where(and(eq(conversationMembers.conversationId, conversationId), eq(conversationMembers.userId, userId), isNull(conversationMembers.removedAt)))
    .returning();
  if (res.length === 0) throw new NotFoundError('Not a member');
  const dto = await conversationDto(ctx, row);
  deliver(ctx, [userId], 'removed', { conversationId });
  deliver(ctx, dto.members.map((m) => m.userId), 'conversation', dto);
  return dto;
}

export async function renameGroup(ctx: AppContext, who: AccessClaims, conversationId: string, title: string): Promise<Conversation> {
  await assertCanManage(ctx, who, conversationId);
  const [row] = await ctx.db.update(conversations).set({ title, updatedAt: ctx.clock.now() }).where(eq(conversations.id, conversationId)).returning();
  const dto = await conversationDto(ctx, row!);
  deliver(ctx, dto.members.map((m) => m.userId), 'conversation', dto);
  return dto;
}

/** The caller's conversations, newest activity first, with unread counts (others' messages after their read position). */
export async function listConversations(ctx: AppContext, userId: string): Promise<ConversationSummary[]> {
  const rows = await ctx.db
    .select({
      c: conversations,
      lastReadSeq: conversationMembers.lastReadSeq,
      unread: sql<number>`(select count(*)::int from messages m where m.conversation_id = ${conversations.id} and m.seq > ${conversationMembers.lastReadSeq} and m.deleted_at is null and m.author_id is distinct from ${userId})`,
      last: sql<{ text: string; authorId: string | null; createdAt: string; deleted: boolean } | null>`(select json_build_object('text', m.text, 'authorId', m.author_id, 'createdAt', m.created_at, 'deleted', m.deleted_at is not null) from messages m where m.conversation_id = ${conversations.id} order by m.seq desc limit 1)`,
    })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(and(eq(conversationMembers.userId, userId), isNull(conversationMembers.removedAt)))
    .orderBy(desc(conversations.updatedAt))
    .limit(500);
  const members = await memberDtos(ctx.db, rows.map((r) => r.c.id));
  return rows.map((r) => {
    const last = r.last;
    return {
      ...toDto(r.c, members.get(r.c.id) ?? []),
      unreadCount: Number(r.unread),
      lastReadSeq: r.lastReadSeq,
      lastMessage: last ? { text: last.deleted ? 'message deleted' : last.text, authorId: last.authorId, createdAt: new Date(last.createdAt).toISOString() } : null,
    };
  });
}
