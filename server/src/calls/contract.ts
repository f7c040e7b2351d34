// Instant calls from a conversation: HTTP bodies/responses and the /user socket events.
import { z } from 'zod';

export const ChatIdParams = z.object({ id: z.uuid() });
export const CallIdParams = z.object({ callId: z.uuid() });

export const CallStatus = z.enum(['ringing', 'live', 'ended', 'missed', 'declined']);
export type CallStatus = z.infer<typeof CallStatus>;

/** What a caller or an answering member gets: enough to enter the room at once. */
export const CallJoin = z.object({ sessionId: z.uuid(), roomToken: z.string(), callId: z.uuid() });
export type CallJoin = z.infer<typeof CallJoin>;

export const CallOk = z.object({ callId: z.uuid(), status: CallStatus });
export type CallOk = z.infer<typeof CallOk>;

/** The call a session belongs to (the room shows its conversation's chat). */
export const SessionCall = z.object({ callId: z.uuid(), conversationId: z.uuid(), status: CallStatus, callerId: z.uuid() });
export type SessionCall = z.infer<typeof SessionCall>;

/** A call ringing for the signed-in user (socket `callRinging` and GET /api/me/calls/ringing). */
export const RingingCall = z.object({
  callId: z.uuid(),
  sessionId: z.uuid(),
  conversationId: z.uuid(),
  conversationTitle: z.string(),
  conversationKind: z.enum(['direct', 'group', 'session']),
  callerId: z.uuid(),
  callerName: z.string(),
  /** ISO instant after which it stops ringing. */
  ringsUntil: z.string(),
});
export type RingingCall = z.infer<typeof RingingCall>;

export const CallStopReason = z.enum(['accepted', 'declined', 'timeout', 'hangup', 'ended']);
export type CallStopReason = z.infer<typeof CallStopReason>;

/** The call stopped ringing for this user (every tab). */
export const CallStopped = z.object({ callId: z.uuid(), reason: CallStopReason });
export type CallStopped = z.infer<typeof CallStopped>;

/** For the caller: a member declined. */
export const CallDeclined = z.object({ callId: z.uuid(), userId: z.uuid(), name: z.string(), callEnded: z.boolean() });
export type CallDeclined = z.infer<typeof CallDeclined>;

/** Events of the calls feature on the /user namespace. */
export interface CallServerEvents {
  callRinging: (c: RingingCall) => void;
  callStopped: (s: CallStopped) => void;
  callDeclined: (d: CallDeclined) => void;
}
