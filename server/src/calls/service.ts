// Instant calls: start (one ringing-or-live call per conversation, enforced by a partial
// unique index), accept, decline, hang up. Outcomes (missed, ended) are in ./outcomes.ts.
import { and, eq, inArray, ne } from 'drizzle-orm';
import { callParticipants, calls, conversations, sessionInvitees, sessions, users, type Executor } from '@lectern/db';
import type { AccessClaims, RoomRole } from '../auth/tokens.js';
import { isStaff } from '../chat/access.js';
import { assertMember, membersOf, postSystemMessage, type ConversationRow } from '../chat/service.js';
import type { AppContext } from '../context.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import { enqueue } from '../notifications/outbox.js';
import { endSession } from '../sessions/sessionService.js';
import type { CallJoin, CallOk, RingingCall, SessionCall } from './contract.js';
import { onlineUsers, toUsers } from './live.js';
import { closeRinging } from './outcomes.js';

export type CallRow = typeof calls.$inferSelect;
const ACTIVE = ['ringing', 'live'] as const;

class LostRace extends Error {}

async function nameOf(tx: Executor, userId: string): Promise<string> {
  const [u] = await tx.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return u?.name ?? 'Someone';
}

/** The call row, or 404 unless `userId` is an active member of its conversation. */
export async function getCallFor(ctx: AppContext, callId: string, userId: string): Promise<{ call: CallRow; conversation: ConversationRow }> {
  const [call] = await ctx.db.select().from(calls).where(eq(calls.id, callId));
  if (!call) throw new NotFoundError('Call not found');
  const conversation = await assertMember(ctx, call.conversationId, userId).catch(() => {
    throw new NotFoundError('Call not found');
  });
  return { call, conversation };
}

/** Staff may call in any conversation of theirs; a student only a staff member, directly. */
async function assertMayCall(ctx: AppContext, who: AccessClaims, conv: ConversationRow): Promise<void> {
  if (isStaff(who.role)) return;
  if (conv.kind !== 'direct') throw new ForbiddenError('Only a teacher can start a call in a group');
  const others = (await membersOf(ctx, conv.id)).filter((id) => id !== who.userId);
  const staff = others.length === 0 ? [] : await ctx.db.select({ id: users.id }).from(users).where(and(inArray(users.id, others), ne(users.role, 'student')));
  if (staff.length === 0) throw new ForbiddenError('A student can only call a teacher');
}

async function joinFor(ctx: AppContext, call: CallRow, userId: string): Promise<CallJoin> {
  const [session] = await ctx.db.select({ hostId: sessions.hostId }).from(sessions).where(eq(sessions.id, call.sessionId));
  const role: RoomRole = session?.hostId === userId ? 'host' : 'participant';
  if (role === 'participant') await ctx.db.insert(sessionInvitees).values({ sessionId: call.sessionId, userId, rsvp: 'accepted' }).onConflictDoNothing();
  const displayName = await nameOf(ctx.db, userId);
  const roomToken = await ctx.tokens.signRoom({ participantId: userId, sessionId: call.sessionId, role, displayName, userId });
  return { sessionId: call.sessionId, roomToken, callId: call.id };
}

/** How the conversation is called for a member: the group's title, or the caller's name. */
export function conversationTitle(conv: ConversationRow, callerName: string): string {
  return conv.kind === 'direct' || !conv.title ? callerName : conv.title;
}

export function ringingDto(call: CallRow, conv: ConversationRow, callerName: string): RingingCall {
  return {
    callId: call.id,
    sessionId: call.sessionId,
    conversationId: conv.id,
    conversationTitle: conversationTitle(conv, callerName),
    conversationKind: conv.kind,
    callerId: call.callerId,
    callerName,
    ringsUntil: call.ringDeadline.toISOString(),
  };
}

function ringPayload(call: CallRow, conv: ConversationRow, callerName: string): Record<string, unknown> {
  const title = conversationTitle(conv, callerName);
  return { title: `${callerName} is calling`, body: conv.kind === 'direct' ? 'Tap to answer.' : `Call in ${title}. Tap to join.`, link: `/chat/${conv.id}?call=${call.id}`, topic: call.id };
}

