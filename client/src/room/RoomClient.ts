// The room as this browser sees it: the socket, the join flow (lobby, admit, join),
// remote peers and their producers, local publishing, host controls, and recovery
// (socket reconnect, reconnectRequired, ICE restarts). The UI subscribes to snapshots.
import type { LobbyEntry, MediaSource, PeerInfo, ProducerInfo, ResponseMap, RoomRole, SessionInfo } from '@lectern/server/protocol';
import type { MediaPrefs } from '../roomPass.js';
import type { Subscribable } from '../store.js';
import { LocalMedia } from './LocalMedia.js';
import { MediaSession } from './MediaSession.js';
import { Signaling, SignalingError } from './Signaling.js';
import { buildSnapshot, type RemoteConsumer, type RemotePeer } from './snapshot.js';
import { collectStats, type RoomStats } from './roomStats.js';
import { isHostRole, type Notice, type RoomPhase, type RoomSnapshot } from './roomTypes.js';

export type { RoomStats } from './roomStats.js';

export interface RoomClientOptions {
  sessionId: string;
  token: string;
  prefs: MediaPrefs;
  /** The join page's live preview stream, if any. */
  handoff: MediaStream | null;
  /** The server sent a fresh room token (store it for reloads). */
  onToken(token: string): void;
  /** The handshake was refused: get a new room token if this user can (signed-in members). */
  renewToken(): Promise<string | null>;
  /** The session is over: forget the room pass. */
  onEnded(): void;
}

const TERMINAL: ReadonlySet<RoomPhase> = new Set(['left', 'ended', 'removed', 'denied', 'error']);
const NOTICE_MS = 6000;
/** Server-side disconnects without a notice within this long of a welcome count as "replaced". */
const KICK_WINDOW_MS = 15_000;
const REBUILD_RETRY_MS = 2000;

const sourceLabel = (s: MediaSource) => (s === 'mic' ? 'microphone' : s === 'webcam' ? 'camera' : 'screen share');

export class RoomClient implements Subscribable<RoomSnapshot> {
  readonly #opts: RoomClientOptions;
  #token: string;
  readonly #sig: Signaling;
  readonly #local: LocalMedia;
  #localReady: Promise<void> = Promise.resolve();
  #media: MediaSession | null = null;
  /** Bumped on every (re)join or teardown; stale async steps compare and bail out. */
  #gen = 0;

  #phase: RoomPhase = 'connecting';
  #reconnecting = false;
  #message: string | null = null;
  #peerId: string | null = null;
  #displayName = '';
  #role: RoomRole | null = null;
  #session: SessionInfo | null = null;
  readonly #peers = new Map<string, RemotePeer>();
  readonly #consumers = new Map<string, RemoteConsumer>();
  #consuming = new Set<string>();
  readonly #layers = new Map<string, number>();
  #lobby: LobbyEntry[] = [];
  #activeSpeaker: string | null = null;
  #notices: Notice[] = [];
  readonly #lobbyNotices = new Map<string, number>();
  #noticeSeq = 0;
  readonly #busy = new Set<MediaSource>();
  #kicks = 0;
  #lastWelcome = 0;
  #closing = false;
  #renewing = false;
  #started = false;

  #snapshot: RoomSnapshot;
  readonly #listeners = new Set<() => void>();
  #emitQueued = false;

  constructor(opts: RoomClientOptions) {
    this.#opts = opts;
    this.#token = opts.token;
    this.#sig = new Signaling(() => this.#token, opts.sessionId);
    this.#local = new LocalMedia(opts.prefs, (source) => void this.#sourceEnded(source));
    this.#snapshot = this.#build();
    this.#wire();
  }

  // ---- public surface ---------------------------------------------------------------

  get peerId(): string | null {
    return this.#peerId;
  }

