// Socket.IO namespace /user: a signed-in user's live feed. The handshake presents the API
// access token (`auth: { token }`); the socket joins room `user:<id>`. In-app
// notifications written by any node arrive over the bus and are emitted to that room.
import type { Namespace, Server } from 'socket.io';
import type { Database } from '@lectern/db';
import type { Unsubscribe } from '../bus/Bus.js';
import type { EventBus } from '../bus/EventBus.js';
import type { AccessGate } from '../auth/accessGate.js';
import type { TokenService } from '../auth/tokens.js';
import type { Logger } from '../logger.js';
import type { NotificationMap } from '../protocol/index.js';
import { USER_NOTIFICATIONS_TOPIC, USER_WITHDRAWN_TOPIC } from './channels/inApp.js';

export const USER_NAMESPACE = '/user';

type UserServerEvents = { notification: (n: NotificationMap['notification']) => void; notificationWithdrawn: (m: { ids: string[] }) => void };
type UserNamespace = Namespace<Record<string, never>, UserServerEvents, Record<string, never>, { userId: string }>;



export const userRoom = (userId: string): string => `user:${userId}`;

export interface UserSocket {
  readonly nsp: UserNamespace;
  close(): Promise<void>;
}


export async function attachUserNamespace(deps: { io: Server; bus: EventBus; tokens: TokenService; accessGate: AccessGate; logger: Logger; db: Database }): Promise<UserSocket> {
  const nsp = deps.io.of(USER_NAMESPACE) as unknown as UserNamespace;
  nsp.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || token.length > 4096) return next(new Error('unauthorized'));
    deps.tokens
      .verifyAccess(token)
      .then(async (claims) => {
        await deps.accessGate.check(claims); // disabled, deleted, or signed out everywhere: refused
        socket.data.userId = claims.userId;
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });
  nsp.on('connection', (socket) => {
    void socket.join(userRoom(socket.data.userId));
    // Nothing to ask the server here: anything sent is ignored.
    socket.onAny(() => undefined);
  });
  const unsubscribe: Unsubscribe = await deps.bus.subscribe(USER_NOTIFICATIONS_TOPIC, (m) => {
    const { link, ...rest } = m.notification;
    nsp.to(userRoom(m.userId)).emit('notification', { ...rest, ...(link ? { link } : {}) });
  });
  const unsubscribeWithdrawn: Unsubscribe = await deps.bus.subscribe(USER_WITHDRAWN_TOPIC, (m) => {
    const byUser = new Map<string, string[]>();
    for (const it of m.items) byUser.set(it.userId, [...(byUser.get(it.userId) ?? []), it.id]);
    for (const [userId, ids] of byUser) nsp.to(userRoom(userId)).emit('notificationWithdrawn', { ids });
  });
  let closed = false;
  return {
    nsp,
    close: async () => {
      if (closed) return;
      closed = true;
      await unsubscribe();
      await unsubscribeWithdrawn();
      nsp.disconnectSockets(true);
    },
  };
}