/** Starts a call, or joins the conversation's ringing/live one (created: false). */
export async function startCall(ctx: AppContext, who: AccessClaims, conversationId: string): Promise<{ join: CallJoin; created: boolean }> {
  const conv = await assertMember(ctx, conversationId, who.userId);
  for (let attempt = 0; attempt < 5; attempt++) {
    const [existing] = await ctx.db.select().from(calls).where(and(eq(calls.conversationId, conv.id), inArray(calls.status, [...ACTIVE])));
    if (existing) return { join: await answer(ctx, existing, who.userId), created: false };
    await assertMayCall(ctx, who, conv);
    const created = await create(ctx, who, conv).catch((err: unknown) => {
      if (err instanceof LostRace) return null;
      throw err;
    });
    if (created) return { join: await joinFor(ctx, created, who.userId), created: true };
  }
  throw new ConflictError('The call is starting; try again');
}

async function create(ctx: AppContext, who: AccessClaims, conv: ConversationRow): Promise<CallRow> {
  const now = ctx.clock.now();
  const deadline = new Date(now.getTime() + ctx.config.calls.ringTimeoutSeconds * 1000);
  const callerName = await nameOf(ctx.db, who.userId);
  const others = (await membersOf(ctx, conv.id)).filter((id) => id !== who.userId);
  const call = await ctx.db.transaction(async (tx) => {
    const title = conv.kind === 'direct' || !conv.title ? `Call with ${callerName}` : `Call: ${conv.title}`;
    const [session] = await tx
      .insert(sessions)
      .values({ title, type: 'instant', status: 'live', scheduledAt: now, startedAt: now, durationMinutes: 60, hostId: who.userId, guestAccess: 'open', createdAt: now, updatedAt: now })
      .returning();
    const [row] = await tx
      .insert(calls)
      .values({ conversationId: conv.id, sessionId: session!.id, callerId: who.userId, status: 'ringing', startedAt: now, ringDeadline: deadline })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new LostRace();
    if (others.length > 0) {
      await tx.insert(sessionInvitees).values(others.map((userId) => ({ sessionId: session!.id, userId })));
      await tx.insert(callParticipants).values(others.map((userId) => ({ callId: row.id, userId, state: 'ringing' as const, at: now })));
    }
    await tx.insert(callParticipants).values({ callId: row.id, userId: who.userId, state: 'accepted', at: now });
    await enqueue(tx, { eventKey: `call.ringing:${row.id}`, eventType: 'call.ringing', payload: ringPayload(row, conv, callerName), recipientIds: others, channels: ['in_app'] });
    return row;
  });
  const message = await postSystemMessage(ctx, conv.id, { kind: 'call', text: `Call started by ${callerName}`, meta: { callId: call.id, sessionId: call.sessionId, status: 'ringing' }, authorId: who.userId });
  await ctx.db.update(calls).set({ messageId: message.id }).where(eq(calls.id, call.id));
  toUsers(ctx, others, 'callRinging', ringingDto(call, conv, callerName));
  // Members with no open tab anywhere get an urgent Web Push (Urgency: high, 60 s TTL) that opens the call.
  const online = await onlineUsers(ctx, others);
  const offline = others.filter((id) => !online.has(id));
  if (offline.length > 0) {
    await ctx.db.transaction((tx) =>
      enqueue(tx, { eventKey: `call.ringing.push:${call.id}`, eventType: 'call.ringing', payload: ringPayload(call, conv, callerName), recipientIds: offline, channels: ['push'] }),
    );
  }
  return { ...call, messageId: message.id };
}

/** Accept (or join): stops ringing on every tab of this user and returns a room token. */
async function answer(ctx: AppContext, call: CallRow, userId: string): Promise<CallJoin> {
  const now = ctx.clock.now();
  await ctx.db
    .insert(callParticipants)
    .values({ callId: call.id, userId, state: 'accepted', at: now })
    .onConflictDoUpdate({ target: [callParticipants.callId, callParticipants.userId], set: { state: 'accepted', at: now } });
  if (userId !== call.callerId) await ctx.db.update(calls).set({ status: 'live', answeredAt: now }).where(and(eq(calls.id, call.id), eq(calls.status, 'ringing')));
  toUsers(ctx, [userId], 'callStopped', { callId: call.id, reason: 'accepted' });
  return joinFor(ctx, call, userId);
}

