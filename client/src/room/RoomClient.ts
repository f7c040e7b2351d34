// The room as this browser sees it, for the UI: a thin front over its parts. It owns the
// phase (connecting, lobby, joined, ended, ...), builds the snapshot the UI renders, and
// wires the parts together through callbacks; each part listens to its own notifications:
//   RoomRoster.ts    who else is here, what they send, the lobby (roster.ts: its pure reducer)
//   RoomMedia.ts     the current media session and what we receive on it
//   Publisher.ts     what we send: our tracks and the mic/camera/screen controls
//   notices.ts       the short messages over the call
//   hostControls.ts  admit, deny, mute, remove, lock, record, end
//   SessionState.ts  who we are, and the session's title, lock and recording flags
//   RoomConnection.ts  handshake, join, rebuild, reconnect
//   ConnectionQuality.ts  how our own and each peer's connection fares (quality.ts)
import type { ResponseMap } from '@lectern/server/protocol';
import type { types } from 'mediasoup-client';
import type { MediaPrefs } from '../roomPass.js';
import type { Subscribable } from '../store.js';
import { ConnectionQuality } from './ConnectionQuality.js';
import { createHostControls, type HostControls } from './hostControls.js';
import { Notices } from './notices.js';
import { Publisher } from './Publisher.js';
import { RoomConnection, TERMINAL, type HandshakeError } from './RoomConnection.js';
import { RoomMedia } from './RoomMedia.js';
import { roomErrorMessage } from './roomErrors.js';
import { collectStats, type RoomStats } from './roomStats.js';
import type { RoomPhase, RoomSnapshot } from './roomTypes.js';
import { isProducerPaused } from './roster.js';
import { RoomRoster } from './RoomRoster.js';
import { SessionState } from './SessionState.js';
import { Signaling } from './Signaling.js';
import { buildSnapshot } from './snapshot.js';

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
  /** The WebRTC layer under mediasoup-client; default: this browser's (unit tests pass FakeHandler's). */
  handlerFactory?: types.HandlerFactory;
}

export class RoomClient implements Subscribable<RoomSnapshot> {
  readonly #opts: RoomClientOptions;
  readonly #sig: Signaling;
  readonly #conn: RoomConnection;
  readonly #media: RoomMedia;
  readonly #pub: Publisher;
  readonly #notices: Notices;
  readonly #host: HostControls;
  readonly #roster: RoomRoster;
  readonly #self: SessionState;
  readonly #quality: ConnectionQuality;

  #phase: RoomPhase = 'connecting';
  #reconnecting = false;
  #message: string | null = null;
  #closing = false;
  #started = false;

  #snapshot: RoomSnapshot;
  readonly #listeners = new Set<() => void>();
  #emitQueued = false;

