// Socket authentication: a valid room token for a session that has not ended, issued
// after the session's token cutoff, for a participant who was not removed or denied.
// Before the session starts only its hosts get in; everyone else waits for the start.
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { RoomError } from './guards.js';
import { getSessionRow, type SessionRow } from '../sessions/sessionAccess.js';
import type { AppContext } from '../context.js';
import { accessOf, setAccess } from '../rooms/roomAccess.js';
import type { RoomAccessState } from '@lectern/db';
import { isHostRole, type RtcSocket } from './types.js';

export async function authenticateSocket(ctx: Pick<AppContext, 'tokens' | 'accessGate' | 'db' | 'clock'>, socket: RtcSocket): Promise<void> {
  const auth = socket.handshake.auth as { token?: unknown; sessionId?: unknown } | undefined;
  const token = auth?.token;
  if (typeof token !== 'string' || token.length > 4096) throw new UnauthorizedError('A room token is required');
  const claims = await ctx.tokens.verifyRoom(token);
  // A signed-in participant's room token ends with their sign-in (password, role, access change).
  if (claims.userId) await ctx.accessGate.check({ userId: claims.userId, issuedAt: claims.iat });
  // A client names the room it wants; a token for room A never opens room B.
  if (auth?.sessionId !== undefined && auth.sessionId !== claims.sessionId) {
    throw new ForbiddenError('This token is for another session');
  }
  const session = await getSessionRow(ctx.db, claims.sessionId).catch(() => {
    throw new UnauthorizedError('Invalid room token');
  });
  if (session.status === 'completed' || session.status === 'cancelled') {
    throw new RoomError('session_ended', 'This session has ended');
  }
  if (session.tokenCutoffAt && claims.iat * 1000 < session.tokenCutoffAt.getTime()) {
    throw new RoomError('session_ended', 'This token is no longer valid');
  }
  const access = await accessOf(ctx, session.id, claims.participantId);
  if (access === 'removed') throw new RoomError('removed', 'You were removed from this session');
  if (access === 'denied') throw new RoomError('denied', 'The host did not let you in');
  if (session.locked && !isHostRole(claims.role) && access !== 'admitted') throw new RoomError('room_locked', 'The room is locked');
  const state = session.status === 'scheduled' && !isHostRole(claims.role) ? 'waiting' : await enter(ctx, session, claims.role, claims.participantId, access);
  socket.data = {
    claims,
    sessionId: session.id,
    peerId: claims.participantId,
    displayName: claims.displayName,
    role: claims.role,
    state,
    lobbySince: ctx.clock.now().toISOString(),
    joined: false,
    rtpCapabilities: undefined,
    replaced: false,
  };
}

/**
 * Where a participant goes in a started session: guests wait in the lobby when the host
 * lets guests in by hand; the rest are admitted (and stay admitted for reconnects).
 */
export async function enter(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  session: Pick<SessionRow, 'id' | 'guestAccess'>,
  role: RtcSocket['data']['role'],
  participantId: string,
  access: RoomAccessState | null,
): Promise<'lobby' | 'ready'> {
  if (isHostRole(role) || access === 'admitted') return 'ready';
  if (role === 'guest' && session.guestAccess === 'lobby') return 'lobby';
  await setAccess(ctx, session.id, participantId, 'admitted');
  return 'ready';
}
