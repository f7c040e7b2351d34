// Test-only: talking to a socket Lectern as the room's participants do: JSON calls to the
// API with a bearer header, room sockets that record every event, signaling requests.
import { io as connect, type Socket } from 'socket.io-client';
import type { Lectern } from '../../lectern.js';
import { RTC_NAMESPACE, type Ack } from '../../protocol/index.js';

export interface RoomSocket {
  socket: Socket;
  welcome: Promise<{ state: string; peerId: string }>;
  events: { name: string; payload: unknown; at: number }[];
}

type Headers = Record<string, string>;

/** Helpers bound to one Lectern; every socket opened is kept in `sockets` for the suite to close. */
export function roomSockets(lectern: () => Lectern, hostAuth: () => Headers) {
  const sockets: Socket[] = [];

  const api = async <T>(method: string, url: string, body?: unknown, headers: Headers = hostAuth()): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${lectern().url}${url}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };

  const dial = (token: string, extraAuth: Record<string, unknown>): Socket => {
    const socket = connect(`${lectern().url}${RTC_NAMESPACE}`, { auth: { token, ...extraAuth }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };

  const req = <T = unknown>(c: RoomSocket, name: string, payload: unknown = {}): Promise<Ack<T>> =>
    c.socket.timeout(10_000).emitWithAck(name, payload) as Promise<Ack<T>>;

  return {
    sockets,
    api,
    req,

    /** Asks for the router's capabilities and joins with them (throws on a refusal). */
    joinRoom: async (c: RoomSocket): Promise<void> => {
      const caps = await req<{ rtpCapabilities: unknown }>(c, 'getRouterRtpCapabilities');
      if (!caps.ok) throw new Error(caps.error.message);
      const j = await req(c, 'join', { rtpCapabilities: caps.data.rtpCapabilities });
      if (!j.ok) throw new Error(j.error.message);
    },

    /** A session of the host's, its join code; started unless `start` is false. */
    session: async (opts: { guestAccess?: 'lobby' | 'open'; start?: boolean; participantLimit?: number | undefined; webinarMode?: boolean } = {}): Promise<{ sid: string; code: string }> => {
      const body = { title: 'Gateway test', scheduledAt: new Date().toISOString(), durationMinutes: 30, timezone: 'UTC', guestAccess: opts.guestAccess ?? 'open', participantLimit: opts.participantLimit, webinarMode: opts.webinarMode };
      const s = await api<{ id: string }>('POST', '/api/sessions', body);
      if (opts.start ?? true) await api('POST', `/api/sessions/${s.body.id}/start`);
      const c = await api<{ code: string }>('POST', `/api/sessions/${s.body.id}/codes`);
      return { sid: s.body.id, code: c.body.code };
    },

    guestToken: async (code: string, name = 'Guest'): Promise<string> => {
      const r = await api<{ roomToken: string }>('POST', '/api/join', { code, displayName: name }, {});
      if (r.status !== 200) throw new Error(`join answered ${r.status}`);
      return r.body.roomToken;
    },

    hostToken: async (sid: string): Promise<string> => {
      return (await api<{ roomToken: string }>('POST', `/api/sessions/${sid}/room-token`)).body.roomToken;
    },

    open: (token: string, extraAuth: Record<string, unknown> = {}): RoomSocket => {
      const socket = dial(token, extraAuth);
      const events: RoomSocket['events'] = [];
      socket.onAny((name: string, payload: unknown) => events.push({ name, payload, at: Date.now() }));
      const welcome = new Promise<{ state: string; peerId: string }>((resolve, reject) => {
        socket.once('welcome', resolve);
        socket.once('connect_error', reject);
      });
      return { socket, welcome, events };
    },

    /** A handshake that must be refused: its message and code. */
    refused: (token: string, extraAuth: Record<string, unknown> = {}): Promise<{ message: string; code?: string }> => {
      const socket = dial(token, extraAuth);
      return new Promise((resolve, reject) => {
        socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve({ message: err.message, code: err.data?.code }));
        socket.once('connect', () => reject(new Error('connected but should have been refused')));
      });
    },

    closeAll: (): void => {
      for (const s of sockets) s.disconnect();
    },
  };
}

/** Polls `cond` until it holds; fails after `ms`. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
