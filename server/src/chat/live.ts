// Live delivery of chat events: emitted to the per-user rooms `user:<id>` of the /chat
// namespace. With REDIS_URL the Socket.IO Redis adapter carries each emit to every API node,
// so members on other nodes get it; recipients are computed from the database at emit
// time, so a removed member gets nothing more, at once, on every node.
import type { Namespace } from 'socket.io';
import type { AppContext } from '../context.js';
import type { ChatServerEvents } from './contract.js';

export type ChatNamespace = Namespace<Record<string, never>, ChatServerEvents, Record<string, never>, { userId: string; name: string }>;

export const chatUserRoom = (userId: string): string => `user:${userId}`;

const bound = new WeakMap<AppContext, ChatNamespace>();

/** Called once per API process when its /chat namespace exists (lectern.ts). */
export function bindChatNamespace(ctx: AppContext, nsp: ChatNamespace): void {
  bound.set(ctx, nsp);
}

export function unbindChatNamespace(ctx: AppContext): void {
  bound.delete(ctx);
}

/** Emits one event to these users' sockets on every node (no-op in a process without sockets). */
export function deliver<E extends keyof ChatServerEvents>(ctx: AppContext, userIds: readonly string[], event: E, ...args: Parameters<ChatServerEvents[E]>): void {
  const nsp = bound.get(ctx);
  if (!nsp || userIds.length === 0) return;
  // Typed by the event map in the signature; Socket.IO's emit overloads do not narrow a generic event name.
  const target = nsp.to(userIds.map(chatUserRoom));
  (target.emit as (this: unknown, e: string, ...a: unknown[]) => boolean).call(target, event, ...args);
}
