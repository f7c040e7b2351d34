// A socket.io connection of the signed-in user that follows sign-in and sign-out (chat,
// notifications and calls each keep one): on every change of user the last socket is
// closed and the caller's state cleared, and a new socket is opened for the new user.
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { accessToken } from './api.js';
import { authStore, refreshAccess } from './auth.js';

interface UserSocketOptions {
  /** More io() options (e.g. forceNew). */
  io?: Partial<ManagerOptions & SocketOptions>;
  /** Clears the state the last user's connection left. */
  reset: () => void;
  /** Puts the listeners on a new socket. */
  listen: (socket: Socket) => void;
}

export interface UserSocketHandle {
  /** The socket of the signed-in user; null while nobody is. */
  readonly socket: Socket | null;
  readonly userId: string | null;
  /** Follows sign-in and sign-out from now on. Idempotent. */
  start(): void;
}

export function userSocket(namespace: string, opts: UserSocketOptions): UserSocketHandle {
  let socket: Socket | null = null;
  let userId: string | null = null;
  let started = false;
  const connect = (): Socket => {
    // The token is a function, so every reconnect presents the current (refreshed) one.
    const s = io(namespace, { auth: (cb) => cb({ token: accessToken() ?? '' }), transports: ['websocket', 'polling'], ...opts.io });
    s.on('connect_error', (err) => {
      if (err.message === 'unauthorized') void refreshAccess().then((ok) => ok && socket?.connect());
    });
    // Dropped by the server on purpose (our password, role or access changed; the node is
    // going away): socket.io does not come back by itself. Back only if the session stands.
    s.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') void refreshAccess().then((ok) => ok && socket === s && s.connect());
    });
    opts.listen(s);
    return s;
  };
  const sync = () => {
    const user = authStore.get().user;
    if ((user?.id ?? null) === userId) return;
    socket?.close();
    socket = null;
    opts.reset();
    userId = user?.id ?? null;
    if (user) socket = connect();
  };
  return {
    get socket() {
      return socket;
    },
    get userId() {
      return userId;
    },
    start() {
      if (started) return;
      started = true;
      authStore.subscribe(sync);
      sync();
    },
  };
}
