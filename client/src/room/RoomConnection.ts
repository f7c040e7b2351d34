// Getting into the room and staying there: the handshake (and what a refusal means),
// waiting for the start, lobby or straight in, the join itself (device, transports, republish, consume), and
// recovery: socket reconnects, `reconnectRequired` from the server, transports beyond
// repair, and a second tab taking our seat. Every (re)join bumps a generation; a stale
// async step compares and bails out.
import type { NotificationMap, ResponseMap } from '@lectern/server/protocol';
import type { MediaSession } from './MediaSession.js';
import type { RoomMedia } from './RoomMedia.js';
import { roomErrorMessage, toRoomErrorCode, type RoomErrorCode } from './roomErrors.js';
import type { Notice, RoomPhase } from './roomTypes.js';
import { SignalingError, type Signaling } from './Signaling.js';

/**
 * Codes that leave no way back, for a refused handshake and a failed join alike: the
 * session is over, or the screen the room ends on. null: the caller decides (renew the
 * token, wait in the lobby, retry). Exhaustive: a new code must be placed here.
 */
const ROOM_END: { readonly [C in RoomErrorCode]: 'ended' | 'removed' | 'denied' | 'error' | null } = {
  session_ended: 'ended',
  removed: 'removed',
  denied: 'denied',
  room_locked: 'error',
  room_full: 'error',
  not_presenter: null,
  forbidden: 'error',
  unauthorized: null,
  in_lobby: null,
  not_found: null,
  bad_request: null,
  conflict: null,
  rate_limited: null,
  not_joined: null,
  sfu_error: null,
  not_available: null,
  internal: null,
  timeout: null,
};

/** What the front lends the connection: its state, and the parts that act on a join. */
export interface ConnectionHost {
  readonly sig: Signaling;
  readonly media: RoomMedia;
  phase(): RoomPhase;
  /** Moves to a phase; `reconnecting` is the banner over a call being repaired. */
  setPhase(phase: RoomPhase, reconnecting: boolean): void;
  setReconnecting(on: boolean): void;
  /** Leaving on purpose: a disconnect now is expected. */
  closing(): boolean;
  /** The `join` request is about to be sent: roster events from now on are kept for its answer. */
  beginJoin(): void;
  /** The `join` answer (who we are, the session, the roster), or null when none will be applied. */
  endJoin(joined: ResponseMap['join'] | null): void;
  /** Consume every remote producer the roster knows of. */
  consumeAll(): void;
  /** Local media is open (or failed to open). */
  localReady(): Promise<void>;
  publishAll(media: MediaSession): Promise<void>;
  teardown(phase: RoomPhase, message?: string | null): void;
  ended(): void;
  notice(text: string, tone: Notice['tone']): void;
  /** The server sent or we fetched a new room token (store it for reloads). */
  onToken(token: string): void;
  /** The handshake was refused: a new room token if this user can get one. */
  renewToken(): Promise<string | null>;
}

/** What socket.io hands `connect_error`; the gateway puts the refusal's code in `data`. */
export type HandshakeError = Error & { data?: { code?: unknown } };

export const TERMINAL: ReadonlySet<RoomPhase> = new Set(['left', 'ended', 'removed', 'denied', 'error']);
/** Server-side disconnects without a notice within this long of a welcome count as "replaced". */
const KICK_WINDOW_MS = 15_000;
const RECONNECT_DELAY_MS = 1000;
const REBUILD_RETRY_MS = 2000;

export class RoomConnection {
  readonly #host: ConnectionHost;
  readonly #now: () => number;
  #gen = 0;
  #kicks = 0;
  #lastWelcome = 0;
  #renewing = false;

  constructor(host: ConnectionHost, now: () => number = Date.now) {
    this.#host = host;
    this.#now = now;
  }

  /** A fresh room token: the next handshake presents it, and the page keeps it for reloads. */
  setToken(token: string): void {
    this.#host.sig.token = token;
    this.#host.onToken(token);
  }

  /** Stale every step in flight (a teardown or a leave). */
  invalidate(): void {
    this.#gen++;
  }

  #over(): boolean {
    return TERMINAL.has(this.#host.phase());
  }

