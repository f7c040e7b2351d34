// Live call events to a user's every tab on every API node: emitted on the /user namespace
// to room `user:<id>`; the Socket.IO Redis adapter carries each emit to the other nodes.
import type { Server } from 'socket.io';
import type { AppContext } from '../context.js';
import { liveTarget } from '../infra/liveTargets.js';
import { USER_NAMESPACE, userRoom } from '../notifications/userSocket.js';
import type { CallServerEvents } from './contract.js';

const live = liveTarget<Server, CallServerEvents>((io, userIds) => io.of(USER_NAMESPACE).to(userIds.map(userRoom)));
export const bindCallSockets = live.bind;
export const unbindCallSockets = live.unbind;
/** Emits one event to these users on every node (no-op in a process without sockets). */
export const toUsers = live.toUsers;

/** Which of these users have a /user socket open on any node (failures count as offline). */
export async function onlineUsers(ctx: AppContext, userIds: readonly string[]): Promise<Set<string>> {
  const io = live.get(ctx);
  if (!io || userIds.length === 0) return new Set();
  try {
    const sockets = await io.of(USER_NAMESPACE).in(userIds.map(userRoom)).fetchSockets();
    return new Set(sockets.map((s) => (s.data as { userId?: string }).userId).filter((id): id is string => typeof id === 'string'));
  } catch (err) {
    ctx.logger.warn({ err }, 'presence look-up failed; pushing the ring to everyone');
    return new Set();
  }
}
