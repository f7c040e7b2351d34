// The socket to the `/rtc` namespace: typed requests with acknowledgements and typed
// notifications, per server/src/protocol (the contract).
import {
  RTC_NAMESPACE,
  type Ack,
  type ClientToServerEvents,
  type NotificationMap,
  type NotificationName,
  type RequestName,
  type RequestPayload,
  type ResponseMap,
  type ServerToClientEvents,
} from '@lectern/server/protocol';
import { io, type Socket } from 'socket.io-client';
import { toRoomErrorCode, type RoomErrorCode } from './roomErrors.js';

const REQUEST_TIMEOUT_MS = 10_000;

/** A request answered `{ ok: false }` (or not at all): `code` says what happened, as data. */
export class SignalingError extends Error {
  readonly code: RoomErrorCode;
  readonly request: string;

  constructor(request: string, code: RoomErrorCode, message: string) {
    super(message);
    this.name = 'SignalingError';
    this.code = code;
    this.request = request;
  }
}

export type SignalingSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The untyped shape of emitWithAck: a generic request name defeats socket.io's mapped typings. */
interface AckEmitter {
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
}

export class Signaling {
  readonly socket: SignalingSocket;
  /** The room token every handshake presents (replaced when the server sends a fresh one). */
  token: string;

  /**
   * `sessionId` names the room we want: the server refuses a token for another room. The
   * socket may open right here (socket.io shares one connection per origin, and an open one
   * connects new namespaces at once), so the token must be known before.
   */
  constructor(token: string, sessionId: string) {
    this.token = token;
    this.socket = io(RTC_NAMESPACE, {
      auth: (cb) => cb({ token: this.token, sessionId }),
      transports: ['websocket'],
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
  }

  connect(): void {
    this.socket.connect();
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  async request<N extends RequestName>(name: N, payload: RequestPayload<N>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseMap[N]> {
    let res: Ack<ResponseMap[N]>;
    try {
      const emitter = this.socket.timeout(timeoutMs) as unknown as AckEmitter;
      res = (await emitter.emitWithAck(name, payload)) as Ack<ResponseMap[N]>;
    } catch {
      throw new SignalingError(name, 'timeout', `The server did not answer "${name}" in time.`);
    }
    if (!res || typeof res !== 'object') throw new SignalingError(name, 'internal', `Bad answer to "${name}".`);
    if (!res.ok) throw new SignalingError(name, toRoomErrorCode(res.error.code), res.error.message);
    return res.data;
  }

  on<N extends NotificationName>(name: N, fn: (payload: NotificationMap[N]) => void): void {
    // socket.io's typed `on` cannot narrow a generic event name; the map above is the contract.
    (this.socket as unknown as { on(ev: string, fn: (p: NotificationMap[N]) => void): void }).on(name, fn);
  }
}
