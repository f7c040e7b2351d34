// A signaling peer for RoomClient unit tests: a real Socket.IO server on 127.0.0.1 serving
// the `/rtc` namespace. Every request the client sends is checked against the server's
// own zod schemas (a payload that fails is recorded in `invalid` and refused, as the
// gateway would); answers and notifications are typed by the protocol's ResponseMap and
// NotificationMap. Media answers come from mediasoup-client's fake parameters, matching
// the FakeHandler the client runs on instead of WebRTC.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  RTC_NAMESPACE,
  type Ack,
  type EntryState,
  type NotificationMap,
  type NotificationName,
  type ParsedRequest,
  type PeerInfo,
  type RequestName,
  type ResponseMap,
  type SessionInfo,
} from '@lectern/server/protocol';
import { requestSchemas } from '@lectern/server/protocol/schemas';
import * as fake from 'mediasoup-client/fakeParameters';
import { Server, type Namespace, type Socket } from 'socket.io';

export interface SeenRequest {
  name: RequestName;
  payload: unknown;
}

type Handler<N extends RequestName> = (payload: ParsedRequest<N>, socket: Socket) => Ack<ResponseMap[N]> | Promise<Ack<ResponseMap[N]>>;
type Handlers = { [N in RequestName]: Handler<N> };

const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
const isRequestName = (name: string): name is RequestName => Object.hasOwn(requestSchemas, name);

export const SESSION: SessionInfo = { id: '3f1c2b7e-8a4d-4c2e-9b1f-6d5e4a3b2c1d', title: 'Algebra II', status: 'live', locked: false, recording: false, scheduledAt: '2026-11-30T09:00:00.000Z', webinarMode: false };
export const TEACHER: PeerInfo = {
  peerId: 'peer-teacher',
  displayName: 'Ada Teacher',
  role: 'host',
  producers: [{ producerId: 'prod-teacher-mic', peerId: 'peer-teacher', kind: 'audio', source: 'mic', paused: false }],
};

export class FakeRoomServer {
  readonly handshakes: { token: unknown; sessionId: unknown }[] = [];
  readonly requests: SeenRequest[] = [];
  /** Requests that failed the protocol's schema (or named no request): must stay empty. */
  readonly invalid: string[] = [];
  /** Room tokens the handshake accepts. */
  readonly tokens = new Set<string>(['token-1']);
  /** Where `welcome` puts the next socket. */
  welcomeState: EntryState = 'ready';
  /** The session `welcome` describes. */
  session: SessionInfo = SESSION;
  /** Per-test replacements for the answers. */
  readonly override: Partial<Handlers> = {};
  readonly #io: Server;
  readonly #nsp: Namespace;
  #port = 0;

