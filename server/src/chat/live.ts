// Live delivery of chat events: emitted to the per-user rooms `user:<id>` of the /chat
// namespace. With REDIS_URL the Socket.IO Redis adapter carries each emit to every API node,
// so members on other nodes get it; recipients are computed from the database at emit
// time, so a removed member gets nothing more, at once, on every node.
import type { Namespace } from 'socket.io';
import { liveTarget } from '../infra/liveTargets.js';
import type { ChatServerEvents } from './contract.js';

export type ChatNamespace = Namespace<Record<string, never>, ChatServerEvents, Record<string, never>, { userId: string; name: string }>;

export const chatUserRoom = (userId: string): string => `user:${userId}`;

const live = liveTarget<ChatNamespace, ChatServerEvents>((nsp, userIds) => nsp.to(userIds.map(chatUserRoom)));
/** Called once per API process when its /chat namespace exists (lectern.ts). */
export const bindChatNamespace = live.bind;
export const unbindChatNamespace = live.unbind;
/** Emits one event to these users' sockets on every node (no-op in a process without sockets). */
export const deliver = live.toUsers;
