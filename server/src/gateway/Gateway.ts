// The Socket.IO signaling gateway (namespace /rtc): authenticates sockets with a room
// token, validates every payload, runs the request handlers, relays SFU and session
// events to the right sockets, and records attendance.
import { and, eq } from 'drizzle-orm';
import type { Server } from 'socket.io';
import { roomAccess, sessions } from '@lectern/db';
import type { Unsubscribe } from '../bus/Bus.js';
import type { AppContext } from '../context.js';
import { AppError, UnauthorizedError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  MAX_MESSAGE_BYTES,
  RTC_NAMESPACE,
  type Ack,
  type LobbyEntry,
  type PeerInfo,
  type ProducerInfo,
  type RequestName,
  type SessionInfo,
} from '../protocol/index.js';
import { requestSchemas } from '../protocol/schemas.js';
import { isErrorCode, type ErrorCode } from '../protocol/errors.js';

/** An error code for the wire: ours as is; the SFU's mapped onto ours. */
function wireCode(code: unknown): ErrorCode {
  if (isErrorCode(code)) return code;
  if (code === 'room_full') return 'room_full';
  if (typeof code === 'string' && code.endsWith('_not_found')) return 'not_found';
  if (code === 'invalid_request' || code === 'cannot_consume') return 'bad_request';
  if (code === 'validation_failed') return 'bad_request';
  return typeof code === 'string' ? 'sfu_error' : 'internal';
}
import { SESSION_EVENTS_TOPIC, type SessionEvent } from '../sessions/sessionService.js';
import { SFU_EVENTS_TOPIC, type SfuClient, type SfuEvent } from '../sfu/SfuClient.js';
import { closeStaleIntervals, heartbeat, HEARTBEAT_MS, recordLeave, sweepStaleIntervals, SWEEP_MS } from './attendance.js';
import { handlers } from './handlers.js';
import { authenticateSocket } from './handshake.js';
import { TokenBucket } from './TokenBucket.js';
import {
  CONTROL_TOPIC,
  hostsKey,
  isHostRole,
  lobbyKey,
  peerKey,
  roomKey,
  type ControlMessage,
  type RtcNamespace,
  type RtcServer,
  type RtcSocket,
} from './types.js';

export interface GatewayOptions {
  ctx: AppContext;
  io: Server;
  sfu: SfuClient;
  /** TURN credentials for a peer, when TURN is configured. */
  iceServers?: (peerId: string) => { urls: string[]; username?: string; credential?: string }[];
  /** Recording control, wired by the recording module when present. */
  recording?: (action: 'start' | 'stop', sessionId: string, userId: string | null) => Promise<{ recordingId: string }>;
  /** Whether the session is being recorded now (reported in welcome/join). */
  isRecording?: (sessionId: string) => Promise<boolean>;
}

export class Gateway {
  readonly ctx: AppContext;
  readonly nsp: RtcNamespace;
  readonly sfu: SfuClient;
  readonly #opts: GatewayOptions;
  readonly #log: Logger;
  readonly #unsubscribe: Unsubscribe[] = [];
  readonly #timers: NodeJS.Timeout[] = [];
  #closed = false;

  private constructor(opts: GatewayOptions) {
    this.#opts = opts;
    this.ctx = opts.ctx;
    this.sfu = opts.sfu;
    this.nsp = (opts.io as unknown as RtcServer).of(RTC_NAMESPACE);
    this.#log = opts.ctx.logger.child({ component: 'gateway' });
  }

  static async create(opts: GatewayOptions): Promise<Gateway> {
    const gw = new Gateway(opts);
    await gw.#start();
    return gw;
  }

