// Ending a user's sessions when their password, role or access changes: refresh tokens
// are revoked and the user's cut-off stamped (so access tokens already issued are refused,
// see accessGate.ts), in the caller's transaction; then every node is told to re-read the
// user and their open sockets (/user, /chat, /rtc, all in room `user:<id>`) are
// disconnected on every node (the Socket.IO Redis adapter carries the request).
import { and, eq, isNull } from 'drizzle-orm';
import type { Server } from 'socket.io';
import { refreshTokens, type Executor } from '@lectern/db';
import type { AppContext } from '../context.js';
import { cutUserTokens } from './accessGate.js';

/** Every namespace whose sockets join the room `user:<id>` of their signed-in user. */
const USER_SOCKET_NAMESPACES = ['/user', '/chat', '/rtc'] as const;
const userRoom = (userId: string) => `user:${userId}`;

/** Keyed by the AppContext object (services get it under narrower types). */
const bound = new WeakMap<object, Server>();

/** Called once per API process when its Socket.IO server exists. */
export const bindUserSockets = (ctx: AppContext, io: Server): void => void bound.set(ctx, io);
export const unbindUserSockets = (ctx: AppContext): void => void bound.delete(ctx);

/** Revokes every live refresh token of the user and ends the access tokens issued so far. */
export async function revokeUserTokens(db: Executor, userId: string, now: Date): Promise<void> {
  await db.update(refreshTokens).set({ revokedAt: now }).where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  await cutUserTokens(db, userId, now);
}

/** After revokeUserTokens committed: every node re-reads the user, and their sockets are disconnected everywhere (they reconnect only with a valid token). */
export async function signOutEverywhere(ctx: Pick<AppContext, 'logger' | 'accessGate'>, userId: string): Promise<void> {
  await ctx.accessGate.announce(userId).catch((err: unknown) => ctx.logger.warn({ err, userId }, 'could not tell every node that a user’s access changed'));
  const io = bound.get(ctx);
  if (!io) return;
  for (const ns of USER_SOCKET_NAMESPACES) {
    try {
      io.of(ns).in(userRoom(userId)).disconnectSockets(true);
    } catch (err) {
      // Another node unreachable: its sockets stay until their tokens expire.
      ctx.logger.warn({ err, userId, ns }, 'could not disconnect a user’s sockets everywhere');
    }
  }
}
