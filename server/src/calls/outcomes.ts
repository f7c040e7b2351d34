// How calls end: ringing closes (time-out, hang-up, end) and the unanswered get "Missed
// call"; the end of the call's session posts the summary. Every step claims its row with a
// conditional UPDATE ... RETURNING, so with several API nodes exactly one acts.
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { attendanceIntervals, callParticipants, calls, conversations, rowsOf, users } from '@lectern/db';
import { membersOf, postSystemMessage } from '../chat/service.js';
import { updateSystemMessage } from '../chat/messages.js';
import type { AppContext } from '../context.js';
import { enqueue } from '../notifications/outbox.js';
import type { CallStopReason } from './contract.js';
import { toUsers } from './live.js';

type CallRow = typeof calls.$inferSelect;

/** Everyone still ringing missed it: state, chat entry, notification, and their dialogs close. */
export async function closeRinging(ctx: AppContext, call: CallRow, reason: CallStopReason): Promise<string[]> {
  const now = ctx.clock.now();
  const missed = await ctx.db
    .update(callParticipants)
    .set({ state: 'missed', at: now })
    .where(and(eq(callParticipants.callId, call.id), eq(callParticipants.state, 'ringing')))
    .returning({ userId: callParticipants.userId });
  const ids = missed.map((m) => m.userId);
  if (ids.length === 0) return ids;
  toUsers(ctx, ids, 'callStopped', { callId: call.id, reason });
  const names = (await ctx.db.select({ name: users.name }).from(users).where(inArray(users.id, ids))).map((u) => u.name).sort();
  const [caller] = await ctx.db.select({ name: users.name }).from(users).where(eq(users.id, call.callerId));
  const [conv] = await ctx.db.select({ title: conversations.title, kind: conversations.kind }).from(conversations).where(eq(conversations.id, call.conversationId));
  const callerName = caller?.name ?? 'Someone';
  await postSystemMessage(ctx, call.conversationId, { kind: 'call', text: `Missed call from ${callerName}`, meta: { callId: call.id, outcome: 'missed', userIds: ids, names } });
  await ctx.db.transaction((tx) =>
    enqueue(tx, {
      eventKey: `call.missed:${call.id}`,
      eventType: 'call.missed',
      payload: { title: `Missed call from ${callerName}`, body: conv?.kind === 'group' && conv.title ? `In ${conv.title}.` : 'You did not answer.', link: `/chat/${call.conversationId}`, topic: call.id },
      recipientIds: ids,
      channels: ['in_app', 'push'],
    }),
  );
  return ids;
}

/** People who were in the room (signed-in users counted once, guests by participant id). */
async function peopleIn(ctx: AppContext, sessionId: string): Promise<number> {
  const [r] = await ctx.db
    .select({ n: sql<number>`count(distinct coalesce(${attendanceIntervals.userId}::text, ${attendanceIntervals.participantId}))::int` })
    .from(attendanceIntervals)
    .where(eq(attendanceIntervals.sessionId, sessionId));
  return Number(r?.n ?? 0);
}

export function summaryText(minutes: number, people: number): string {
  return `Call ended · ${minutes} min · ${people} ${people === 1 ? 'person' : 'people'}`;
}

/** The call's session ended (any node, any reason): close the call once and post the summary. */
export async function finishCallOfSession(ctx: AppContext, sessionId: string): Promise<CallRow | null> {
  const now = ctx.clock.now();
  const [call] = await ctx.db
    .update(calls)
    .set({ status: sql`case when ${calls.status} = 'ringing' and ${calls.answeredAt} is null then 'missed' else 'ended' end`, endedAt: now, ringClosedAt: sql`coalesce(${calls.ringClosedAt}, ${now.toISOString()}::timestamptz)` })
    .where(and(eq(calls.sessionId, sessionId), inArray(calls.status, ['ringing', 'live'])))
    .returning();
  if (!call) return null;
  await closeRinging(ctx, call, 'ended');
  toUsers(ctx, await membersOf(ctx, call.conversationId), 'callStopped', { callId: call.id, reason: 'ended' });
  const minutes = Math.round((now.getTime() - call.startedAt.getTime()) / 60_000);
  const people = await peopleIn(ctx, sessionId);
  const link = `/sessions/${sessionId}/attendance`;
  await postSystemMessage(ctx, call.conversationId, { kind: 'call', text: summaryText(minutes, people), meta: { callId: call.id, sessionId, outcome: 'ended', durationMinutes: minutes, people, link } });
  if (call.messageId) await updateSystemMessage(ctx, call.messageId, { meta: { callId: call.id, sessionId, status: 'ended' } }).catch(() => undefined);
  return call;
}

/** Calls whose ring time is over, claimed by this node (ring_closed_at set once). */
export async function claimRingTimeouts(ctx: AppContext, now: Date): Promise<CallRow[]> {
  return ctx.db
    .update(calls)
    .set({ ringClosedAt: now })
    .where(and(isNull(calls.ringClosedAt), sql`${calls.ringDeadline} <= ${now.toISOString()}::timestamptz`, inArray(calls.status, ['ringing', 'live'])))
    .returning();
}

/** Live calls where nobody but the host has been in the room for `idleMinutes`. */
export async function idleCalls(ctx: AppContext, now: Date): Promise<CallRow[]> {
  const cutoff = new Date(now.getTime() - ctx.config.calls.idleMinutes * 60_000).toISOString();
  // Table-qualified on purpose: inside the subqueries a bare column name would bind to attendance_intervals.
  const others = sql`ai.session_id = "calls"."session_id" and ai.user_id is distinct from "calls"."caller_id"`;
  return ctx.db
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.status, 'live'),
        isNotNull(calls.ringClosedAt),
        sql`not exists (select 1 from attendance_intervals ai where ${others} and ai.left_at is null)`,
        sql`greatest(${calls.ringClosedAt}, coalesce(${calls.answeredAt}, ${calls.startedAt}), coalesce((select max(ai.left_at) from attendance_intervals ai where ${others}), ${calls.startedAt})) <= ${cutoff}::timestamptz`,
      ),
    );
}

/**
 * Members still ringing who are already in the call's room (joined from another tab or
 * device): they answered. Returns them, claimed once.
 */
export async function answeredInRoom(ctx: AppContext, now: Date): Promise<{ callId: string; userId: string }[]> {
  const rows = rowsOf<{ call_id: string; user_id: string }>(
    await ctx.db.execute(sql`
      update call_participants cp set state = 'accepted', at = ${now.toISOString()}::timestamptz
      from calls c
      where cp.call_id = c.id and cp.state = 'ringing' and c.status in ('ringing', 'live')
        and exists (select 1 from attendance_intervals ai where ai.session_id = c.session_id and ai.user_id = cp.user_id and ai.left_at is null)
      returning cp.call_id, cp.user_id`),
  );
  const out = rows.map((r) => ({ callId: r.call_id, userId: r.user_id }));
  for (const { callId, userId } of out) {
    await ctx.db.update(calls).set({ status: 'live', answeredAt: now }).where(and(eq(calls.id, callId), eq(calls.status, 'ringing')));
    toUsers(ctx, [userId], 'callStopped', { callId, reason: 'accepted' });
  }
  return out;
}