  async #start(): Promise<void> {
    this.nsp.use((socket, next) => {
      authenticateSocket(this, socket).then(
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
      await bus.subscribe(SFU_EVENTS_TOPIC, (m) => this.#onSfuEvent(m as SfuEvent)),
      await bus.subscribe(SESSION_EVENTS_TOPIC, (m) => void this.#onSessionEvent(m as SessionEvent)),
      await bus.subscribe(CONTROL_TOPIC, (m) => void this.#onControl(m as ControlMessage)),
    );
    const closed = await closeStaleIntervals(this.ctx);
    if (closed > 0) this.#log.info({ closed }, 'closed attendance intervals left open by a stopped process');
    this.#timers.push(setInterval(() => void this.#heartbeat(), HEARTBEAT_MS));
    this.#timers.push(setInterval(() => void sweepStaleIntervals({ ...this.ctx, logger: this.#log }), SWEEP_MS));
  }

  // ---------------------------------------------------------------- connections

  #onConnection(socket: RtcSocket): void {
    const d = socket.data;
    const log = this.#log.child({ roomId: d.sessionId, peerId: d.peerId });
    void socket.join(peerKey(d.sessionId, d.peerId));
    if (isHostRole(d.role)) void socket.join(hostsKey(d.sessionId));
    // A second connection of the same participant replaces the first.
    void this.control({ type: 'replace', sessionId: d.sessionId, peerId: d.peerId, keepSocketId: socket.id });

    const bucket = new TokenBucket(40, 80);
    for (const name of Object.keys(requestSchemas) as RequestName[]) {
      socket.on(name, (payload: unknown, ack: unknown) => {
        void this.#dispatch(socket, name, payload, ack, bucket, log);
      });
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      if (event in requestSchemas) return;
      const ack = args.at(-1);
      if (typeof ack === 'function') (ack as (a: Ack<never>) => void)({ ok: false, error: { code: 'bad_request', message: `Unknown request ${event.slice(0, 40)}` } });
    });
    socket.on('disconnect', (reason) => {
      log.debug({ reason }, 'socket disconnected');
      void this.leave(socket).catch((err: unknown) => log.warn({ err }, 'leave after disconnect failed'));
    });

    void this.#welcome(socket).catch((err: unknown) => log.error({ err }, 'welcome failed'));
  }

  async #welcome(socket: RtcSocket): Promise<void> {
    const d = socket.data;
    if (d.state === 'lobby') {
      await socket.join(lobbyKey(d.sessionId));
      await this.#pushLobby(d.sessionId);
    }
    socket.emit('welcome', { peerId: d.peerId, displayName: d.displayName, role: d.role, state: d.state, session: await this.sessionInfo(d.sessionId) });
    this.#scheduleTokenRefresh(socket);
  }

  #scheduleTokenRefresh(socket: RtcSocket): void {
    const d = socket.data;
    const send = async () => {
      if (!socket.connected) return;
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
    void send();
    const every = Math.max(30_000, (this.ctx.tokens.roomTtlSeconds * 1000) / 2);
    const timer = setInterval(() => void send().catch(() => undefined), every);
    socket.once('disconnect', () => clearInterval(timer));
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
    if (d.state === 'lobby') {
      d.state = 'ready'; // nothing more to clean up for a lobby socket
      await socket.leave(lobbyKey(d.sessionId));
      await this.#pushLobby(d.sessionId);
      return;
    }
    if (!d.joined) return;
    d.joined = false;
    await recordLeave(this.ctx, socket.id);
    const others = (await this.nsp.in(peerKey(d.sessionId, d.peerId)).fetchSockets()).filter((s) => s.id !== socket.id);
    if (d.replaced || others.length > 0) return;
    await this.sfu.call('removePeer', { roomId: d.sessionId, peerId: d.peerId, connectionId: socket.id }).catch(() => undefined);
    this.nsp.to(roomKey(d.sessionId)).except(socket.id).emit('peerLeft', { peerId: d.peerId });
  }

  // ---------------------------------------------------------------- helpers for handlers

  async ensureRoom(sessionId: string): Promise<{ rtpCapabilities: unknown }> {
    const [s] = await this.ctx.db.select({ limit: sessions.participantLimit }).from(sessions).where(eq(sessions.id, sessionId));
    return this.sfu.call('ensureRoom', { roomId: sessionId, maxPeers: s?.limit ?? this.ctx.config.sfu.maxParticipants });
  }

  peerInfo(socket: { data: RtcSocket['data'] }, producers: ProducerInfo[]): PeerInfo {
    return { peerId: socket.data.peerId, displayName: socket.data.displayName, role: socket.data.role, producers };
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

  async lobbyOf(sessionId: string): Promise<LobbyEntry[]> {
    const sockets = await this.nsp.in(lobbyKey(sessionId)).fetchSockets();
    return sockets
      .filter((s) => s.data.state === 'lobby')
      .map((s) => ({ peerId: s.data.peerId, displayName: s.data.displayName, since: s.data.lobbySince }));
  }

  async #pushLobby(sessionId: string): Promise<void> {
    this.nsp.to(hostsKey(sessionId)).emit('lobbyChanged', { lobby: await this.lobbyOf(sessionId) });
  }

  async sessionInfo(sessionId: string): Promise<SessionInfo> {
    const [s] = await this.ctx.db.select().from(sessions).where(eq(sessions.id, sessionId));
    if (!s) throw new AppError('not_found', 'Session not found', 404);
    return { id: s.id, title: s.title, status: s.status, locked: s.locked, recording: (await this.#opts.isRecording?.(sessionId)) ?? false };
  }

  iceServers(peerId: string): { urls: string[]; username?: string; credential?: string }[] {
    return this.#opts.iceServers?.(peerId) ?? [];
  }

  async recording(action: 'start' | 'stop', sessionId: string, userId: string | null): Promise<{ recordingId: string }> {
    if (!this.#opts.recording) throw new AppError('not_available', 'Recording is not available on this server', 501);
    return this.#opts.recording(action, sessionId, userId);
  }

  async setAccess(sessionId: string, participantId: string, state: 'admitted' | 'denied' | 'removed'): Promise<void> {
    const now = this.ctx.clock.now();
    await this.ctx.db
      .insert(roomAccess)
      .values({ sessionId, participantId, state, updatedAt: now })
      .onConflictDoUpdate({ target: [roomAccess.sessionId, roomAccess.participantId], set: { state, updatedAt: now } });
  }

  async accessOf(sessionId: string, participantId: string): Promise<'admitted' | 'denied' | 'removed' | null> {
    const [row] = await this.ctx.db
      .select({ state: roomAccess.state })
      .from(roomAccess)
      .where(and(eq(roomAccess.sessionId, sessionId), eq(roomAccess.participantId, participantId)));
    return row?.state ?? null;
  }

  control(msg: ControlMessage): Promise<void> {
    return this.ctx.bus.publish(CONTROL_TOPIC, msg);
  }

  // ---------------------------------------------------------------- events

  async #localSockets(room: string): Promise<RtcSocket[]> {
    const all = await this.nsp.local.in(room).fetchSockets();
    return all.map((s) => this.nsp.sockets.get(s.id)).filter((s): s is RtcSocket => s !== undefined);
  }

  async #onControl(msg: ControlMessage): Promise<void> {
    const sockets = await this.#localSockets(peerKey(msg.sessionId, msg.peerId));
    switch (msg.type) {
      case 'replace':
        for (const s of sockets) {
          if (s.id === msg.keepSocketId) continue;
          s.data.replaced = true;
          s.disconnect(true);
        }
        return;
      case 'admit':
        for (const s of sockets) {
          if (s.data.state !== 'lobby') continue;
          s.data.state = 'ready';
          await s.leave(lobbyKey(msg.sessionId));
          s.emit('admitted', {});
        }
        // Every API node gets this message; only the one holding the socket pushes the lobby.
        if (sockets.length > 0) await this.#pushLobby(msg.sessionId);
        return;
      case 'deny':
        for (const s of sockets) {
          s.emit('denied', { reason: 'The host did not let you in' });
          s.disconnect(true);
        }
        if (sockets.length > 0) await this.#pushLobby(msg.sessionId);
        return;
      case 'remove':
        for (const s of sockets) {
          s.emit('removed', { reason: 'The host removed you from the session' });
          await this.leave(s);
          s.disconnect(true);
        }
        return;
    }
  }

  #onSfuEvent(e: SfuEvent): void {
    // Every API node receives each SFU event from the bus: each one emits to its own sockets only.
    const room = this.nsp.local.to(roomKey(e.roomId));
    switch (e.type) {
      case 'newProducer':
        room.except(peerKey(e.roomId, e.peerId)).emit('newProducer', {
          producerId: e.producerId,
          peerId: e.peerId,
          kind: e.kind,
          source: e.source,
          paused: false,
        });
        return;
      case 'producerClosed':
        room.emit('producerClosed', { peerId: e.peerId, producerId: e.producerId });
        return;
      case 'producerPaused':
        room.emit('producerPaused', { peerId: e.peerId, producerId: e.producerId, source: e.source, byHost: false });
        return;
      case 'producerResumed':
        room.emit('producerResumed', { peerId: e.peerId, producerId: e.producerId, source: e.source });
        return;
      case 'consumerClosed':
        this.nsp.local.to(peerKey(e.roomId, e.peerId)).emit('consumerClosed', { consumerId: e.consumerId, producerId: e.producerId });
        return;
      case 'activeSpeaker':
        room.emit('activeSpeaker', { peerId: e.peerId });
        return;
      case 'roomClosed':
        if (e.reason === 'worker_died') room.emit('reconnectRequired', { reason: 'media server restarted' });
        return;
    }
  }

  async #onSessionEvent(e: SessionEvent): Promise<void> {
    if (e.type !== 'ended') return;
    const sockets = [...(await this.#localSockets(roomKey(e.sessionId))), ...(await this.#localSockets(lobbyKey(e.sessionId)))];
    for (const s of sockets) {
      s.emit('sessionEnded', { reason: 'ended_by_host' });
      s.data.joined = false; // intervals were closed by endSession
    }
    setTimeout(() => {
      for (const s of sockets) s.disconnect(true);
    }, 250).unref();
    await this.sfu.call('closeRoom', { roomId: e.sessionId }).catch(() => undefined);
  }

  async #heartbeat(): Promise<void> {
    try {
      const ids = [...this.nsp.sockets.values()].filter((s) => s.data.joined).map((s) => s.id);
      await heartbeat(this.ctx, ids);
    } catch (err) {
      this.#log.warn({ err }, 'attendance heartbeat failed');
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    for (const u of this.#unsubscribe) await u();
    for (const s of this.nsp.sockets.values()) {
      if (s.data.joined) await recordLeave(this.ctx, s.id).catch(() => undefined);
      s.data.joined = false;
      s.disconnect(true);
    }
  }
}