  constructor(opts: RoomClientOptions) {
    this.#opts = opts;
    const emit = () => this.#emit();
    const notice = (text: string, tone: 'info' | 'warn' = 'info') => void this.#notices.show(text, tone);
    this.#notices = new Notices(emit);
    this.#sig = new Signaling(opts.token, opts.sessionId);
    this.#media = new RoomMedia(
      this.#sig,
      {
        onChange: emit,
        onTransportLost: () => {
          if (this.#sig.connected) void this.#conn.enter();
        },
      },
      opts.handlerFactory,
    );
    this.#self = new SessionState(this.#sig, { notice: (text) => notice(text, 'info'), onChange: emit });
    this.#roster = new RoomRoster(this.#sig, {
      consume: (producer, wanted) => void this.#media.consume(producer, wanted),
      dropConsumers: (match) => this.#media.dropConsumers(match),
      lobbyChanged: (before, after) => this.#notices.lobbyChanged(before, after, this.#self.isHost),
      onChange: emit,
    });
    this.#quality = new ConnectionQuality(this.#sig, {
      consumers: () => this.#media.consumers(),
      producers: () => this.#media.producers(),
      producerPaused: (peerId, producerId) => isProducerPaused(this.#roster.state, peerId, producerId),
      joined: () => this.#phase === 'joined' && this.#media.ready,
      onChange: emit,
    });
    this.#pub = new Publisher(opts.prefs, {
      readyMedia: () => (this.#phase === 'joined' && this.#media.ready ? this.#media.session : null),
      currentMedia: () => this.#media.session,
      closed: () => TERMINAL.has(this.#phase),
      canPublish: () => this.#self.canPublish,
      notice,
      onChange: emit,
    });
    this.#host = createHostControls({
      request: this.#sig.request.bind(this.#sig),
      patchSession: (patch) => this.#self.patch(patch),
      ended: () => this.#ended(),
      notice,
    });
    this.#conn = new RoomConnection({
      sig: this.#sig,
      media: this.#media,
      phase: () => this.#phase,
      setPhase: (phase, reconnecting) => {
        this.#phase = phase;
        this.#reconnecting = reconnecting;
        this.#emit();
      },
      setReconnecting: (on) => {
        this.#reconnecting = on;
        this.#emit();
      },
      closing: () => this.#closing,
      beginJoin: () => {
        this.#roster.beginJoin();
        this.#self.beginJoin();
      },
      endJoin: (joined) => {
        if (joined) return this.#applyJoin(joined);
        this.#roster.endJoin(null);
        this.#self.endJoin();
      },
      consumeAll: () => this.#roster.consumeAll(),
      localReady: () => this.#pub.ready(),
      publishAll: (media) => this.#pub.publishAll(media).finally(emit),
      teardown: (phase, message) => this.#teardown(phase, message),
      ended: () => this.#ended(),
      notice,
      onToken: (token) => opts.onToken(token),
      renewToken: () => opts.renewToken(),
    });
    this.#snapshot = this.#build();
    this.#wire();
  }

  // ---- public surface ---------------------------------------------------------------

  get peerId(): string | null {
    return this.#roster.state.self;
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
    this.#pub.start(this.#opts.handoff);
    this.#quality.start();
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', this.#onVisibility);
      this.#onVisibility();
    }
    this.#sig.connect();
  }

  /** A hidden tab receives no video (audio plays on); it comes back when the tab shows. */
  readonly #onVisibility = (): void => this.#media.setHidden(document.visibilityState === 'hidden');

  toggleMic = (): Promise<void> => this.#pub.toggleMic();
  toggleCamera = (): Promise<void> => this.#pub.toggleCamera();
  toggleScreen = (): Promise<void> => this.#pub.toggleScreen();

  async leave(): Promise<void> {
    if (TERMINAL.has(this.#phase) || this.#closing) return;
    this.#closing = true;
    this.#conn.invalidate();
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
  admit = (peerId: string): Promise<void> => this.#host.admit(peerId);
  deny = (peerId: string): Promise<void> => this.#host.deny(peerId);
  mutePeer = (peerId: string): Promise<void> => this.#host.mutePeer(peerId);
  muteAll = (): Promise<void> => this.#host.muteAll();
  removePeer = (peerId: string): Promise<void> => this.#host.removePeer(peerId);
  setLocked = (locked: boolean): Promise<void> => this.#host.setLocked(locked);
  setRecording = (on: boolean): Promise<void> => this.#host.setRecording(on);
  endSession = (): Promise<void> => this.#host.endSession();
  promote = (peerId: string): Promise<void> => this.#host.promote(peerId);
  demote = (peerId: string): Promise<void> => this.#host.demote(peerId);

  /** One page of the people in the room (everyone but us): the People panel of a webinar. */
  async rosterPage(offset: number, limit: number): Promise<ResponseMap['roster']> {
    return this.#sig.request('roster', { offset, limit });
  }

  /** Asks the server for the simulcast layer that fits the rendered size (deduplicated). */
  setPreferredLayers(consumerId: string, spatialLayer: number): void {
    this.#media.setPreferredLayers(consumerId, spatialLayer, this.#phase === 'joined');
  }

  dismissNotice(id: number): void {
    this.#notices.dismiss(id);
  }

  /** For tests and diagnostics: inbound-rtp per remote consumer, outbound state per producer. */
  stats(): Promise<RoomStats> {
    return collectStats({
      peerId: this.#roster.state.self,
      phase: this.#phase,
      consumers: this.#media.consumers(),
      producers: this.#media.producers(),
      producerPaused: (peerId, producerId) => isProducerPaused(this.#roster.state, peerId, producerId),
    });
  }

  // ---- socket events -------------------------------------------------------------------

  #wire(): void {
    const sig = this.#sig;
    const conn = this.#conn;
    sig.socket.on('disconnect', (reason) => conn.onDisconnect(reason));
    sig.socket.on('connect_error', (err: HandshakeError) => conn.onConnectError(err));

    sig.on('welcome', (w) => {
      this.#roster.apply({ type: 'self', peerId: w.peerId });
      this.#self.welcome(w);
      if (this.#self.over) this.#ended();
      else conn.onWelcome(w.state);
      this.#silenceViewer();
    });
    sig.on('peerPromoted', ({ peerId, promoted }) => {
      if (peerId !== this.#roster.state.self || this.#self.promoted === promoted) return;
      this.#self.promoted = promoted;
      if (promoted) {
        this.#notices.show('The host made you a presenter: you can turn on your microphone, camera and screen share.', 'info');
      } else {
        this.#notices.show('The host made you a viewer again.', 'info');
        void this.#pub.demoted();
      }
      this.#emit();
    });
    sig.on('admitted', () => void conn.enter());
    sig.on('sessionStarted', ({ state }) => {
      this.#self.started();
      conn.onStarted(state);
    });
    sig.on('denied', ({ reason }) => this.#teardown('denied', reason || roomErrorMessage('denied')));
    sig.on('removed', ({ reason }) => this.#teardown('removed', reason || roomErrorMessage('removed')));
    sig.on('sessionEnded', () => this.#ended());
    sig.on('reconnectRequired', () => conn.onReconnectRequired());
    sig.on('tokenRefreshed', ({ roomToken }) => conn.setToken(roomToken));
    sig.on('mutedByHost', ({ source }) => void this.#pub.mutedByHost(source));
    sig.on('producerLayers', ({ producerId, spatialLayer }) => {
      this.#media.session?.limitLayers(producerId, spatialLayer).catch((err: unknown) => console.warn('limitLayers failed:', err));
    });
    sig.on('notification', (n) => {
      if (n.urgent) this.#notices.show(n.title, 'info');
    });
  }

  #applyJoin(joined: ResponseMap['join']): void {
    this.#self.joined(joined.self, joined.session);
    this.#roster.endJoin({ type: 'joined', self: joined.self.peerId, peers: joined.peers, lobby: joined.lobby, total: joined.rosterTotal });
    this.#quality.joined();
    this.#silenceViewer();
  }

  /** A webinar viewer sends nothing: the camera and microphone the page opened are closed. */
  #silenceViewer(): void {
    if (this.#self.canPublish) return;
    void this.#pub.ready().then(() => {
      if (this.#self.canPublish) return;
      this.#pub.stopAll();
      this.#emit();
    });
  }

  #ended(): void {
    if (this.#phase === 'ended') return;
    this.#teardown('ended');
    this.#opts.onEnded();
  }

  #teardown(phase: RoomPhase, message: string | null = null): void {
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisibility);
    this.#conn.invalidate();
    this.#media.drop();
    this.#quality.stop();
    this.#pub.stopAll();
    this.#sig.close();
    this.#roster.apply({ type: 'clear' });
    this.#reconnecting = false;
    this.#phase = phase;
    this.#message = message;
    this.#emit();
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
      peerId: this.#roster.state.self,
      displayName: this.#self.displayName,
      role: this.#self.role,
      session: this.#self.session,
      canPublish: this.#self.canPublish,
      rosterTotal: this.#roster.state.total,
      peers: [...this.#roster.state.peers.values()],
      consumers: this.#media.consumers(),
      lobby: this.#roster.state.lobby,
      activeSpeaker: this.#roster.state.activeSpeaker,
      local: this.#pub.local,
      notices: this.#notices.list,
      message: this.#message,
      quality: this.#quality,
    });
  }
}
