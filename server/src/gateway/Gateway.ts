// The Socket.IO signaling gateway (namespace /rtc): authenticates sockets with a room
// token, validates every payload, runs the request handlers, relays SFU and session
// events to the right sockets, and records attendance.
import type { Server } from 'socket.io';
import { isDatabaseUnavailable, type RoomAccessState } from '@lectern/db';
import type { Unsubscribe } from '../bus/Bus.js';
import type { RoomControl } from '../bus/topics.js';
import type { Clock } from '../clock.js';
import type { AppContext } from '../context.js';
import { AppError, UnauthorizedError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  MAX_MESSAGE_BYTES,
  RTC_NAMESPACE,
  type Ack,
  type LobbyEntry,
  type NotificationMap,
  type NotificationName,
  type PeerInfo,
  type ProducerInfo,
  type QualityLevel,
  type RequestName,
  type RoomRole,
  type SessionInfo,
} from '../protocol/index.js';
import { requestSchemas } from '../protocol/schemas.js';
import { isErrorCode, type ErrorCode } from '../protocol/errors.js';

import { roomSession, setAccess, updateRoomSettings, type RoomSettings } from '../rooms/roomAccess.js';
import { endSession, SESSION_EVENTS_TOPIC } from '../sessions/sessionService.js';
import { SFU_EVENTS_TOPIC, type SfuClient } from '../sfu/SfuClient.js';
import { closeStaleIntervals, HEARTBEAT_MS, SWEEP_MS } from './attendance.js';
import { AttendanceJournal } from './attendanceJournal.js';
import { applyControl, relaySessionEvent, relaySfuEvent, type RelayDeps } from './relay.js';
import { handlers } from './handlers.js';
import { authenticateSocket } from './handshake.js';
import { letWaitingIn, lobbyOf, placeWaiting, pushLobby } from './lobby.js';
import { TokenBucket } from './TokenBucket.js';
import { peerInfoOf, Promotions, roleInRoom, RosterAnnouncer, rosterPage } from './webinarRoom.js';
import {
  CONTROL_TOPIC,
  hostsKey,
  isHostRole,
  lobbyKey,
  peerKey,
  roomKey,
  type IceServer,
  type RoomOps,
  type RtcNamespace,
  type RtcServer,
  type RtcSocket,
} from './types.js';

/** An error code for the wire: ours as is; the SFU's mapped onto ours. */
function wireCode(code: unknown): ErrorCode {
  if (isErrorCode(code)) return code;
  if (code === 'room_full') return 'room_full';
  if (typeof code === 'string' && code.endsWith('_not_found')) return 'not_found';
  if (code === 'invalid_request' || code === 'cannot_consume') return 'bad_request';
  if (code === 'validation_failed') return 'bad_request';
  return typeof code === 'string' ? 'sfu_error' : 'internal';
}

export interface GatewayOptions {
  ctx: AppContext;
  io: Server;
  sfu: SfuClient;
  /** TURN credentials for a peer, when TURN is configured. */
  iceServers?: (peerId: string) => IceServer[];
  /** Recording control, wired by the recording module when present. */
  recording?: (action: 'start' | 'stop', sessionId: string, userId: string | null) => Promise<{ recordingId: string }>;
  /** Whether the session is being recorded now (reported in welcome/join). */
  isRecording?: (sessionId: string) => Promise<boolean>;
  /** Webinar rooms: the least spacing of two roster batches to the viewers, ms (default 1000). */
  rosterBatchMs?: number;
}

export class Gateway implements RoomOps {
  readonly ctx: AppContext;
  readonly nsp: RtcNamespace;
  readonly sfu: SfuClient;
  readonly #opts: GatewayOptions;
  readonly #log: Logger;
  readonly #unsubscribe: Unsubscribe[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #relay: RelayDeps;
  /** Per local socket: send it a fresh room token now (see #scheduleTokenRefresh). */
  readonly #refreshers = new Map<string, () => void>();
  #closed = false;
  /** Webinar rooms: who may publish besides the hosts, and the viewers' batched roster changes. */
  readonly #promotions = new Promotions();
  readonly #roster: RosterAnnouncer;
  /** Attendance writes: never fail a call; kept and retried while the database is away. */
  readonly #attendance: AttendanceJournal;
  private constructor(opts: GatewayOptions) {
    this.#opts = opts;
    this.ctx = opts.ctx;
    this.sfu = opts.sfu;
    this.nsp = (opts.io as unknown as RtcServer).of(RTC_NAMESPACE);
    this.#log = opts.ctx.logger.child({ component: 'gateway' });
    this.#attendance = new AttendanceJournal({ ...opts.ctx, logger: this.#log });
    this.#relay = {
      nsp: this.nsp,
      sfu: this.sfu,
      leave: (s) => this.leave(s),
      pushLobby: (id) => pushLobby(this.nsp, id),
      letWaitingIn: (id) => letWaitingIn(this.ctx, this.nsp, id, (s) => this.#refreshNow(s)),
      refreshToken: (socket) => this.#refreshNow(socket),
      setPromoted: (sessionId, peerId, promoted) => this.#promotions.set(sessionId, peerId, promoted),
      forgetRoom: (sessionId) => this.#promotions.forget(sessionId),
    };
    this.#roster = new RosterAnnouncer(this.nsp, opts.rosterBatchMs);
  }