  get(): RoomSnapshot {
    return this.#snapshot;
  }

  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Opens local media and connects. Call once. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#localReady = this.#local
      .init(this.#opts.handoff)
      .then((problems) => {
        for (const p of problems) this.#notice(p, 'warn');
      })
      .catch((err: unknown) => {
        this.#notice(err instanceof Error ? err.message : 'Could not open your camera or microphone.', 'warn');
      })
      .finally(() => this.#emit());
    this.#sig.connect();
  }

  async toggleMic(): Promise<void> {
    await this.#exclusive('mic', async () => {
      const media = this.#readyMedia();
      if (this.#local.isOn('mic')) {
        this.#local.micOn = false;
        const track = this.#local.track('mic');
        if (track) track.enabled = false;
        this.#emit();
        await media?.pauseProducer('mic');
        return;
      }
      const track = await this.#local.ensureMic();
      track.enabled = true;
      this.#local.micOn = true;
      this.#emit();
      if (!media) return;
      if (media.producer('mic')) await media.resumeProducer('mic');
      else await media.produce('mic', track);
    });
  }

  async toggleCamera(): Promise<void> {
    await this.#exclusive('webcam', async () => {
      if (this.#local.isOn('webcam')) {
        this.#local.stop('webcam');
        this.#emit();
        await this.#readyMedia()?.closeProducer('webcam');
        return;
      }
      const track = await this.#local.openCamera();
      this.#local.cameraOn = true;
      this.#emit();
      await this.#readyMedia()?.produce('webcam', track);
    });
  }

  async toggleScreen(): Promise<void> {
    await this.#exclusive('screen', async () => {
      if (this.#local.isOn('screen')) {
        this.#local.stop('screen');
        this.#emit();
        await this.#readyMedia()?.closeProducer('screen');
        return;
      }
      const track = await this.#local.openScreen();
      this.#emit();
      await this.#readyMedia()?.produce('screen', track);
    });
  }

  async leave(): Promise<void> {
    if (TERMINAL.has(this.#phase) || this.#closing) return;
    this.#closing = true;
    this.#gen++;
    if (this.#sig.connected) {
      // The server answers by disconnecting us, so the ack may never come: wait briefly.
      const left = this.#sig.request('leave', {}, 1000).catch(() => undefined);
      await Promise.race([left, new Promise((r) => setTimeout(r, 400))]);
    }
    this.#teardown('left');
  }

  /** Releases everything without telling the server more than a disconnect (page unmount). */
  close(): void {
    if (!TERMINAL.has(this.#phase)) this.#teardown('left');
  }

  // Host and co-host controls.
  admit = (peerId: string) => this.#hostAction('admit', () => this.#sig.request('admit', { peerId }));
  deny = (peerId: string) => this.#hostAction('deny', () => this.#sig.request('deny', { peerId }));
  mutePeer = (peerId: string) => this.#hostAction('mute', () => this.#sig.request('mutePeer', { peerId, source: 'mic' }));
  muteAll = () => this.#hostAction('mute everyone', () => this.#sig.request('mutePeer', { source: 'mic' }));
  removePeer = (peerId: string) => this.#hostAction('remove', () => this.#sig.request('removePeer', { peerId }));

  setLocked = (locked: boolean) =>
    this.#hostAction(locked ? 'lock the room' : 'unlock the room', async () => {
      await this.#sig.request('lockRoom', { locked });
      if (this.#session) this.#session = { ...this.#session, locked };
      this.#emit();
    });

  setRecording = (on: boolean) =>
    this.#hostAction(on ? 'start recording' : 'stop recording', async () => {
      await this.#sig.request(on ? 'startRecording' : 'stopRecording', {}, 15_000);
      if (this.#session) this.#session = { ...this.#session, recording: on };
      this.#emit();
    });

  endSession = () =>
    this.#hostAction('end the session', async () => {
      await this.#sig.request('endSession', {});
      this.#ended();
    });

  /** Asks the server for the simulcast layer that fits the rendered size (deduplicated). */
  setPreferredLayers(consumerId: string, spatialLayer: number): void {
    const rc = this.#consumers.get(consumerId);
    if (!rc || rc.kind !== 'video' || rc.type !== 'simulcast') return;
    if (this.#layers.get(consumerId) === spatialLayer) return;
    this.#layers.set(consumerId, spatialLayer);
    this.#readyMedia()
      ?.setPreferredLayers(consumerId, spatialLayer)
      .catch((err: unknown) => {
        this.#layers.delete(consumerId);
        console.warn('setPreferredLayers failed:', err);
      });
  }

  dismissNotice(id: number): void {
    this.#notices = this.#notices.filter((n) => n.id !== id);
    this.#emit();
  }

  /** For tests and diagnostics: inbound-rtp per remote consumer, outbound state per producer. */
  stats(): Promise<RoomStats> {
    return collectStats({
      peerId: this.#peerId,
      phase: this.#phase,
      consumers: [...this.#consumers.values()],
      producers: this.#media?.producers() ?? [],
      producerPaused: (peerId, producerId) => this.#producerPaused(peerId, producerId),
    });
  }

  // ---- socket events -------------------------------------------------------------------

  #wire(): void {
    const sig = this.#sig;
    const socket = sig.socket;

    socket.on('disconnect', (reason) => {
      if (TERMINAL.has(this.#phase) || this.#closing) return;
      this.#reconnecting = true;
      this.#emit();
      if (reason === 'io server disconnect') {
        // Dropped by the server without a notice: a restart, or this participant connected
        // again elsewhere (the newer connection wins). Try once; if we are dropped again
        // right after getting back in, the other tab or device has the seat.
        this.#kicks = Date.now() - this.#lastWelcome < KICK_WINDOW_MS ? this.#kicks + 1 : 1;
        if (this.#kicks >= 2) {
          this.#teardown('error', 'You are in this session in another tab or on another device.');
          return;
        }
        setTimeout(() => {
          if (!TERMINAL.has(this.#phase)) socket.connect();
        }, 1000);
      }
    });

    socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
      if (TERMINAL.has(this.#phase)) return;
      if (socket.active) {
        // Transport-level failure: socket.io retries by itself.
        if (this.#phase !== 'connecting') this.#reconnecting = true;
        this.#emit();
        return;
      }
      void this.#refused(err.data?.code ?? err.message, err.data?.message ?? err.message);
    });

    sig.on('welcome', (w) => {
      this.#lastWelcome = Date.now();
      this.#renewing = false;
      this.#peerId = w.peerId;
      this.#displayName = w.displayName;
      this.#role = w.role;
      if (w.session.recording && !this.#session?.recording) this.#notice('This session is being recorded.', 'info');
      this.#session = w.session;
      if (w.session.status === 'completed' || w.session.status === 'cancelled') {
        this.#ended();
        return;
      }
      if (w.state === 'lobby') {
        this.#dropMedia();
        this.#reconnecting = false;
        this.#phase = 'lobby';
        this.#emit();
      } else {
        void this.#enter();
      }
    });
    sig.on('admitted', () => void this.#enter());
    sig.on('denied', ({ reason }) => this.#teardown('denied', reason || 'The host did not let you in.'));

    sig.on('peerJoined', ({ peer }) => {
      if (peer.peerId === this.#peerId) return;
      this.#addPeer(peer);
      this.#emit();
      for (const p of peer.producers) void this.#consume(p);
    });
    sig.on('peerLeft', ({ peerId }) => {
      this.#peers.delete(peerId);
      for (const [id, rc] of this.#consumers) if (rc.peerId === peerId) this.#dropConsumer(id);
      if (this.#activeSpeaker === peerId) this.#activeSpeaker = null;
      this.#emit();
    });
    sig.on('newProducer', (info) => {
      if (info.peerId === this.#peerId) return;
      const peer = this.#peers.get(info.peerId) ?? this.#addPeer({ peerId: info.peerId, displayName: 'Guest', role: 'guest', producers: [] });
      peer.producers.set(info.producerId, info);
      this.#emit();
      void this.#consume(info);
    });
    sig.on('producerClosed', ({ peerId, producerId }) => {
      this.#peers.get(peerId)?.producers.delete(producerId);
      for (const [id, rc] of this.#consumers) if (rc.producerId === producerId) this.#dropConsumer(id);
      this.#emit();
    });
    sig.on('producerPaused', ({ peerId, producerId }) => this.#setProducerPaused(peerId, producerId, true));
    sig.on('producerResumed', ({ peerId, producerId }) => this.#setProducerPaused(peerId, producerId, false));
    sig.on('consumerClosed', ({ consumerId }) => {
      this.#dropConsumer(consumerId);
      this.#emit();
    });
    sig.on('activeSpeaker', ({ peerId }) => {
      this.#activeSpeaker = peerId;
      this.#emit();
    });
    sig.on('lobbyChanged', ({ lobby }) => {
      const before = new Set(this.#lobby.map((e) => e.peerId));
      const now = new Set(lobby.map((e) => e.peerId));
      this.#lobby = lobby;
      for (const [peerId, noticeId] of this.#lobbyNotices) {
        if (now.has(peerId)) continue;
        this.#lobbyNotices.delete(peerId);
        this.dismissNotice(noticeId);
      }
      if (isHostRole(this.#role)) {
        for (const e of lobby) {
          if (before.has(e.peerId)) continue;
          const id = this.#notice(`${e.displayName} is waiting in the lobby.`);
          if (id !== null) this.#lobbyNotices.set(e.peerId, id);
        }
      }
      this.#emit();
    });
    sig.on('roomLocked', ({ locked }) => {
      if (this.#session) this.#session = { ...this.#session, locked };
      this.#emit();
    });
    sig.on('recordingChanged', ({ recording }) => {
      if (this.#session && this.#session.recording !== recording) this.#notice(recording ? 'Recording started: this session is being recorded.' : 'Recording stopped.', 'info');
      if (this.#session) this.#session = { ...this.#session, recording };
      this.#emit();
    });
    sig.on('mutedByHost', ({ source }) => void this.#mutedByHost(source));
    sig.on('removed', ({ reason }) => this.#teardown('removed', reason || 'The host removed you from this session.'));
    sig.on('sessionEnded', () => this.#ended());
    sig.on('reconnectRequired', () => {
      if (this.#phase === 'joined' || this.#phase === 'joining') void this.#enter();
    });
    sig.on('tokenRefreshed', ({ roomToken }) => {
      this.#token = roomToken;
      this.#opts.onToken(roomToken);
    });
    sig.on('notification', (n) => {
      if (n.urgent) this.#notice(n.title);
    });
  }

  /** The server refused the handshake (`connect_error` with `data.code`). */
  async #refused(code: string, message: string): Promise<void> {
    switch (code) {
      case 'session_ended':
        this.#ended();
        return;
      case 'room_locked':
        this.#teardown('error', 'This room is locked. Ask the host to unlock it.');
        return;
      case 'room_full':
        this.#teardown('error', 'This room is full.');
        return;
      case 'forbidden':
        // Removed or denied earlier: the server's sentence says which.
        this.#teardown(/removed/i.test(message) ? 'removed' : /let you in/i.test(message) ? 'denied' : 'error', message);
        return;
      default:
        break;
    }
    if (!this.#renewing) {
      // An expired or unknown token: signed-in members can get a fresh one.
      this.#renewing = true;
      const fresh = await this.#opts.renewToken().catch(() => null);
      if (fresh && !TERMINAL.has(this.#phase)) {
        this.#token = fresh;
        this.#opts.onToken(fresh);
        this.#sig.socket.connect();
        return;
      }
    }
    this.#teardown(
      'error',
      code === 'unauthorized' ? 'Your room pass is no longer valid. Open the join link again.' : `Could not connect to the room: ${message}`,
    );
  }

  // ---- joining and rebuilding ----------------------------------------------------------

  /** (Re)joins the room: new device, join, new transports, republish, consume everything. */
  async #enter(): Promise<void> {
    if (TERMINAL.has(this.#phase)) return;
    const gen = ++this.#gen;
    const rebuilding = this.#phase === 'joined';
    this.#dropMedia();
    if (rebuilding) this.#reconnecting = true;
    else this.#phase = 'joining';
    this.#emit();
    try {
      const { rtpCapabilities } = await this.#sig.request('getRouterRtpCapabilities', {});
      if (gen !== this.#gen) return;
      const media = await MediaSession.create(this.#sig, rtpCapabilities, {
        onTransportLost: () => {
          if (this.#media === media && this.#sig.connected) void this.#enter();
        },
        onConsumerGone: (consumerId) => {
          if (this.#media !== media) return;
          this.#consumers.delete(consumerId);
          this.#emit();
        },
      });
      if (gen !== this.#gen) {
        media.close();
        return;
      }
      let joined: ResponseMap['join'] | null = null;
      try {
        joined = await this.#sig.request('join', { rtpCapabilities: media.rtpCapabilities });
      } catch (err) {
        // After reconnectRequired the server may still count us as joined: carry on.
        if (!(rebuilding && err instanceof SignalingError && err.code === 'conflict')) throw err;
      }
      if (gen !== this.#gen) {
        media.close();
        return;
      }
      this.#media = media;
      if (joined) this.#applyJoin(joined);
      await media.createTransports();
      if (gen !== this.#gen) return;
      this.#phase = 'joined';
      this.#reconnecting = false;
      this.#emit();
      for (const peer of this.#peers.values()) for (const p of peer.producers.values()) void this.#consume(p);
      await this.#localReady;
      if (gen !== this.#gen) return;
      await this.#publishAll(media);
      this.#emit();
    } catch (err) {
      if (gen !== this.#gen) return;
      this.#joinFailed(err, rebuilding);
    }
  }

  #joinFailed(err: unknown, rebuilding: boolean): void {
    const code = err instanceof SignalingError ? err.code : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    switch (code) {
      case 'session_ended':
        this.#ended();
        return;
      case 'in_lobby':
        this.#phase = 'lobby';
        this.#reconnecting = false;
        this.#emit();
        return;
      case 'room_locked':
        this.#teardown('error', 'This room is locked. Ask the host to unlock it.');
        return;
      case 'room_full':
        this.#teardown('error', 'This room is full.');
        return;
      case 'forbidden':
      case 'unauthorized':
        this.#teardown('error', message);
        return;
      default:
        console.warn('joining the room failed:', err);
        if (!this.#sig.connected) return; // The reconnect will run #enter again.
        if (!rebuilding && this.#phase === 'joining') this.#notice(`Could not join the room yet (${message}). Retrying…`, 'warn');
        setTimeout(() => {
          if (!TERMINAL.has(this.#phase) && this.#sig.connected && !this.#media?.ready) void this.#enter();
        }, REBUILD_RETRY_MS);
    }
  }

  #applyJoin(joined: ResponseMap['join']): void {
    this.#peerId = joined.self.peerId;
    this.#displayName = joined.self.displayName;
    this.#role = joined.self.role;
    this.#session = joined.session;
    this.#lobby = joined.lobby;
    this.#peers.clear();
    for (const peer of joined.peers) if (peer.peerId !== this.#peerId) this.#addPeer(peer);
  }

  async #publishAll(media: MediaSession): Promise<void> {
    const sources: MediaSource[] = ['mic', 'webcam', 'screen'];
    await Promise.all(
      sources.map(async (source) => {
        const track = this.#local.track(source);
        if (!track || !this.#local.isOn(source)) return;
        if (!media.canProduce(track.kind as 'audio' | 'video')) {
          this.#notice(`This browser cannot send ${sourceLabel(source)} to this room.`, 'warn');
          return;
        }
        try {
          track.enabled = true;
          await media.produce(source, track);
        } catch (err) {
          if (this.#media !== media) return;
          console.warn(`producing ${source} failed:`, err);
          this.#notice(`Could not share your ${sourceLabel(source)}.`, 'warn');
        }
      }),
    );
  }

  async #consume(info: ProducerInfo): Promise<void> {
    const media = this.#media;
    if (!media?.ready || info.peerId === this.#peerId) return;
    const inFlight = this.#consuming;
    if (inFlight.has(info.producerId)) return;
    for (const rc of this.#consumers.values()) if (rc.producerId === info.producerId) return;
    inFlight.add(info.producerId);
    try {
      const { consumer, params } = await media.consume(info.producerId);
      const stillWanted = this.#media === media && this.#peers.get(info.peerId)?.producers.has(info.producerId);
      if (!stillWanted) {
        media.closeConsumer(consumer.id);
        return;
      }
      this.#consumers.set(consumer.id, {
        consumer,
        producerId: info.producerId,
        peerId: params.peerId || info.peerId,
        source: params.source,
        kind: params.kind,
        type: params.type,
      });
      this.#emit();
    } catch (err) {
      if (this.#media === media && !media.closed) console.warn(`consuming ${info.source} of ${info.peerId} failed:`, err);
    } finally {
      inFlight.delete(info.producerId);
    }
  }

  // ---- local media -------------------------------------------------------------------

  #readyMedia(): MediaSession | null {
    return this.#phase === 'joined' && this.#media?.ready ? this.#media : null;
  }

  async #exclusive(source: MediaSource, fn: () => Promise<void>): Promise<void> {
    if (this.#busy.has(source) || TERMINAL.has(this.#phase)) return;
    this.#busy.add(source);
    try {
      await fn();
    } catch (err) {
      this.#notice(err instanceof Error ? err.message : `Could not change your ${sourceLabel(source)}.`, 'warn');
    } finally {
      this.#busy.delete(source);
      this.#emit();
    }
  }

  async #sourceEnded(source: MediaSource): Promise<void> {
    this.#local.stop(source);
    this.#emit();
    if (source !== 'screen') this.#notice(`Your ${sourceLabel(source)} stopped.`, 'warn');
    await this.#readyMedia()?.closeProducer(source).catch(() => undefined);
  }

  async #mutedByHost(source: MediaSource): Promise<void> {
    if (source === 'mic') {
      this.#local.micOn = false;
      const track = this.#local.track('mic');
      if (track) track.enabled = false;
      this.#media?.pauseLocally('mic');
      this.#notice('The host muted your microphone.', 'warn');
      this.#emit();
      return;
    }
    this.#local.stop(source);
    this.#notice(`The host turned off your ${sourceLabel(source)}.`, 'warn');
    this.#emit();
    await this.#media?.closeProducer(source).catch(() => undefined);
  }

  // ---- state helpers -------------------------------------------------------------------

  #addPeer(info: PeerInfo): RemotePeer {
    const peer: RemotePeer = {
      peerId: info.peerId,
      displayName: info.displayName,
      role: info.role,
      producers: new Map(info.producers.map((p) => [p.producerId, p])),
    };
    const existing = this.#peers.get(info.peerId);
    if (existing) {
      // Keep producers we already know of (newProducer may have raced peerJoined).
      for (const [id, p] of existing.producers) if (!peer.producers.has(id)) peer.producers.set(id, p);
    }
    this.#peers.set(info.peerId, peer);
    return peer;
  }

  #producerPaused(peerId: string, producerId: string): boolean {
    return this.#peers.get(peerId)?.producers.get(producerId)?.paused ?? false;
  }

  #setProducerPaused(peerId: string, producerId: string, paused: boolean): void {
    if (peerId === this.#peerId) return;
    const p = this.#peers.get(peerId)?.producers.get(producerId);
    if (p) p.paused = paused;
    this.#emit();
  }

  #dropConsumer(consumerId: string): void {
    if (!this.#consumers.delete(consumerId)) return;
    this.#layers.delete(consumerId);
    this.#media?.closeConsumer(consumerId);
  }

  /** Closes transports and forgets consumers; local tracks stay. */
  #dropMedia(): void {
    this.#media?.close();
    this.#media = null;
    this.#consumers.clear();
    this.#layers.clear();
    this.#consuming = new Set();
  }

  #ended(): void {
    if (this.#phase === 'ended') return;
    this.#teardown('ended');
    this.#opts.onEnded();
  }

  #teardown(phase: RoomPhase, message: string | null = null): void {
    this.#gen++;
    this.#dropMedia();
    this.#local.stopAll();
    this.#sig.close();
    this.#peers.clear();
    this.#lobby = [];
    this.#activeSpeaker = null;
    this.#reconnecting = false;
    this.#phase = phase;
    this.#message = message;
    this.#emit();
  }

  /** Shows a short message; returns its id (null when the same text is already showing). */
  #notice(text: string, tone: Notice['tone'] = 'info'): number | null {
    if (this.#notices.some((n) => n.text === text)) return null;
    const id = ++this.#noticeSeq;
    this.#notices = [...this.#notices, { id, text, tone }].slice(-4);
    setTimeout(() => this.dismissNotice(id), NOTICE_MS);
    this.#emit();
    return id;
  }

  async #hostAction(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.#notice(`Could not ${what}: ${err instanceof Error ? err.message : String(err)}`, 'warn');
    }
  }

  #emit(): void {
    if (this.#emitQueued) return;
    this.#emitQueued = true;
    queueMicrotask(() => {
      this.#emitQueued = false;
      this.#snapshot = this.#build();
      for (const fn of [...this.#listeners]) fn();
    });
  }

  #build(): RoomSnapshot {
    return buildSnapshot({
      phase: this.#phase,
      reconnecting: this.#reconnecting,
      peerId: this.#peerId,
      displayName: this.#displayName,
      role: this.#role,
      session: this.#session,
      peers: [...this.#peers.values()],
      consumers: [...this.#consumers.values()],
      lobby: this.#lobby,
      activeSpeaker: this.#activeSpeaker,
      local: this.#local,
      notices: this.#notices,
      message: this.#message,
    });
  }
}