export async function acceptCall(ctx: AppContext, who: AccessClaims, callId: string): Promise<CallJoin> {
  const { call } = await getCallFor(ctx, callId, who.userId);
  if (!(ACTIVE as readonly string[]).includes(call.status)) throw new ConflictError('This call has ended');
  return answer(ctx, call, who.userId);
}

export async function declineCall(ctx: AppContext, who: AccessClaims, callId: string): Promise<CallOk> {
  const { call, conversation } = await getCallFor(ctx, callId, who.userId);
  const now = ctx.clock.now();
  const [declined] = await ctx.db
    .update(callParticipants)
    .set({ state: 'declined', at: now })
    .where(and(eq(callParticipants.callId, call.id), eq(callParticipants.userId, who.userId), eq(callParticipants.state, 'ringing')))
    .returning();
  toUsers(ctx, [who.userId], 'callStopped', { callId: call.id, reason: 'declined' });
  if (!declined) return { callId: call.id, status: call.status };
  const name = await nameOf(ctx.db, who.userId);
  // A direct call ends when its one callee declines; a group call carries on.
  const [ended] =
    conversation.kind === 'direct'
      ? await ctx.db.update(calls).set({ status: 'declined', endedAt: now, ringClosedAt: now }).where(and(eq(calls.id, call.id), eq(calls.status, 'ringing'))).returning()
      : [];
  await postSystemMessage(ctx, conversation.id, { kind: 'call', text: `Declined by ${name}`, meta: { callId: call.id, outcome: 'declined', userId: who.userId }, authorId: who.userId });
  toUsers(ctx, [call.callerId], 'callDeclined', { callId: call.id, userId: who.userId, name, callEnded: Boolean(ended) });
  if (ended) await endSession(ctx, call.sessionId);
  return { callId: call.id, status: ended?.status ?? call.status };
}

/** The caller gives up before anyone answered: everyone still ringing missed it. */
export async function hangupCall(ctx: AppContext, who: AccessClaims, callId: string): Promise<CallOk> {
  const { call } = await getCallFor(ctx, callId, who.userId);
  if (call.callerId !== who.userId) throw new ForbiddenError('Only the caller can hang up');
  const now = ctx.clock.now();
  const [row] = await ctx.db.update(calls).set({ status: 'missed', endedAt: now, ringClosedAt: now }).where(and(eq(calls.id, call.id), eq(calls.status, 'ringing'))).returning();
  if (!row) {
    if (call.status === 'live') throw new ConflictError('Someone answered: end the call from the room instead');
    return { callId: call.id, status: call.status };
  }
  await closeRinging(ctx, row, 'hangup');
  await endSession(ctx, row.sessionId);
  return { callId: row.id, status: row.status };
}

/** Calls ringing for this user now (a page opened mid-ring shows the dialog). */
export async function ringingFor(ctx: AppContext, userId: string): Promise<RingingCall[]> {
  const rows = await ctx.db
    .select({ call: calls, conv: conversations, callerName: users.name })
    .from(callParticipants)
    .innerJoin(calls, eq(calls.id, callParticipants.callId))
    .innerJoin(conversations, eq(conversations.id, calls.conversationId))
    .innerJoin(users, eq(users.id, calls.callerId))
    .where(and(eq(callParticipants.userId, userId), eq(callParticipants.state, 'ringing'), inArray(calls.status, [...ACTIVE])));
  const out: RingingCall[] = [];
  for (const r of rows) {
    // Removed members are not rung.
    const member = await assertMember(ctx, r.conv.id, userId).then(() => true, () => false);
    if (member && r.call.ringDeadline > ctx.clock.now()) out.push(ringingDto(r.call, r.conv, r.callerName));
  }
  return out;
}

/** The call of a session, for members of its conversation (404 otherwise). */
export async function callOfSession(ctx: AppContext, userId: string, sessionId: string): Promise<SessionCall> {
  const [call] = await ctx.db.select().from(calls).where(eq(calls.sessionId, sessionId));
  if (!call) throw new NotFoundError('Call not found');
  await getCallFor(ctx, call.id, userId);
  return { callId: call.id, conversationId: call.conversationId, status: call.status, callerId: call.callerId };
}