  get clock(): Clock {
    return this.ctx.clock;
  }

  static async create(opts: GatewayOptions): Promise<Gateway> {
    const gw = new Gateway(opts);
    await gw.#start();
    return gw;
  }

  async #start(): Promise<void> {
    this.nsp.use((socket, next) => {
      authenticateSocket(this.ctx, socket).then(
        () => next(),
        (err: unknown) => {
          const e = err instanceof AppError ? err : new UnauthorizedError();
          if (!(err instanceof AppError)) this.#log.error({ err }, 'handshake failed');
          next(Object.assign(new Error(e.message), { data: { code: e.code } }));
        },
      );
    });
    this.nsp.on('connection', (socket) => this.#onConnection(socket));
    const bus = this.ctx.bus;
    this.#unsubscribe.push(
      await bus.subscribe(SFU_EVENTS_TOPIC, (e) => relaySfuEvent(this.nsp, e)),
      await bus.subscribe(SESSION_EVENTS_TOPIC, (e) => relaySessionEvent(this.#relay, e)),
      await bus.subscribe(CONTROL_TOPIC, (m) => applyControl(this.#relay, m)),
    );
    const closed = await closeStaleIntervals(this.ctx);
    if (closed > 0) this.#log.info({ closed }, 'closed attendance intervals left open by a stopped process');
    this.#timers.push(setInterval(() => void this.#heartbeat(), HEARTBEAT_MS));
    this.#timers.push(setInterval(() => void this.#attendance.sweep(), SWEEP_MS));
  }

  // ---------------------------------------------------------------- connections

  #onConnection(socket: RtcSocket): void {
    const d = socket.data;
    const log = this.#log.child({ roomId: d.sessionId, peerId: d.peerId });
    void socket.join(peerKey(d.sessionId, d.peerId));
    if (isHostRole(d.role)) void socket.join(hostsKey(d.sessionId));
    // A signed-in participant's sockets are disconnected when their account changes (auth/signOut).
    if (d.claims.userId) void socket.join(`user:${d.claims.userId}`);
    // A second connection of the same participant replaces the first.
    void this.control({ type: 'replace', sessionId: d.sessionId, peerId: d.peerId, keepSocketId: socket.id });

    const bucket = new TokenBucket(40, 80);
    // The ack is the last argument when it is a function (not always the second: a client may send
    // more arguments, or none but the ack); the payload is the first argument unless that is the ack.
    for (const name of Object.keys(requestSchemas) as RequestName[]) {
      socket.on(name, (...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? args.at(-1) : undefined;
        void this.#dispatch(socket, name, args[0] === ack ? undefined : args[0], ack, bucket, log);
      });
    }
    // Anything else is refused; names are not always strings (Socket.IO lets numbers through), and
    // inherited keys of the schema map ('toString', 'constructor') are no request either.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && Object.hasOwn(requestSchemas, event)) return;
      const ack = args.at(-1);
      if (typeof ack !== 'function') return;
      // Unknown names spend the same budget as requests: a flood of them is refused, not answered in full.
      const error = bucket.take()
        ? { code: 'bad_request' as const, message: `Unknown request ${String(event).slice(0, 40)}` }
        : { code: 'rate_limited' as const, message: 'Too many requests on this connection' };
      (ack as (a: Ack<never>) => void)({ ok: false, error });
    });
    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'socket disconnected');
      void this.leave(socket).catch((err: unknown) => log.warn({ err }, 'leave after disconnect failed'));
    });

    void this.#welcome(socket).catch((err: unknown) => log.error({ err }, 'welcome failed'));
  }

  async #welcome(socket: RtcSocket): Promise<void> {
    const d = socket.data;
    await placeWaiting(this.ctx, this.nsp, socket, this.#log);
    socket.emit('welcome', { peerId: d.peerId, displayName: d.displayName, role: d.role, state: d.state, session: await this.sessionInfo(d.sessionId) });
    this.#scheduleTokenRefresh(socket);
  }

  /**
   * Sends a fresh room token now and every half TTL, but only to sockets the room let in: a
   * token refreshed in the lobby or while waiting for the start would keep a never-admitted
   * guest's join-code token alive. Admission or the start sends one at once (#refreshNow).
   */
  #scheduleTokenRefresh(socket: RtcSocket): void {
    const d = socket.data;
    const send = async () => {
      if (!socket.connected || d.state === 'lobby' || d.state === 'waiting') return;
      const roomToken = await this.ctx.tokens.signRoom({
        participantId: d.peerId,
        sessionId: d.sessionId,
        role: d.role,
        displayName: d.displayName,
        userId: d.claims.userId,
      });
      const expiresAt = new Date(this.ctx.clock.now().getTime() + this.ctx.tokens.roomTtlSeconds * 1000).toISOString();
      socket.emit('tokenRefreshed', { roomToken, expiresAt });
    };
    void send().catch(() => undefined);
    const every = Math.max(30_000, (this.ctx.tokens.roomTtlSeconds * 1000) / 2);
    const timer = setInterval(() => void send().catch(() => undefined), every);
    this.#refreshers.set(socket.id, () => void send().catch(() => undefined));
    socket.once('disconnect', () => {
      clearInterval(timer);
      this.#refreshers.delete(socket.id);
    });
  }

  /** A socket of this node was let in (admitted, or the start): its first fresh token now. */
  #refreshNow(socket: RtcSocket): void {
    this.#refreshers.get(socket.id)?.();
  }

  async #dispatch(socket: RtcSocket, name: RequestName, payload: unknown, ack: unknown, bucket: TokenBucket, log: Logger): Promise<void> {
    const reply = typeof ack === 'function' ? (ack as (a: Ack<unknown>) => void) : () => undefined;
    const fail = (code: ErrorCode, message: string) => reply({ ok: false, error: { code, message } });
    if (!bucket.take()) return fail('rate_limited', 'Too many requests on this connection');
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(payload ?? {}));
    } catch {
      return fail('bad_request', 'Payload is not JSON');
    }
    if (size > MAX_MESSAGE_BYTES) return fail('bad_request', `Payload too large (${size} > ${MAX_MESSAGE_BYTES} bytes)`);
    const parsed = requestSchemas[name].safeParse(payload ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail('bad_request', `${name}: ${issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid payload'}`);
    }
    try {
      // The payload was parsed by this request's own schema just above.
      reply({ ok: true, data: await handlers[name](this, socket, parsed.data as never) });
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      // The database restarting: a retryable refusal, never its driver's text (hosts, ports).
      if (isDatabaseUnavailable(err)) return fail('not_available', 'The service is briefly unavailable. Try again in a moment.');
      if (err instanceof AppError || (typeof e.code === 'string' && typeof e.message === 'string')) {
        log.debug({ err, request: name }, 'request refused');
        return fail(wireCode(e.code), String(e.message));
      }
      log.error({ err, request: name }, 'request failed');
      return fail('internal', 'Internal error');
    }
  }

  /** Leaves the room for good (not when a newer connection replaced this one). */
  async leave(socket: RtcSocket): Promise<void> {
    const d = socket.data;
    if (d.state === 'waiting') {
      d.state = 'ready'; // nothing to clean up for a socket waiting for the start
      return;
    }
    if (d.state === 'lobby') {
      d.state = 'ready'; // nothing more to clean up for a lobby socket
      await socket.leave(lobbyKey(d.sessionId));
      await pushLobby(this.nsp, d.sessionId);
      return;
    }
    if (!d.joined) return;
    d.joined = false;
    await this.#attendance.leave(socket.id);
    const others = (await this.nsp.in(peerKey(d.sessionId, d.peerId)).fetchSockets()).filter((s) => s.id !== socket.id);
    if (d.replaced || others.length > 0) return;
    await this.sfu.call('removePeer', { roomId: d.sessionId, peerId: d.peerId, connectionId: socket.id }).catch(() => undefined);
    this.#roster.left(socket);
  }

  // Webinar rooms (webinarRoom.ts): the roster's announcements and pages, who was promoted.
  announceJoin = (socket: RtcSocket, peer: PeerInfo): void => this.#roster.joined(socket, peer);
  isWebinar = async (sessionId: string): Promise<boolean> => (await roomSession(this.ctx, sessionId)).webinarMode;
  isPromoted = (sessionId: string, peerId: string): boolean => this.#promotions.has(sessionId, peerId);
  roleInRoom = (sessionId: string, peerId: string): Promise<RoomRole | null> => roleInRoom(this.nsp, sessionId, peerId);
  rosterPage = (sessionId: string, exceptPeerId: string, offset: number, limit: number): Promise<{ peers: PeerInfo[]; total: number }> =>
    rosterPage(this.nsp, sessionId, exceptPeerId, offset, limit);

  // ---------------------------------------------------------------- helpers for handlers

  async ensureRoom(sessionId: string): Promise<{ rtpCapabilities: unknown }> {
    const s = await roomSession(this.ctx, sessionId);
    return this.sfu.call('ensureRoom', { roomId: sessionId, maxPeers: s.participantLimit ?? this.ctx.config.sfu.maxParticipants });
  }

  peerInfo(socket: { data: RtcSocket['data'] }, producers: ProducerInfo[]): PeerInfo {
    return peerInfoOf(socket.data, producers);
  }

  async peersOf(sessionId: string, exceptPeerId: string): Promise<PeerInfo[]> {
    const [sockets, producers] = await Promise.all([
      this.nsp.in(roomKey(sessionId)).fetchSockets(),
      this.sfu.call('listProducers', { roomId: sessionId }),
    ]);
    const peers = new Map<string, PeerInfo>();
    for (const s of sockets) {
      if (s.data.peerId === exceptPeerId || !s.data.joined) continue;
      peers.set(s.data.peerId, this.peerInfo(s, []));
    }
    for (const p of producers) peers.get(p.peerId)?.producers.push({ ...p });
    return [...peers.values()];
  }

  async qualitiesOf(sessionId: string): Promise<{ peerId: string; level: QualityLevel }[]> {
    const sockets = await this.nsp.in(roomKey(sessionId)).fetchSockets();
    return sockets.flatMap((s) => (s.data.joined && s.data.quality ? [{ peerId: s.data.peerId, level: s.data.quality }] : []));
  }

  lobbyOf(sessionId: string): Promise<LobbyEntry[]> {
    return lobbyOf(this.nsp, sessionId);
  }

  async hostOf(sessionId: string): Promise<string> {
    return (await roomSession(this.ctx, sessionId)).hostId;
  }

  async sessionInfo(sessionId: string): Promise<SessionInfo> {
    const s = await roomSession(this.ctx, sessionId);
    const recording = (await this.#opts.isRecording?.(sessionId)) ?? false;
    return { id: s.id, title: s.title, status: s.status, locked: s.locked, recording, scheduledAt: s.scheduledAt.toISOString(), webinarMode: s.webinarMode };
  }

  iceServers(peerId: string): IceServer[] {
    return this.#opts.iceServers?.(peerId) ?? [];
  }

  async recording(action: 'start' | 'stop', sessionId: string, userId: string | null): Promise<{ recordingId: string }> {
    if (!this.#opts.recording) throw new AppError('not_available', 'Recording is not available on this server', 501);
    return this.#opts.recording(action, sessionId, userId);
  }

  setAccess(sessionId: string, participantId: string, state: RoomAccessState): Promise<void> {
    return setAccess(this.ctx, sessionId, participantId, state);
  }

  async updateSettings(sessionId: string, patch: RoomSettings): Promise<void> {
    await updateRoomSettings(this.ctx, sessionId, patch);
  }

  async endSession(sessionId: string): Promise<void> {
    await endSession(this.ctx, sessionId);
  }

  recordJoin(socket: RtcSocket): Promise<void> {
    const d = socket.data;
    return this.#attendance.join({ connectionId: socket.id, sessionId: d.sessionId, participantId: d.peerId, userId: d.claims.userId, displayName: d.displayName, role: d.role });
  }

  emitToPeer<E extends NotificationName>(sessionId: string, peerId: string, event: E, payload: NotificationMap[E]): void {
    // Socket.IO's typed emit cannot follow a generic event name; the signature above keeps callers exact.
    (this.nsp.to(peerKey(sessionId, peerId)).emit as (e: string, p: unknown) => boolean)(event, payload);
  }

  emitToHosts<E extends NotificationName>(sessionId: string, exceptPeerId: string, event: E, payload: NotificationMap[E]): void {
    (this.nsp.to(hostsKey(sessionId)).except(peerKey(sessionId, exceptPeerId)).emit as (e: string, p: unknown) => boolean)(event, payload);
  }

  emitToRoom<E extends NotificationName>(sessionId: string, exceptPeerId: string, event: E, payload: NotificationMap[E]): void {
    (this.nsp.to(roomKey(sessionId)).except(peerKey(sessionId, exceptPeerId)).emit as (e: string, p: unknown) => boolean)(event, payload);
  }

  control(msg: RoomControl): Promise<void> {
    return this.ctx.bus.publish(CONTROL_TOPIC, msg);
  }

  // ---------------------------------------------------------------- events

  #heartbeat(): Promise<void> {
    return this.#attendance.heartbeat([...this.nsp.sockets.values()].filter((s) => s.data.joined).map((s) => s.id));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#roster.close();
    for (const u of this.#unsubscribe) await u();
    for (const s of this.nsp.sockets.values()) {
      if (s.data.joined) await this.#attendance.leave(s.id);
      s.data.joined = false;
      s.disconnect(true);
    }
    await this.#attendance.close();
  }
}