  private constructor() {
    this.#io = new Server({ transports: ['websocket'] });
    this.#nsp = this.#io.of(RTC_NAMESPACE);
    this.#nsp.use((socket, next) => {
      const { token, sessionId } = socket.handshake.auth as { token?: unknown; sessionId?: unknown };
      this.handshakes.push({ token, sessionId });
      // As the gateway: the refusal's code travels in `data`.
      if (typeof token !== 'string' || !this.tokens.has(token)) next(Object.assign(new Error('Invalid room token'), { data: { code: 'unauthorized' } }));
      else if (sessionId !== SESSION.id) next(Object.assign(new Error('This token is for another session'), { data: { code: 'forbidden' } }));
      else next();
    });
    this.#nsp.on('connection', (socket) => this.#connected(socket));
  }

  static async start(): Promise<FakeRoomServer> {
    const s = new FakeRoomServer();
    await new Promise<void>((resolve) => {
      s.#io.listen(0);
      s.#io.httpServer.once('listening', resolve);
    });
    s.#port = (s.#io.httpServer.address() as AddressInfo).port;
    return s;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Names of the requests seen so far, in order. */
  names(): RequestName[] {
    return this.requests.map((r) => r.name);
  }

  count(name: RequestName): number {
    return this.requests.filter((r) => r.name === name).length;
  }

  get connections(): number {
    return this.#nsp.sockets.size;
  }

  notify<N extends NotificationName>(name: N, payload: NotificationMap[N]): void {
    (this.#nsp as unknown as { emit(ev: string, p: unknown): void }).emit(name, payload);
  }

  /** The network drops: the connection closes under the sockets (socket.io-client reconnects by itself). */
  dropConnections(): void {
    for (const socket of this.#nsp.sockets.values()) socket.conn.close();
  }

  /** The server disconnects the sockets on purpose (`io server disconnect`). */
  kickAll(): void {
    for (const socket of this.#nsp.sockets.values()) socket.disconnect(true);
  }

  close(): Promise<void> {
    return new Promise((resolve) => void this.#io.close(() => resolve()));
  }

  #connected(socket: Socket): void {
    socket.onAny((name: string, payload: unknown, ack: unknown) => void this.#request(socket, name, payload, ack));
    socket.emit('welcome', { peerId: 'peer-me', displayName: 'Sam Student', role: 'participant', state: this.welcomeState, session: this.session } satisfies NotificationMap['welcome']);
  }

  async #request(socket: Socket, name: string, payload: unknown, ack: unknown): Promise<void> {
    const reply = typeof ack === 'function' ? (ack as (res: Ack<unknown>) => void) : () => undefined;
    if (!isRequestName(name)) {
      this.invalid.push(`${name}: not a request`);
      return;
    }
    const key = name;
    const parsed = requestSchemas[key].safeParse(payload);
    this.requests.push({ name: key, payload });
    if (!parsed.success) {
      this.invalid.push(`${name}: ${parsed.error.message}`);
      reply({ ok: false, error: { code: 'bad_request', message: parsed.error.message } });
      return;
    }
    if (typeof ack !== 'function') this.invalid.push(`${name}: sent without an acknowledgement`);
    const handler = (this.override[key] ?? DEFAULTS[key]) as Handler<RequestName>;
    reply(await handler(parsed.data, socket));
  }
}

const transport = () => {
  const p = fake.generateTransportRemoteParameters();
  return ok({ id: p.id, iceParameters: p.iceParameters, iceCandidates: p.iceCandidates, dtlsParameters: p.dtlsParameters });
};

export const DEFAULTS = {
  getRouterRtpCapabilities: () => ok({ rtpCapabilities: fake.generateRouterRtpCapabilities() }),
  join: () => ok({ self: { peerId: 'peer-me', displayName: 'Sam Student', role: 'participant', producers: [] }, session: SESSION, peers: [TEACHER], lobby: [], rosterTotal: 1 }),
  createTransport: transport,
  connectTransport: () => ok({}),
  restartIce: () => ok({ iceParameters: fake.generateTransportRemoteParameters().iceParameters }),
  produce: () => ok({ id: randomUUID() }),
  closeProducer: () => ok({}),
  pauseProducer: () => ok({}),
  resumeProducer: () => ok({}),
  consume: ({ producerId }) => {
    const c = fake.generateConsumerRemoteParameters({ codecMimeType: 'audio/opus' });
    return ok({ id: c.id, producerId, peerId: TEACHER.peerId, kind: 'audio' as const, rtpParameters: c.rtpParameters, type: 'simple', producerPaused: false, source: 'mic' as const });
  },
  pauseConsumer: () => ok({}),
  resumeConsumer: () => ok({}),
  setPreferredLayers: () => ok({}),
  reportQuality: () => ok({}),
  leave: (_p, socket) => {
    // The gateway answers and then closes the socket.
    setTimeout(() => socket.disconnect(true), 0);
    return ok({});
  },
  admit: () => ok({}),
  deny: () => ok({}),
  mutePeer: () => ok({}),
  removePeer: () => ok({}),
  promote: () => ok({}),
  demote: () => ok({}),
  roster: ({ offset }) => ok({ peers: [TEACHER].slice(offset), total: 1, offset }),
  lockRoom: () => ok({}),
  startRecording: () => ok({ recordingId: randomUUID() }),
  stopRecording: () => ok({}),
  endSession: () => ok({}),
} satisfies Handlers;
