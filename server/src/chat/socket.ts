// Socket.IO namespace /chat: a signed-in user's chat feed. The handshake presents the API
// access token (`auth: { token }`); the socket joins `user:<id>`, the room every chat event
// for that user is emitted to (see live.ts). Requests: send (ack carries the stored
// message), sync (everything after a seq), read, typing (ephemeral, throttled, never
// stored), viewing (suppresses notifications for the open conversation), online.
import { eq } from 'drizzle-orm';
import type { Server, Socket } from 'socket.io';
import type { z } from 'zod';
import { users } from '@lectern/db';
import type { AppContext } from '../context.js';
import { AppError } from '../errors.js';
import { TokenBucket } from '../gateway/TokenBucket.js';
import { CHAT_NAMESPACE, SocketOnline, SocketRead, SocketSend, SocketSync, SocketTyping, SocketViewing, type ChatAck } from './contract.js';
import { bindChatNamespace, chatUserRoom, deliver, unbindChatNamespace, type ChatNamespace } from './live.js';
import { listMessages, markRead, sendMessage } from './messages.js';
import { setViewing } from './notify.js';
import { activeMembers, assertMember } from './service.js';

const TYPING_INTERVAL_MS = 1500;

export interface ChatSocket {
  readonly nsp: ChatNamespace;
  close(): void;
}

function fail(err: unknown): ChatAck<never> {
  if (err instanceof AppError && err.statusCode < 500) return { ok: false, error: { code: err.code, message: err.message } };
  return { ok: false, error: { code: 'internal', message: 'Something went wrong' } };
}

export function attachChatNamespace(ctx: AppContext, io: Server): ChatSocket {
  const nsp = io.of(CHAT_NAMESPACE) as unknown as ChatNamespace;
  const log = ctx.logger.child({ component: 'chat-socket' });
  nsp.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length > 4096) return next(new Error('unauthorized'));
    ctx.tokens
      .verifyAccess(token)
      .then(async (claims) => {
        await ctx.accessGate.check(claims);
        const [u] = await ctx.db.select({ name: users.name, disabled: users.disabled }).from(users).where(eq(users.id, claims.userId));
        if (!u || u.disabled) return next(new Error('unauthorized'));
        socket.data.userId = claims.userId;
        socket.data.name = u.name;
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });

  nsp.on('connection', (socket) => {
    const userId = socket.data.userId;
    void socket.join(chatUserRoom(userId));
    const bucket = new TokenBucket(30, 60);
    const lastTyping = new Map<string, number>();
    let viewing: string | null = null;

    /** A request with an ack: validated payload, rate limited, errors become error acks. */
    const handle = <S extends z.ZodType, T>(event: string, schema: S, run: (p: z.output<S>) => Promise<T>) => {
      (socket as unknown as Socket).on(event, (payload: unknown, ack: unknown) => {
        const reply = typeof ack === 'function' ? (ack as (a: ChatAck<T>) => void) : () => undefined;
        if (!bucket.take()) return reply({ ok: false, error: { code: 'rate_limited', message: 'Too many requests' } });
        const parsed = schema.safeParse(payload);
        if (!parsed.success) return reply({ ok: false, error: { code: 'validation_failed', message: parsed.error.issues[0]?.message ?? 'invalid payload' } });
        run(parsed.data).then(
          (data) => reply({ ok: true, data }),
          (err: unknown) => {
            if (!(err instanceof AppError) || err.statusCode >= 500) log.error({ err, event }, 'chat request failed');
            reply(fail(err));
          },
        );
      });
    };

    handle('send', SocketSend, async ({ conversationId, ...body }) => (await sendMessage(ctx, userId, conversationId, body)).message);
    handle('sync', SocketSync, (p) => listMessages(ctx, userId, p.conversationId, { after: p.after, limit: p.limit }));
    handle('read', SocketRead, (p) => markRead(ctx, userId, p.conversationId, p.seq));
    handle('viewing', SocketViewing, async (p) => {
      if (p.conversationId) await assertMember(ctx, p.conversationId, userId);
      await setViewing(ctx.counters, userId, p.conversationId, viewing);
      viewing = p.conversationId;
      return null;
    });
    handle('typing', SocketTyping, async ({ conversationId }) => {
      const now = ctx.clock.now().getTime();
      if (now - (lastTyping.get(conversationId) ?? 0) < TYPING_INTERVAL_MS) return null; // throttled: dropped, not an error
      lastTyping.set(conversationId, now);
      await assertMember(ctx, conversationId, userId);
      const others = (await activeMembers(ctx.db, conversationId)).filter((id) => id !== userId);
      deliver(ctx, others, 'typing', { conversationId, userId, name: socket.data.name });
      return null;
    });
    handle('online', SocketOnline, async ({ userIds }) => {
      if (userIds.length === 0) return [];
      const sockets = await nsp.in(userIds.map(chatUserRoom)).fetchSockets();
      return [...new Set(sockets.map((s) => s.data.userId))];
    });
    socket.on('disconnect', () => {
      if (viewing) void setViewing(ctx.counters, userId, null, viewing).catch(() => undefined);
    });
  });
  bindChatNamespace(ctx, nsp);
  let closed = false;
  return {
    nsp,
    close: () => {
      if (closed) return;
      closed = true;
      unbindChatNamespace(ctx);
      nsp.disconnectSockets(true);
    },
  };
}
