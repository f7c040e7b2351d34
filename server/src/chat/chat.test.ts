// Chat over HTTP on a real database: kinds, who may talk to whom, idempotent sequenced
// messages, history cursors, threads, reactions, pins, read positions, search, files,
// notifications, limits and bad input.
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { messages, notificationOutbox, notificationPreferences } from '@lectern/db';
import { classroom, insertCourse, insertSession } from '../notifications/test/fixtures.js';
import { dbKinds, useTestApp, type TestUser as U } from '../test/harness.js';
import type { Conversation, ConversationSummary, Message } from './contract.js';
import { runChatDigest } from './digest.js';
import { groupCommitStats } from './groupCommit.js';
import { membersOf, postSystemMessage, sendMessage, sessionConversation } from './service.js';

describe.each(dbKinds())('chat on %s', (kind) => {
  const t = useTestApp(kind);
  let teacher: U;
  let s1: U;
  let s2: U;
  let outsider: U;
  let otherTeacher: U;

  beforeAll(async () => {
    ({ teacher, s1, s2 } = await classroom(t));
    outsider = await t.userWithToken('student', 'Olly Outsider');
    otherTeacher = await t.userWithToken('teacher', 'Other Teacher');
  });

  const call = async (u: U, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.app.inject({ method, url, headers: u.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: res.statusCode, body: res.json<unknown>() };
  };
  const ok = async <T>(u: U, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<T> => {
    const r = await call(u, method, url, payload);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body as T;
  };

  it('chat groups: a teacher creates one with enrolled students; students cannot; outsiders cannot be added', async () => {
    const g = await call(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Physics crew', memberIds: [s1.id, s2.id] });
    expect(g.status).toBe(201);
    const conv = g.body as Conversation;
    expect(conv.members.map((m) => m.userId).sort()).toEqual([teacher.id, s1.id, s2.id].sort());
    expect((await call(s1, 'POST', '/api/chats', { kind: 'group', title: 'Mine', memberIds: [s2.id] })).status).toBe(403);
    expect((await call(teacher, 'POST', '/api/chats', { kind: 'group', title: 'X', memberIds: [outsider.id] })).status).toBe(403);
    expect((await call(teacher, 'POST', `/api/chats/${conv.id}/members`, { userIds: [outsider.id] })).status).toBe(403);
    expect((await call(s1, 'POST', `/api/chats/${conv.id}/members`, { userIds: [s2.id] })).status).toBe(403);
    // chat.added for both students, in-app and push only (never per-message mail).
    const rows = await t.runtime.ctx.db.select().from(notificationOutbox).where(eq(notificationOutbox.eventType, 'chat.added'));
    expect(new Set(rows.map((r) => r.recipientId))).toEqual(new Set([s1.id, s2.id]));
    expect(rows.every((r) => r.channel !== 'email')).toBe(true);
    const list = await ok<ConversationSummary[]>(s1, 'GET', '/api/chats');
    expect(list.some((c) => c.id === conv.id && c.title === 'Physics crew')).toBe(true);
  });

  it('chat direct: the same pair gets the same conversation; students reach only their teachers', async () => {
    const a = await call(s1, 'POST', '/api/chats', { kind: 'direct', memberIds: [teacher.id] });
    expect(a.status).toBe(201);
    const b = await call(teacher, 'POST', '/api/chats', { kind: 'direct', memberIds: [s1.id] });
    expect(b.status).toBe(200);
    expect((b.body as Conversation).id).toBe((a.body as Conversation).id);
    expect((await call(s1, 'POST', '/api/chats', { kind: 'direct', memberIds: [s2.id] })).status).toBe(403);
    expect((await call(s1, 'POST', '/api/chats', { kind: 'direct', memberIds: [otherTeacher.id] })).status).toBe(403);
    expect((await call(s1, 'POST', '/api/chats', { kind: 'direct', memberIds: [s1.id] })).status).toBe(400);
  });

  it('chat messages: sequenced, a resent clientId is stored once, history by cursor, non-members get 404', async () => {
    const conv = await ok<Conversation>(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Seq', memberIds: [s1.id] });
    const first = await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: 'hello', clientId: 'c-1' });
    expect(first.status).toBe(201);
    const again = await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: 'hello', clientId: 'c-1' });
    expect(again.status).toBe(200);
    expect((again.body as Message).id).toBe((first.body as Message).id);
    for (let i = 2; i <= 6; i++) await ok(teacher, 'POST', `/api/chats/${conv.id}/messages`, { text: `m${i}` });
    const all = await ok<Message[]>(s1, 'GET', `/api/chats/${conv.id}/messages?after=0&limit=100`);
    expect(all.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.filter((m) => m.text === 'hello')).toHaveLength(1);
    const after = await ok<Message[]>(s1, 'GET', `/api/chats/${conv.id}/messages?after=4`);
    expect(after.map((m) => m.seq)).toEqual([5, 6]);
    const before = await ok<Message[]>(s1, 'GET', `/api/chats/${conv.id}/messages?before=4&limit=2`);
    expect(before.map((m) => m.seq)).toEqual([2, 3]);
    const latest = await ok<Message[]>(s1, 'GET', `/api/chats/${conv.id}/messages?limit=2`);
    expect(latest.map((m) => m.seq)).toEqual([5, 6]);
    const hidden = await call(outsider, 'GET', `/api/chats/${conv.id}/messages`);
    const unknown = await call(outsider, 'GET', `/api/chats/00000000-0000-4000-8000-000000000000/messages`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect((await call(outsider, 'POST', `/api/chats/${conv.id}/messages`, { text: 'hi' })).status).toBe(404);
    expect((await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: 'x'.repeat(4001) })).status).toBe(400);
    expect((await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: '   ' })).status).toBe(400);
    expect((await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: 'x', clientId: 'bad id!' })).status).toBe(400);
    const stored = await t.runtime.ctx.db.select().from(messages).where(eq(messages.conversationId, conv.id));
    expect(stored).toHaveLength(6);
  });

  it('chat threads, reactions, pins, edit, delete, read positions and unread counts', async () => {
    const conv = await ok<Conversation>(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Rich', memberIds: [s1.id, s2.id] });
    const root = await ok<Message>(teacher, 'POST', `/api/chats/${conv.id}/messages`, { text: 'Question of the day' });
    const reply = await ok<Message>(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: 'my answer', parentId: root.id });
    const nested = await ok<Message>(s2, 'POST', `/api/chats/${conv.id}/messages`, { text: 'me too', parentId: reply.id });
    expect(nested.parentId).toBe(root.id);
    const thread = await ok<Message[]>(s2, 'GET', `/api/chats/${conv.id}/messages?parentId=${root.id}`);
    expect(thread.map((m) => m.text)).toEqual(['my answer', 'me too']);
    const page = await ok<Message[]>(s2, 'GET', `/api/chats/${conv.id}/messages?after=0`);
    expect(page.find((m) => m.id === root.id)?.replyCount).toBe(2);

    const r1 = await ok<{ userIds: string[]; added: boolean }>(s1, 'POST', `/api/chats/${conv.id}/messages/${root.id}/reactions`, { emoji: '👍' });
    expect(r1).toMatchObject({ added: true, userIds: [s1.id] });
    await ok(s2, 'POST', `/api/chats/${conv.id}/messages/${root.id}/reactions`, { emoji: '👍' });
    const r3 = await ok<{ userIds: string[]; added: boolean }>(s1, 'POST', `/api/chats/${conv.id}/messages/${root.id}/reactions`, { emoji: '👍' });
    expect(r3).toMatchObject({ added: false, userIds: [s2.id] });
    expect((await call(s1, 'POST', `/api/chats/${conv.id}/messages/${root.id}/reactions`, { emoji: '🦄' })).status).toBe(400);

    await ok(s1, 'POST', `/api/chats/${conv.id}/pins`, { messageId: root.id });
    const pins = await ok<Message[]>(s2, 'GET', `/api/chats/${conv.id}/pins`);
    expect(pins.map((p) => p.id)).toEqual([root.id]);

    expect((await call(s2, 'PATCH', `/api/chats/${conv.id}/messages/${reply.id}`, { text: 'hijack' })).status).toBe(403);
    const edited = await ok<Message>(s1, 'PATCH', `/api/chats/${conv.id}/messages/${reply.id}`, { text: 'my better answer' });
    expect(edited.editedAt).not.toBeNull();
    const deleted = await ok<Message>(s2, 'DELETE', `/api/chats/${conv.id}/messages/${nested.id}`);
    expect(deleted).toMatchObject({ text: '', deletedAt: expect.any(String) as string });

    let mine = (await ok<ConversationSummary[]>(s2, 'GET', '/api/chats')).find((c) => c.id === conv.id)!;
    expect(mine.unreadCount).toBe(2); // root and reply; own and deleted messages do not count
    await ok(s2, 'POST', `/api/chats/${conv.id}/read`, { seq: 99 });
    mine = (await ok<ConversationSummary[]>(s2, 'GET', '/api/chats')).find((c) => c.id === conv.id)!;
    expect(mine.unreadCount).toBe(0);
    expect(mine.lastReadSeq).toBe(3);
    expect((await ok<{ total: number }>(s2, 'GET', '/api/chats/unread')).total).toBeGreaterThanOrEqual(0);
  });

  it('chat removal ends access at once; the session chat follows the session', async () => {
    const conv = await ok<Conversation>(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Leaving', memberIds: [s1.id, s2.id] });
    await ok(teacher, 'DELETE', `/api/chats/${conv.id}/members/${s2.id}`);
    expect((await call(s2, 'POST', `/api/chats/${conv.id}/messages`, { text: 'still here?' })).status).toBe(404);
    expect(await membersOf(t.runtime.ctx, conv.id)).not.toContain(s2.id);

    const courseId = await insertCourse(t.runtime.ctx.db, teacher.id, [s1.id]);
    const sessionId = await insertSession(t.runtime.ctx.db, { hostId: teacher.id, scheduledAt: new Date(Date.UTC(2030, 0, 1)), courseId, invitees: [outsider.id] });
    const sc = await ok<Conversation>(s1, 'GET', `/api/sessions/${sessionId}/chat`);
    expect(sc.kind).toBe('session');
    expect(new Set(sc.members.map((m) => m.userId))).toEqual(new Set([teacher.id, s1.id, outsider.id]));
    expect((await call(s2, 'GET', `/api/sessions/${sessionId}/chat`)).status).toBe(404);
    expect((await sessionConversation(t.runtime.ctx, sessionId)).id).toBe(sc.id);
    // The calls feature posts system messages into it.
    const sys = await postSystemMessage(t.runtime.ctx, sc.id, { kind: 'call', text: 'Call started', meta: { callId: 'x' } });
    expect(sys).toMatchObject({ kind: 'call', authorId: null, meta: { callId: 'x' } });
  });

  it('chat search, mentions notify, per-user rate limit', async () => {
    const conv = await ok<Conversation>(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Search', memberIds: [s1.id, s2.id] });
    await ok(teacher, 'POST', `/api/chats/${conv.id}/messages`, { text: 'Photosynthesis quiz on Friday' });
    await ok(s2, 'POST', `/api/chats/${conv.id}/read`, { seq: 1 });
    const m = await ok<Message>(teacher, 'POST', `/api/chats/${conv.id}/messages`, { text: 'hey @Ada Student, see above' });
    const hits = await ok<{ id: string }[]>(s1, 'GET', '/api/chats/search?q=photosynthesis');
    expect(hits).toHaveLength(1);
    expect(await ok<unknown[]>(outsider, 'GET', '/api/chats/search?q=photosynthesis')).toHaveLength(0);
    const mention = await t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.eventKey, `chat.mention:${m.id}`), eq(notificationOutbox.channel, 'in_app')));
    expect(mention.map((r) => r.recipientId)).toEqual([s2.id]);
    // Burst: s1 has read nothing since message 1, so messages 2.. are one notification, not many.
    const forS1 = await t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.recipientId, s1.id), eq(notificationOutbox.channel, 'in_app'), eq(notificationOutbox.eventType, 'chat.message')));
    expect(forS1.filter((r) => (r.payload as { conversationId?: string }).conversationId === conv.id)).toHaveLength(1);
    t.clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: `spam ${i}` })).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    const limited = await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: 'more' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    t.clock.advance(60_000);
  });

  it('chat files: members upload an allowed type, only members download', async () => {
    const conv = await ok<Conversation>(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Files', memberIds: [s1.id] });
    const boundary = 'x-chat-boundary';
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201ffa7b6a3b80000000049454e44ae426082', 'hex');
    const body = (name: string) =>
      Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), png, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const up = await t.app.inject({ method: 'POST', url: `/api/chats/${conv.id}/files`, headers: { ...s1.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body('dot.png') });
    expect(up.statusCode).toBe(201);
    const att = up.json<{ id: string; url: string; contentType: string }>();
    expect(att.contentType).toBe('image/png');
    const bad = await t.app.inject({ method: 'POST', url: `/api/chats/${conv.id}/files`, headers: { ...s1.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body('run.exe') });
    expect(bad.statusCode).toBe(400);
    const msg = await ok<Message>(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: '', attachmentIds: [att.id] });
    expect(msg.attachments.map((a) => a.id)).toEqual([att.id]);
    expect((await call(s1, 'POST', `/api/chats/${conv.id}/messages`, { text: 'again', attachmentIds: [att.id] })).status).toBe(400);
    const dl = await t.app.inject({ method: 'GET', url: att.url, headers: teacher.headers });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(png)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: att.url, headers: outsider.headers })).statusCode).toBe(404);
  });

  it('chat routes are documented in OpenAPI with their response bodies', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> }>();
    for (const [path, method, status] of [
      ['/api/chats', 'post', '201'],
      ['/api/chats', 'get', '200'],
      ['/api/sessions/{id}/chat', 'get', '200'],
      ['/api/chats/{id}/messages', 'post', '201'],
      ['/api/chats/{id}/messages', 'get', '200'],
      ['/api/chats/{id}/messages/{mid}/reactions', 'post', '200'],
      ['/api/chats/{id}/pins', 'post', '200'],
      ['/api/chats/{id}/pins', 'get', '200'],
      ['/api/chats/{id}/read', 'post', '200'],
      ['/api/chats/{id}/members', 'post', '200'],
      ['/api/chats/{id}/members/{userId}', 'delete', '200'],
      ['/api/chats/{id}/files', 'post', '201'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.responses?.[status], `${method} ${path} ${status}`).toBeDefined();
    }
  });

  it('chat group commit: concurrent sends (with a resend among them) are numbered gap-free, stored once', async () => {
    t.clock.advance(60_000);
    const conv = await ok<Conversation>(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Burst', memberIds: [s1.id, s2.id] });
    const senders = [teacher, s1, s2];
    const before = groupCommitStats.batchedMessages;
    await Promise.all(Array.from({ length: 12 }, (_, i) => sendMessage(t.runtime.ctx, senders[i % 3]!.id, conv.id, { text: `warm ${i}`, clientId: `w-${i}` })));
    expect(groupCommitStats.batchedMessages).toBeGreaterThan(before); // some went together in one statement
    const sends = Array.from({ length: 30 }, (_, i) => sendMessage(t.runtime.ctx, senders[i % 3]!.id, conv.id, { text: `burst ${i}`, clientId: i === 27 ? 'b-0' : `b-${i}` }));
    const results = await Promise.all(sends);
    expect(results.filter((r) => r.created)).toHaveLength(29); // message 27 resends message 0 (same author, same clientId): its batch falls back to one by one
    expect(results[27]!.message.id).toBe(results[0]!.message.id);
    const rows = await t.runtime.ctx.db.select().from(messages).where(eq(messages.conversationId, conv.id));
    expect(rows.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => `${r.authorId}:${r.clientId}`)).size).toBe(rows.length);
  });

  it('chat email digest: only for users who opted in, once per hour, only messages older than 15 minutes', async () => {
    const conv = await ok<Conversation>(teacher, 'POST', '/api/chats', { kind: 'group', title: 'Digest', memberIds: [s1.id, s2.id] });
    t.clock.advance(60_000);
    await ok(teacher, 'POST', `/api/chats/${conv.id}/messages`, { text: 'homework is up' });
    const prefs = await ok<{ preferences: Record<string, { email: boolean; in_app: boolean }> }>(s1, 'GET', '/api/me/notification-preferences');
    expect(prefs.preferences['chat.message']).toMatchObject({ email: false, in_app: true });
    await t.runtime.ctx.db.insert(notificationPreferences).values({ userId: s1.id, eventType: 'chat.message', channel: 'email', enabled: true, updatedAt: t.clock.now() });
    expect(await runChatDigest(t.runtime.ctx)).toBe(0); // too fresh: in-app and push cover it
    t.clock.advance(20 * 60_000);
    expect(await runChatDigest(t.runtime.ctx)).toBe(1);
    await runChatDigest(t.runtime.ctx);
    const rows = await t.runtime.ctx.db.select().from(notificationOutbox).where(and(eq(notificationOutbox.channel, 'email'), eq(notificationOutbox.eventType, 'chat.message')));
    expect(rows.map((r) => r.recipientId)).toEqual([s1.id]);
    expect(rows[0]!.payload).toMatchObject({ title: expect.stringMatching(/unread chat message/) as string });
  });

});
