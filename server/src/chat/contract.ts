// Chat: request, response and socket payload schemas (the one source of server validation,
// OpenAPI and client types). Imports only zod.
import { z } from 'zod';

export const CHAT_NAMESPACE = '/chat';
export const MAX_TEXT = 4000;
export const MAX_GROUP_MEMBERS = 500;
/** The fixed reaction set. */
export const REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '✅'] as const;
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

export const ConversationKind = z.enum(['direct', 'group', 'session']);
export type ConversationKind = z.infer<typeof ConversationKind>;

export const Member = z.object({
  userId: z.uuid(),
  name: z.string(),
  role: z.string(),
  /** 'owner' of a group (its creator) or 'member'. */
  memberRole: z.enum(['owner', 'member']),
  lastReadSeq: z.number().int(),
});
export type Member = z.infer<typeof Member>;

export const Conversation = z.object({
  id: z.uuid(),
  kind: ConversationKind,
  title: z.string(),
  sessionId: z.uuid().nullable(),
  createdBy: z.uuid().nullable(),
  lastSeq: z.number().int(),
  updatedAt: z.string(),
  members: z.array(Member),
});
export type Conversation = z.infer<typeof Conversation>;

export const ConversationSummary = Conversation.extend({
  unreadCount: z.number().int(),
  lastReadSeq: z.number().int(),
  lastMessage: z.object({ text: z.string(), authorId: z.uuid().nullable(), createdAt: z.string() }).nullable(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const Attachment = z.object({ id: z.uuid(), fileName: z.string(), contentType: z.string(), sizeBytes: z.number().int(), url: z.string() });
export type Attachment = z.infer<typeof Attachment>;

export const Message = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  seq: z.number().int(),
  text: z.string(),
  authorId: z.uuid().nullable(),
  clientId: z.string().nullable(),
  parentId: z.uuid().nullable(),
  kind: z.enum(['text', 'system', 'call']),
  meta: z.record(z.string(), z.unknown()),
  attachments: z.array(Attachment),
  reactions: z.array(z.object({ emoji: z.string(), userIds: z.array(z.uuid()) })),
  replyCount: z.number().int(),
  pinned: z.boolean(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  deletedAt: z.string().nullable(),
});
export type Message = z.infer<typeof Message>;

export const CreateChatBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('group'), title: z.string().trim().min(1).max(100), memberIds: z.array(z.uuid()).max(MAX_GROUP_MEMBERS) }),
  z.object({ kind: z.literal('direct'), memberIds: z.array(z.uuid()).length(1) }),
]);
export type CreateChatBody = z.infer<typeof CreateChatBody>;

export const RenameBody = z.object({ title: z.string().trim().min(1).max(100) });
export const ClientId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const SendBody = z.object({
  text: z.string().max(MAX_TEXT).default(''),
  clientId: ClientId.optional(),
  parentId: z.uuid().optional(),
  attachmentIds: z.array(z.uuid()).max(10).optional(),
});
export type SendBody = z.input<typeof SendBody>;

export const EditBody = z.object({ text: z.string().trim().min(1).max(MAX_TEXT) });
export const ReactionBody = z.object({ emoji: z.enum(REACTIONS) });
export const PinBody = z.object({ messageId: z.uuid() });
export const ReadBody = z.object({ seq: z.number().int().min(0) });
export const MembersBody = z.object({ userIds: z.array(z.uuid()).min(1).max(MAX_GROUP_MEMBERS) });

export const ChatParams = z.object({ id: z.uuid() });
export const MessageParams = z.object({ id: z.uuid(), mid: z.uuid() });
export const MemberParams = z.object({ id: z.uuid(), userId: z.uuid() });
export const AttachmentParams = z.object({ id: z.uuid(), aid: z.uuid() });

export const HistoryQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Only the replies of this thread root. */
  parentId: z.uuid().optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const SearchQuery = z.object({ q: z.string().trim().min(1).max(200), limit: z.coerce.number().int().min(1).max(100).default(30) });
export const SearchHit = Message.extend({ conversationTitle: z.string() });

export const ReactionResult = z.object({ messageId: z.uuid(), emoji: z.string(), userIds: z.array(z.uuid()), added: z.boolean() });
export const PinResult = z.object({ messageId: z.uuid(), pinned: z.boolean() });
export const ReadResult = z.object({ lastReadSeq: z.number().int() });
export const UnreadTotal = z.object({ total: z.number().int() });
export const Contact = z.object({ userId: z.uuid(), name: z.string(), role: z.string(), courses: z.array(z.object({ id: z.uuid(), title: z.string() })) });
export type Contact = z.infer<typeof Contact>;

// ---- socket (namespace /chat): requests answered with an ack {ok, data} | {ok:false, error}

export const SocketSend = SendBody.extend({ conversationId: z.uuid() });
export const SocketTyping = z.object({ conversationId: z.uuid() });
export const SocketViewing = z.object({ conversationId: z.uuid().nullable() });
export const SocketSync = z.object({ conversationId: z.uuid(), after: z.number().int().min(0), limit: z.number().int().min(1).max(500).default(200) });
export const SocketRead = ReadBody.extend({ conversationId: z.uuid() });
export const SocketOnline = z.object({ userIds: z.array(z.uuid()).max(MAX_GROUP_MEMBERS) });

export type ChatAck<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

/** Server -> client events. */
export interface ChatServerEvents {
  message: (m: Message) => void;
  messageUpdated: (m: Message) => void;
  reaction: (r: { conversationId: string; messageId: string; emoji: string; userIds: string[] }) => void;
  pin: (p: { conversationId: string; messageId: string; pinned: boolean }) => void;
  read: (r: { conversationId: string; userId: string; lastReadSeq: number }) => void;
  typing: (t: { conversationId: string; userId: string; name: string }) => void;
  conversation: (c: Conversation) => void;
  removed: (r: { conversationId: string }) => void;
  presence: (p: { userId: string; online: boolean }) => void;
}

export interface ChatClientEvents {
  send: (p: z.input<typeof SocketSend>, ack: (a: ChatAck<Message>) => void) => void;
  typing: (p: z.input<typeof SocketTyping>) => void;
  viewing: (p: z.input<typeof SocketViewing>) => void;
  sync: (p: z.input<typeof SocketSync>, ack: (a: ChatAck<Message[]>) => void) => void;
  read: (p: z.input<typeof SocketRead>, ack: (a: ChatAck<{ lastReadSeq: number }>) => void) => void;
  online: (p: { userIds: string[] }, ack: (a: ChatAck<string[]>) => void) => void;
}
