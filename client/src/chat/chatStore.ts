// Live chat state of the signed-in user: the conversation list with unread counts, the
// messages of the conversations on screen (by seq, gap-free: after every reconnect it
// asks for everything after the last seq it has), typing lines and read positions. One
// /chat socket per tab; sends go over it with a clientId and are retried until acked.
import type { Socket } from 'socket.io-client';
import type { ChatAck } from '@lectern/server/contract/chat';
import { Store } from '../store.js';
import { userSocket } from '../userSocket.js';
import { chatApi, type Conversation, type ConversationSummary, type Message } from './api.js';

export interface ConvState {
  messages: Map<number, Message>;
  /** Highest seq up to which every message is here. */
  contiguous: number;
  typing: Map<string, { name: string; until: number }>;
  pending: Message[];
  /** Other members' read positions. */
  reads: Map<string, number>;
  loadedOldest: boolean;
}

export interface ChatState {
  list: ConversationSummary[];
  loaded: boolean;
  connected: boolean;
  online: Set<string>;
}

export const chatStore = new Store<ChatState>({ list: [], loaded: false, connected: false, online: new Set() });
const convs = new Map<string, Store<ConvState>>();
let viewing: string | null = null;

export function convStore(id: string): Store<ConvState> {
  let s = convs.get(id);
  if (!s) convs.set(id, (s = new Store<ConvState>({ messages: new Map(), contiguous: 0, typing: new Map(), pending: [], reads: new Map(), loadedOldest: false })));
  return s;
}

function keep(list: Message[]): void {
  const by = new Map<string, Message[]>();
  for (const m of list) by.set(m.conversationId, [...(by.get(m.conversationId) ?? []), m]);
  for (const [id, ms] of by) {
    convStore(id).update((s) => {
      const messages = new Map(s.messages);
      for (const m of ms) messages.set(m.seq, m);
      let contiguous = s.contiguous;
      while (messages.has(contiguous + 1)) contiguous += 1;
      const pending = s.pending.filter((p) => !ms.some((m) => m.clientId === p.clientId && m.authorId === p.authorId));
      return { ...s, messages, contiguous, pending };
    });
  }
}

export async function refreshList(): Promise<void> {
  const list = await chatApi.list();
  chatStore.update((s) => ({ ...s, list, loaded: true }));
}

/** Loads the latest page (first open) or everything after what we have (reconnect). */
export async function fill(id: string): Promise<void> {
  const s = convStore(id).get();
  if (s.messages.size === 0) {
    const page = await chatApi.history(id, { limit: 50 });
    keep(page);
    convStore(id).update((x) => ({ ...x, contiguous: Math.max(x.contiguous, (page[0]?.seq ?? 1) - 1 + page.length), loadedOldest: page.length < 50 }));
    return;
  }
  for (;;) {
    const after = convStore(id).get().contiguous;
    const page = await chatApi.history(id, { after, limit: 200 });
    keep(page);
    if (page.length < 200) return;
  }
}

export async function loadOlder(id: string): Promise<void> {
  const s = convStore(id).get();
  const oldest = Math.min(...s.messages.keys());
  if (!Number.isFinite(oldest) || oldest <= 1) return convStore(id).update((x) => ({ ...x, loadedOldest: true }));
  const page = await chatApi.history(id, { before: oldest, limit: 50 });
  keep(page);
  if (page.length < 50) convStore(id).update((x) => ({ ...x, loadedOldest: true }));
}

function patchMessage(conversationId: string, messageId: string, fn: (m: Message) => Message): void {
  convStore(conversationId).update((s) => {
    const messages = new Map(s.messages);
    for (const [seq, m] of messages) if (m.id === messageId) messages.set(seq, fn(m));
    return { ...s, messages };
  });
}

