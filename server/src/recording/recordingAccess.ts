// Who may watch a session's recordings: its host, co-hosts and admins, its invitees and
// enrolled students, signed-in users who attended, and holders of a room token of THIS
// session (`?token=`, since a <video> element cannot send an Authorization header) whom the
// room admitted, or a host's.
import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { attendanceIntervals, roomAccess } from '@lectern/db';
import type { AccessClaims } from '../auth/tokens.js';
import type { AppContext } from '../context.js';
import { ForbiddenError, UnauthorizedError } from '../errors.js';
import { isHostRole } from '../gateway/types.js';
import { canView, type SessionRow } from '../sessions/sessionAccess.js';

async function attended(ctx: AppContext, sessionId: string, userId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: attendanceIntervals.id })
    .from(attendanceIntervals)
    .where(and(eq(attendanceIntervals.sessionId, sessionId), eq(attendanceIntervals.userId, userId)))
    .limit(1);
  return Boolean(row);
}

async function userMayView(ctx: AppContext, who: AccessClaims, session: SessionRow): Promise<boolean> {
  return (await canView(ctx.db, who, session)) || attended(ctx, session.id, who.userId);
}

/** Throws 401 without credentials, 403 when they do not admit this session's recordings. */
export async function assertCanWatch(ctx: AppContext, request: FastifyRequest, session: SessionRow, queryToken: string | undefined): Promise<void> {
  if (request.auth) {
    if (await userMayView(ctx, request.auth, session)) return;
    throw new ForbiddenError('Only the participants of this session may see its recordings');
  }
  if (!queryToken) throw new UnauthorizedError();
  let access: AccessClaims | undefined;
  try {
    const claims = await ctx.tokens.verifyAccess(queryToken);
    await ctx.accessGate.check(claims);
    access = claims;
  } catch {
    access = undefined;
  }
  if (access) {
    if (await userMayView(ctx, access, session)) return;
    throw new ForbiddenError('Only the participants of this session may see its recordings');
  }
  const room = await ctx.tokens.verifyRoom(queryToken); // 401 when invalid or expired
  if (room.sessionId !== session.id) throw new ForbiddenError('This token is for another session');
  if (isHostRole(room.role)) return;
  // A join code alone yields a room token: only a participant the room let in may watch, not
  // one still in the lobby, waiting for the start, never admitted, denied or removed.
  const [state] = await ctx.db
    .select({ state: roomAccess.state })
    .from(roomAccess)
    .where(and(eq(roomAccess.sessionId, session.id), eq(roomAccess.participantId, room.participantId)));
  if (state?.state !== 'admitted') throw new ForbiddenError('Only participants admitted to this session may see its recordings');
}