  /** Socket lost. A drop by the server itself is a restart, or our seat taken by another tab. */
  onDisconnect(reason: string): void {
    const host = this.#host;
    if (this.#over() || host.closing()) return;
    host.setReconnecting(true);
    if (reason !== 'io server disconnect') return; // socket.io reconnects by itself
    // Try once; if we are dropped again right after getting back in, the other tab or device has the seat.
    this.#kicks = this.#now() - this.#lastWelcome < KICK_WINDOW_MS ? this.#kicks + 1 : 1;
    if (this.#kicks >= 2) {
      host.teardown('error', 'You are in this session in another tab or on another device.');
      return;
    }
    setTimeout(() => {
      if (!this.#over()) host.sig.socket.connect();
    }, RECONNECT_DELAY_MS);
  }

  onConnectError(err: HandshakeError): void {
    if (this.#over()) return;
    if (this.#host.sig.socket.active) {
      // Transport-level failure: socket.io retries by itself.
      if (this.#host.phase() !== 'connecting') this.#host.setReconnecting(true);
      return;
    }
    void this.#refused(toRoomErrorCode(err.data?.code));
  }

  /** After `welcome` (the front has taken who we are and the session from it). */
  onWelcome(state: NotificationMap['welcome']['state']): void {
    this.#lastWelcome = this.#now();
    this.#renewing = false;
    if (state === 'ready') {
      void this.enter();
    } else {
      this.#host.media.drop();
      this.#host.setPhase(state, false);
    }
  }

  /** The host started the session: into the room, or on to the lobby. */
  onStarted(state: 'lobby' | 'ready'): void {
    if (this.#host.phase() !== 'waiting') return;
    if (state === 'ready') void this.enter();
    else this.#host.setPhase('lobby', false);
  }

  /** The server lost our media (`reconnectRequired`): rebuild if we are in or getting in. */
  onReconnectRequired(): void {
    const phase = this.#host.phase();
    if (phase === 'joined' || phase === 'joining') void this.enter();
  }

  /** The server refused the handshake. */
  async #refused(code: RoomErrorCode): Promise<void> {
    const host = this.#host;
    if (this.#endedBy(code)) return;
    // Below (unauthorized and the rest): a fresh token may help.
    if (!this.#renewing) {
      // An expired or unknown token: signed-in members can get a fresh one.
      this.#renewing = true;
      const fresh = await host.renewToken().catch(() => null);
      if (fresh && !this.#over()) {
        this.setToken(fresh);
        host.sig.socket.connect();
        return;
      }
    }
    host.teardown('error', code === 'unauthorized' ? roomErrorMessage(code) : `Could not connect to the room. ${roomErrorMessage(code)}`);
  }

  /** (Re)joins the room: new device, join, new transports, republish, consume everything. */
  async enter(): Promise<void> {
    const host = this.#host;
    if (this.#over()) return;
    const gen = ++this.#gen;
    const rebuilding = host.phase() === 'joined';
    host.media.drop();
    if (rebuilding) host.setReconnecting(true);
    else host.setPhase('joining', false);
    try {
      const { rtpCapabilities } = await host.sig.request('getRouterRtpCapabilities', {});
      if (gen !== this.#gen) return;
      const media = await host.media.open(rtpCapabilities);
      if (gen !== this.#gen) {
        media.close();
        return;
      }
      let joined: ResponseMap['join'] | null = null;
      host.beginJoin();
      try {
        joined = await host.sig.request('join', { rtpCapabilities: media.rtpCapabilities });
      } catch (err) {
        // After reconnectRequired the server may still count us as joined: carry on.
        if (!(rebuilding && err instanceof SignalingError && err.code === 'conflict')) {
          if (gen === this.#gen) host.endJoin(null);
          throw err;
        }
      }
      if (gen !== this.#gen) {
        media.close();
        return;
      }
      host.media.attach(media);
      host.endJoin(joined);
      await media.createTransports();
      if (gen !== this.#gen) return;
      host.setPhase('joined', false);
      host.consumeAll();
      await host.localReady();
      if (gen !== this.#gen) return;
      await host.publishAll(media);
    } catch (err) {
      if (gen !== this.#gen) return;
      this.#joinFailed(err, rebuilding);
    }
  }

  #joinFailed(err: unknown, rebuilding: boolean): void {
    const host = this.#host;
    const code: RoomErrorCode = err instanceof SignalingError ? err.code : 'internal';
    if (code === 'in_lobby') {
      host.setPhase('lobby', false);
      return;
    }
    if (code === 'unauthorized') {
      host.teardown('error', roomErrorMessage(code));
      return;
    }
    if (this.#endedBy(code)) return;
    // Anything else may pass: try again while the socket is up.
    console.warn('joining the room failed:', err);
    if (!host.sig.connected) return; // The reconnect will run enter() again.
    const why = err instanceof SignalingError ? roomErrorMessage(err.code) : err instanceof Error ? err.message : String(err);
    if (!rebuilding && host.phase() === 'joining') host.notice(`Could not join the room yet (${why}) Retrying…`, 'warn');
    setTimeout(() => {
      if (!this.#over() && host.sig.connected && !host.media.ready) void this.enter();
    }, REBUILD_RETRY_MS);
  }

  /** Ends the room on a code in ROOM_END (the session's end, or its screen); false for the rest. */
  #endedBy(code: RoomErrorCode): boolean {
    const end = ROOM_END[code];
    if (end === null) return false;
    if (end === 'ended') this.#host.ended();
    else this.#host.teardown(end, roomErrorMessage(code));
    return true;
  }
}
