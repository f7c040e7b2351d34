// Live call events to a user's every tab on every API node: emitted on the /user namespace
// to room `user:<id>`; the Socket.IO Redis adapter carries each emit to the other nodes.
import type { Server } from 'socket.io';
import type { AppContext } from '../context.js';
import { USER_NAMESPACE, userRoom } from '../notifications/userSocket.js';
import type { CallServerEvents } from './contract.js';

const bound = new WeakMap<AppContext, Server>();

export function bindCallSockets(ctx: AppContext, io: Server): void {
  bound.set(ctx, io);
}

export function unbindCallSockets(ctx: AppContext): void {
  bound.delete(ctx);
}

/** Emits one event to these users on every node (no-op in a process without sockets). */
export function toUsers<E extends keyof CallServerEvents>(ctx: AppContext, userIds: readonly string[], event: E, ...args: Parameters<CallServerEvents[E]>): void {
  const io = bound.get(ctx);
  if (!io || userIds.length === 0) return;
  const target = io.of(USER_NAMESPACE).to(userIds.map(userRoom));
  // Typed by the event map in the signature; Socket.IO's emit overloads do not narrow a generic event name.
  (target.emit as (this: unknown, e: string, ...a: unknown[]) => boolean).call(target, event, ...args);
}

/** Which of these users have a /user socket open on any node (failures count as offline). */
export async function onlineUsers(ctx: AppContext, userIds: readonly string[]): Promise<Set<string>> {
  const io = bound.get(ctx);
  if (!io || userIds.length === 0) return new Set();
  try {
    const sockets = await io.of(USER_NAMESPACE).in(userIds.map(userRoom)).fetchSockets();
    return new Set(sockets.map((s) => (s.data as { userId?: string }).userId).filter((id): id is string => typeof id === 'string'));
  } catch (err) {
    ctx.logger.warn({ err }, 'presence look-up failed; pushing the ring to everyone');
    return new Set();
  }
}