function listen(socket: Socket): void {
  // The connection may be shared with the room's socket, whose manager does not auto-connect.
  socket.connect();
  socket.on('connect', () => {
    chatStore.update((s) => ({ ...s, connected: true }));
    void refreshList().catch(() => undefined);
    for (const id of convs.keys()) void fill(id).catch(() => undefined);
    if (viewing) socket.emit('viewing', { conversationId: viewing });
  });
  socket.on('disconnect', () => chatStore.update((s) => ({ ...s, connected: false })));
  socket.on('message', (m: Message) => {
    keep([m]);
    const mine = m.authorId === link.userId;
    chatStore.update((s) => {
      const found = s.list.find((c) => c.id === m.conversationId);
      if (!found) {
        void refreshList().catch(() => undefined);
        return s;
      }
      const unread = mine || viewing === m.conversationId || m.kind !== 'text' ? found.unreadCount : found.unreadCount + 1;
      const next = { ...found, lastSeq: m.seq, unreadCount: unread, updatedAt: m.createdAt, lastMessage: { text: m.text, authorId: m.authorId, createdAt: m.createdAt } };
      return { ...s, list: [next, ...s.list.filter((c) => c.id !== m.conversationId)] };
    });
    const cs = convStore(m.conversationId);
    if (m.authorId) cs.update((s) => ({ ...s, typing: new Map([...s.typing].filter(([u]) => u !== m.authorId)) }));
  });
  socket.on('messageUpdated', (m: Message) => keep([m]));
  socket.on('reaction', (r: { conversationId: string; messageId: string; emoji: string; userIds: string[] }) =>
    patchMessage(r.conversationId, r.messageId, (m) => {
      const others = m.reactions.filter((x) => x.emoji !== r.emoji);
      return { ...m, reactions: r.userIds.length ? [...others, { emoji: r.emoji, userIds: r.userIds }] : others };
    }),
  );
  socket.on('pin', (p: { conversationId: string; messageId: string; pinned: boolean }) => {
    patchMessage(p.conversationId, p.messageId, (m) => ({ ...m, pinned: p.pinned }));
    window.dispatchEvent(new CustomEvent('lectern:chat-pins', { detail: p.conversationId }));
  });
  socket.on('read', (r: { conversationId: string; userId: string; lastReadSeq: number }) => {
    convStore(r.conversationId).update((s) => ({ ...s, reads: new Map(s.reads).set(r.userId, r.lastReadSeq) }));
    if (r.userId === link.userId) chatStore.update((s) => ({ ...s, list: s.list.map((c) => (c.id === r.conversationId ? { ...c, unreadCount: 0, lastReadSeq: r.lastReadSeq } : c)) }));
  });
  socket.on('typing', (t: { conversationId: string; userId: string; name: string }) => {
    const until = Date.now() + 4000;
    convStore(t.conversationId).update((s) => ({ ...s, typing: new Map(s.typing).set(t.userId, { name: t.name, until }) }));
    setTimeout(() => convStore(t.conversationId).update((s) => ({ ...s, typing: new Map([...s.typing].filter(([, v]) => v.until > Date.now())) })), 4100);
  });
  socket.on('conversation', (c: Conversation) => {
    chatStore.update((s) => (s.list.some((x) => x.id === c.id) ? { ...s, list: s.list.map((x) => (x.id === c.id ? { ...x, ...c } : x)) } : s));
    if (!chatStore.get().list.some((x) => x.id === c.id)) void refreshList().catch(() => undefined);
    window.dispatchEvent(new CustomEvent('lectern:chat-conversation', { detail: c }));
  });
  socket.on('removed', (r: { conversationId: string }) => chatStore.update((s) => ({ ...s, list: s.list.filter((c) => c.id !== r.conversationId) })));
}

const link = userSocket('/chat', {
  reset: () => {
    convs.clear();
    chatStore.set({ list: [], loaded: false, connected: false, online: new Set() });
  },
  listen,
});

let seqNo = 0;
const newClientId = () => `${Date.now().toString(36)}-${(seqNo++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Shows the message at once (pending), sends it until acknowledged (same clientId on every try). */
export async function sendMessage(conversationId: string, text: string, opts: { parentId?: string; attachmentIds?: string[] } = {}): Promise<Message> {
  const clientId = newClientId();
  const draft: Message = {
    id: clientId, conversationId, seq: 0, text, authorId: link.userId, clientId, parentId: opts.parentId ?? null, kind: 'text', meta: {}, attachments: [], reactions: [],
    replyCount: 0, pinned: false, createdAt: new Date().toISOString(), editedAt: null, deletedAt: null,
  };
  convStore(conversationId).update((s) => ({ ...s, pending: [...s.pending, draft] }));
  for (let attempt = 0; ; attempt++) {
    try {
      const socket = link.socket;
      if (!socket?.connected) throw new Error('offline');
      const ack = (await socket.timeout(5000).emitWithAck('send', { conversationId, text, clientId, ...opts })) as ChatAck<Message>;
      if (ack.ok) {
        keep([ack.data]);
        return ack.data;
      }
      if (ack.error.code !== 'rate_limited' && ack.error.code !== 'internal') {
        convStore(conversationId).update((s) => ({ ...s, pending: s.pending.filter((p) => p.clientId !== clientId) }));
        throw new ChatSendError(ack.error.message);
      }
    } catch (err) {
      if (err instanceof ChatSendError || attempt > 20) throw err;
    }
    await new Promise((r) => setTimeout(r, Math.min(5000, 300 * 2 ** Math.min(attempt, 4))));
  }
}

export class ChatSendError extends Error {}

let lastTyping = 0;
export function typing(conversationId: string): void {
  if (Date.now() - lastTyping < 2000) return;
  lastTyping = Date.now();
  link.socket?.emit('typing', { conversationId });
}

/** The conversation on screen: its notifications are suppressed and it is marked read. */
export function setViewing(conversationId: string | null): void {
  viewing = conversationId;
  link.socket?.emit('viewing', { conversationId });
}

export function markRead(conversationId: string, seq: number): void {
  const c = chatStore.get().list.find((x) => x.id === conversationId);
  if (c && c.lastReadSeq >= seq && c.unreadCount === 0) return;
  link.socket?.emit('read', { conversationId, seq }, () => undefined);
  chatStore.update((s) => ({ ...s, list: s.list.map((x) => (x.id === conversationId ? { ...x, unreadCount: 0, lastReadSeq: Math.max(x.lastReadSeq, seq) } : x)) }));
}

export async function whoIsOnline(userIds: string[]): Promise<void> {
  const socket = link.socket;
  if (!socket?.connected || userIds.length === 0) return;
  const ack = (await socket.timeout(5000).emitWithAck('online', { userIds: userIds.slice(0, 500) })) as ChatAck<string[]>;
  if (ack.ok) chatStore.update((s) => ({ ...s, online: new Set(ack.data) }));
}

export const myUserId = (): string | null => link.userId;

/** Follows sign-in and sign-out. Idempotent. */
export const startChat = (): void => link.start();
