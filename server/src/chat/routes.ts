// HTTP API of chat: conversations, members, messages, threads, reactions, pins, read
// positions, search, contacts. Files are in ./fileRoutes.ts. No SQL here.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { caller } from '../plugins/authPlugin.js';
import type { RouteDeps } from '../routes.js';
import { contactsOf } from './access.js';
import {
  ChatParams,
  Contact,
  Conversation,
  ConversationSummary,
  CreateChatBody,
  EditBody,
  HistoryQuery,
  MemberParams,
  MembersBody,
  Message,
  MessageParams,
  PinBody,
  PinResult,
  ReactionBody,
  ReactionResult,
  ReadBody,
  ReadResult,
  RenameBody,
  SearchHit,
  SearchQuery,
  SendBody,
  UnreadTotal,
} from './contract.js';
import { chatFileRoutes } from './fileRoutes.js';
import { deleteMessage, editMessage, listMessages, listPins, markRead, searchMessages, sendMessage, setPin, toggleReaction } from './messages.js';
import { addMembers, assertMember, conversationDto, createGroup, listConversations, openDirect, removeMember, renameGroup, sessionChatFor } from './service.js';

const SessionParams = z.object({ id: z.uuid() });

export async function chatRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { ctx } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['chat'];
  const auth = { onRequest: app.requireAuth };

  r.post('/api/chats', {
    ...auth,
    schema: { tags, summary: 'Create a group (teacher, mentor, admin) or open the direct conversation with one person (same pair, same id: 200)', body: CreateChatBody, response: { 200: Conversation, 201: Conversation } },
  }, async (request, reply) => {
    const who = caller(request);
    const body = request.body;
    if (body.kind === 'group') return reply.status(201).send(await createGroup(ctx, who, { title: body.title, memberIds: body.memberIds }));
    const { conversation, created } = await openDirect(ctx, who, body.memberIds[0]!);
    return reply.status(created ? 201 : 200).send(conversation);
  });

  r.get('/api/chats', { ...auth, schema: { tags, summary: 'My conversations, newest activity first, with unread counts', response: { 200: z.array(ConversationSummary) } } }, async (request) =>
    listConversations(ctx, caller(request).userId),
  );

  r.get('/api/chats/unread', { ...auth, schema: { tags, summary: 'Total unread messages over all my conversations', response: { 200: UnreadTotal } } }, async (request) => {
    const list = await listConversations(ctx, caller(request).userId);
    return { total: list.reduce((n, c) => n + c.unreadCount, 0) };
  });

  r.get('/api/chats/contacts', { ...auth, schema: { tags, summary: 'People I may start a conversation with or add to a group, with the courses that link us', response: { 200: z.array(Contact) } } }, async (request) =>
    contactsOf(ctx.db, caller(request)),
  );

  r.get('/api/chats/search', { ...auth, schema: { tags, summary: 'Full-text search in my conversations', querystring: SearchQuery, response: { 200: z.array(SearchHit) } } }, async (request) =>
    searchMessages(ctx, caller(request).userId, request.query.q, request.query.limit),
  );

  r.get('/api/sessions/:id/chat', { ...auth, schema: { tags, summary: "The session's conversation (anyone who can view the session)", params: SessionParams, response: { 200: Conversation } } }, async (request) =>
    sessionChatFor(ctx, caller(request), request.params.id),
  );

  r.get('/api/chats/:id', { ...auth, schema: { tags, summary: 'One conversation (members only)', params: ChatParams, response: { 200: Conversation } } }, async (request) => {
    const row = await assertMember(ctx, request.params.id, caller(request).userId);
    return conversationDto(ctx, row);
  });

  r.patch('/api/chats/:id', { ...auth, schema: { tags, summary: 'Rename a group (owner, admin)', params: ChatParams, body: RenameBody, response: { 200: Conversation } } }, async (request) =>
    renameGroup(ctx, caller(request), request.params.id, request.body.title),
  );

  r.post('/api/chats/:id/members', { ...auth, schema: { tags, summary: 'Add members to a group (owner, admin)', params: ChatParams, body: MembersBody, response: { 200: Conversation } } }, async (request) =>
    addMembers(ctx, caller(request), request.params.id, request.body.userIds),
  );

  r.delete('/api/chats/:id/members/:userId', { ...auth, schema: { tags, summary: 'Remove a member (owner, admin) or leave (self); their access to new messages ends at once', params: MemberParams, response: { 200: Conversation } } }, async (request) =>
    removeMember(ctx, caller(request), request.params.id, request.params.userId),
  );

  r.post('/api/chats/:id/messages', {
    ...auth,
    schema: { tags, summary: 'Send a message (the same clientId twice: the same message, once; 201 new, 200 already stored)', params: ChatParams, body: SendBody, response: { 200: Message, 201: Message } },
  }, async (request, reply) => {
    const { message, created } = await sendMessage(ctx, caller(request).userId, request.params.id, request.body);
    return reply.status(created ? 201 : 200).send(message);
  });

  r.get('/api/chats/:id/messages', {
    ...auth,
    schema: { tags, summary: 'History, oldest first: ?after=SEQ, ?before=SEQ, or the latest page; ?parentId= for a thread', params: ChatParams, querystring: HistoryQuery, response: { 200: z.array(Message) } },
  }, async (request) => listMessages(ctx, caller(request).userId, request.params.id, request.query));

  r.patch('/api/chats/:id/messages/:mid', { ...auth, schema: { tags, summary: 'Edit my message', params: MessageParams, body: EditBody, response: { 200: Message } } }, async (request) =>
    editMessage(ctx, caller(request), request.params.id, request.params.mid, request.body.text),
  );

  r.delete('/api/chats/:id/messages/:mid', { ...auth, schema: { tags, summary: 'Delete my message (soft: shown as "message deleted")', params: MessageParams, response: { 200: Message } } }, async (request) =>
    deleteMessage(ctx, caller(request), request.params.id, request.params.mid),
  );

  r.post('/api/chats/:id/messages/:mid/reactions', { ...auth, schema: { tags, summary: 'Toggle my reaction', params: MessageParams, body: ReactionBody, response: { 200: ReactionResult } } }, async (request) =>
    toggleReaction(ctx, caller(request).userId, request.params.id, request.params.mid, request.body.emoji),
  );

  r.post('/api/chats/:id/pins', { ...auth, schema: { tags, summary: 'Pin a message', params: ChatParams, body: PinBody, response: { 200: PinResult } } }, async (request) =>
    setPin(ctx, caller(request).userId, request.params.id, request.body.messageId, true),
  );

  r.delete('/api/chats/:id/pins/:mid', { ...auth, schema: { tags, summary: 'Unpin a message', params: MessageParams, response: { 200: PinResult } } }, async (request) =>
    setPin(ctx, caller(request).userId, request.params.id, request.params.mid, false),
  );

  r.get('/api/chats/:id/pins', { ...auth, schema: { tags, summary: 'Pinned messages, newest pin first', params: ChatParams, response: { 200: z.array(Message) } } }, async (request) =>
    listPins(ctx, caller(request).userId, request.params.id),
  );

  r.post('/api/chats/:id/read', { ...auth, schema: { tags, summary: 'Move my read position forward', params: ChatParams, body: ReadBody, response: { 200: ReadResult } } }, async (request) =>
    markRead(ctx, caller(request).userId, request.params.id, request.body.seq),
  );

  await app.register(chatFileRoutes, deps);
}
