// The media of the current join: its MediaSession (transports, producers, mediasoup
// consumers) and what we receive on it, per remote producer (who sends it, which source,
// the simulcast layer we asked for). A rebuild drops all of it and attaches a new session;
// local tracks live elsewhere (LocalMedia) and outlive it.
import type { MediaSource, ProducerInfo } from '@lectern/server/protocol';
import type { types } from 'mediasoup-client';
import { MediaSession } from './MediaSession.js';
import type { Signaling } from './Signaling.js';

export interface RemoteConsumer {
  consumer: types.Consumer;
  producerId: string;
  peerId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
  type: string;
}

export interface RoomMediaCallbacks {
  /** Something the UI shows changed (a consumer came or went). */
  onChange(): void;
  /** The current session's transport is beyond repair: rejoin. */
  onTransportLost(): void;
}

/** A consume that failed is asked again (while wanted) up to this many times in all, waiting 1 s, then 2 s. */
const CONSUME_ATTEMPTS = 3;
const CONSUME_RETRY_MS = 1000;

export class RoomMedia {
  readonly #sig: Signaling;
  readonly #cb: RoomMediaCallbacks;
  #session: MediaSession | null = null;
  readonly #consumers = new Map<string, RemoteConsumer>();
  /** Producer ids with a consume request in flight (one consumer per producer). */
  #consuming = new Set<string>();
  readonly #layers = new Map<string, number>();
  /** The page is hidden: video is not received (see MediaSession.setVideoHidden). */
  #hidden = false;

  readonly #handlerFactory: types.HandlerFactory | undefined;

  constructor(sig: Signaling, cb: RoomMediaCallbacks, handlerFactory?: types.HandlerFactory) {
    this.#sig = sig;
    this.#cb = cb;
    this.#handlerFactory = handlerFactory;
  }

  /** A new session for a (re)join; not current until `attach`. */
  async open(routerRtpCapabilities: unknown): Promise<MediaSession> {
    const media: MediaSession = await MediaSession.create(this.#sig, routerRtpCapabilities, {
      onTransportLost: () => {
        if (this.#session === media) this.#cb.onTransportLost();
      },
      onConsumerGone: (consumerId) => {
        if (this.#session !== media) return;
        this.#consumers.delete(consumerId);
        this.#layers.delete(consumerId);
        this.#cb.onChange();
      },
    }, this.#handlerFactory);
    return media;
  }

  attach(media: MediaSession): void {
    this.drop();
    this.#session = media;
    void media.setVideoHidden(this.#hidden);
  }

  /** The page was hidden or shown: video consumers pause or resume, now and after a rebuild. */
  setHidden(hidden: boolean): void {
    if (this.#hidden === hidden) return;
    this.#hidden = hidden;
    void this.#session?.setVideoHidden(hidden);
  }

  get session(): MediaSession | null {
    return this.#session;
  }

  get ready(): boolean {
    return this.#session?.ready ?? false;
  }

  consumers(): RemoteConsumer[] {
    return [...this.#consumers.values()];
  }

  producers(): types.Producer[] {
    return this.#session?.producers() ?? [];
  }

  /** Receives `info` unless we already do; `wanted` is asked again once the consumer exists. */
  async consume(info: ProducerInfo, wanted: () => boolean, attempt = 1): Promise<void> {
    const media = this.#session;
    if (!media?.ready) return;
    const inFlight = this.#consuming;
    if (inFlight.has(info.producerId)) return;
    for (const rc of this.#consumers.values()) if (rc.producerId === info.producerId) return;
    inFlight.add(info.producerId);
    try {
      const { consumer, params } = await media.consume(info.producerId);
      if (this.#session !== media || !wanted()) {
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
      this.#cb.onChange();
    } catch (err) {
      if (this.#session !== media || media.closed) return;
      console.warn(`consuming ${info.source} of ${info.peerId} failed (attempt ${attempt}):`, err);
      // A room across nodes can refuse for a moment (the producer's pipe on its way, a node
      // going): while the roster still lists the producer, ask again a few times.
      if (attempt < CONSUME_ATTEMPTS && wanted()) setTimeout(() => void this.consume(info, wanted, attempt + 1), CONSUME_RETRY_MS * attempt);
    } finally {
      inFlight.delete(info.producerId);
    }
  }

  /** Closes the consumers that match (one id, a peer's, or a producer's). */
  dropConsumers(match: (rc: RemoteConsumer) => boolean): void {
    for (const [id, rc] of this.#consumers) {
      if (!match(rc)) continue;
      this.#consumers.delete(id);
      this.#layers.delete(id);
      this.#session?.closeConsumer(id);
    }
  }

  /** Asks the server for the simulcast layer that fits the rendered size (deduplicated). */
  setPreferredLayers(consumerId: string, spatialLayer: number, joined: boolean): void {
    const rc = this.#consumers.get(consumerId);
    const media = this.#session;
    if (!rc || rc.kind !== 'video' || rc.type !== 'simulcast') return;
    if (this.#layers.get(consumerId) === spatialLayer) return;
    this.#layers.set(consumerId, spatialLayer);
    if (!joined || !media?.ready) return;
    media.setPreferredLayers(consumerId, spatialLayer).catch((err: unknown) => {
      this.#layers.delete(consumerId);
      console.warn('setPreferredLayers failed:', err);
    });
  }

  /** Closes transports and forgets consumers; local tracks stay. */
  drop(): void {
    this.#session?.close();
    this.#session = null;
    this.#consumers.clear();
    this.#layers.clear();
    this.#consuming = new Set();
  }
}
