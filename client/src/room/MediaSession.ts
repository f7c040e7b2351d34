// One join's worth of media: the loaded Device, the send and recv transports, and the
// producers and consumers on them. Rebuilding after a reconnect means closing this and
// creating a new one; local tracks outlive it (producers use stopTracks: false).
import type { ConsumerParams, MediaSource, TransportParams } from '@lectern/server/protocol';
import { Device, type types } from 'mediasoup-client';
import type { Signaling } from './Signaling.js';

export interface MediaSessionCallbacks {
  /** A transport could not be repaired by an ICE restart: the room should rebuild. */
  onTransportLost(direction: 'send' | 'recv'): void;
  /** A consumer went away on its own (its transport closed, its track ended). */
  onConsumerGone(consumerId: string): void;
}

interface ProducerAppData extends types.AppData {
  source: MediaSource;
}

const CAMERA_ENCODINGS: types.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 100_000 },
  { scaleResolutionDownBy: 2, maxBitrate: 300_000 },
  { scaleResolutionDownBy: 1, maxBitrate: 900_000 },
];
const SCREEN_ENCODINGS: types.RtpEncodingParameters[] = [{ maxBitrate: 1_500_000 }];
const ICE_DISCONNECT_GRACE_MS = 2500;

export class MediaSession {
  readonly #signaling: Signaling;
  readonly #device: Device;
  readonly #cb: MediaSessionCallbacks;
  #send: types.Transport | null = null;
  #recv: types.Transport | null = null;
  readonly #producers = new Map<MediaSource, types.Producer>();
  readonly #consumers = new Map<string, types.Consumer>();
  readonly #producing = new Map<MediaSource, Promise<types.Producer>>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** The page is hidden: video consumers stay paused (here and on the SFU) until it shows again. */
  #videoHidden = false;
  #closed = false;

  private constructor(signaling: Signaling, device: Device, cb: MediaSessionCallbacks) {
    this.#signaling = signaling;
    this.#device = device;
    this.#cb = cb;
  }

  /** `handlerFactory`: the WebRTC layer under mediasoup-client; default: this browser's (tests pass FakeHandler's). */
  static async create(signaling: Signaling, routerRtpCapabilities: unknown, cb: MediaSessionCallbacks, handlerFactory?: types.HandlerFactory): Promise<MediaSession> {
    const device = await Device.factory(handlerFactory ? { handlerFactory } : {});
    await device.load({ routerRtpCapabilities: routerRtpCapabilities as types.RtpCapabilities });
    return new MediaSession(signaling, device, cb);
  }

  /** What this browser can receive: sent with `join` so the server can build consumers. */
  get rtpCapabilities(): types.RtpCapabilities {
    return this.#device.recvRtpCapabilities;
  }

  #sendCodec(mimeType: string): types.RtpCodecCapability | undefined {
    return this.#device.sendRtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === mimeType);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get ready(): boolean {
    return !this.#closed && this.#send !== null && this.#recv !== null;
  }

  canProduce(kind: 'audio' | 'video'): boolean {
    return this.#device.canProduce(kind);
  }

  producer(source: MediaSource): types.Producer | undefined {
    return this.#producers.get(source);
  }

  producers(): types.Producer[] {
    return [...this.#producers.values()];
  }

  consumer(id: string): types.Consumer | undefined {
    return this.#consumers.get(id);
  }

  async createTransports(): Promise<void> {
    const [send, recv] = await Promise.all([this.#createTransport('send'), this.#createTransport('recv')]);
    if (this.#closed) {
      send.close();
      recv.close();
      throw new Error('media session closed');
    }
    this.#send = send;
    this.#recv = recv;
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const params: TransportParams = await this.#signaling.request('createTransport', { direction });
    const options: types.TransportOptions = {
      id: params.id,
      iceParameters: params.iceParameters as types.IceParameters,
      iceCandidates: params.iceCandidates as types.IceCandidate[],
      dtlsParameters: params.dtlsParameters as types.DtlsParameters,
    };
    if (params.iceServers?.length) options.iceServers = params.iceServers;
    const transport =
      direction === 'send' ? this.#device.createSendTransport(options) : this.#device.createRecvTransport(options);

    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#signaling
        .request('connectTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback())
        .catch((err: unknown) => errback(err instanceof Error ? err : new Error(String(err))));
    });

    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = (appData as ProducerAppData).source;
        this.#signaling
          .request('produce', { transportId: transport.id, kind, rtpParameters, source })
          .then(({ id }) => callback({ id }))
          .catch((err: unknown) => errback(err instanceof Error ? err : new Error(String(err))));
      });
    }

    let graceTimer: ReturnType<typeof setTimeout> | null = null;
    transport.on('connectionstatechange', (state) => {
      if (graceTimer) {
        clearTimeout(graceTimer);
        this.#timers.delete(graceTimer);
        graceTimer = null;
      }
      if (state === 'failed') {
        void this.#restartIce(transport);
      } else if (state === 'disconnected') {
        // Often recovers by itself (a Wi-Fi blip); restart ICE if it does not.
        graceTimer = setTimeout(() => {
          if (transport.connectionState === 'disconnected') void this.#restartIce(transport);
        }, ICE_DISCONNECT_GRACE_MS);
        this.#timers.add(graceTimer);
      }
    });
    return transport;
  }

  async #restartIce(transport: types.Transport): Promise<void> {
    if (this.#closed || transport.closed) return;
    if (!this.#signaling.connected) return; // The socket reconnect path rebuilds everything.
    try {
      const { iceParameters } = await this.#signaling.request('restartIce', { transportId: transport.id });
      if (!transport.closed) await transport.restartIce({ iceParameters: iceParameters as types.IceParameters });
    } catch (err) {
      console.warn(`restartIce (${transport.direction}) failed:`, err);
      if (!this.#closed) this.#cb.onTransportLost(transport.direction);
    }
  }

  /** Publishes `track` as `source`, or swaps it into the existing producer of that source. */
  async produce(source: MediaSource, track: MediaStreamTrack): Promise<types.Producer> {
    // One produce per source at a time: a toggle racing the republish after a rebuild
    // must not create two producers.
    const pending = this.#producing.get(source);
    if (pending) await pending.catch(() => undefined);
    const run = this.#produce(source, track);
    this.#producing.set(source, run);
    try {
      return await run;
    } finally {
      if (this.#producing.get(source) === run) this.#producing.delete(source);
    }
  }

  async #produce(source: MediaSource, track: MediaStreamTrack): Promise<types.Producer> {
    if (!this.#send) throw new Error('not connected');
    const existing = this.#producers.get(source);
    if (existing && !existing.closed) {
      if (existing.track !== track) await existing.replaceTrack({ track });
      if (existing.paused) existing.resume();
      return existing;
    }
    const appData: ProducerAppData = { source };
    const options: types.ProducerOptions<ProducerAppData> = { track, stopTracks: false, appData };
    if (source === 'webcam') {
      options.encodings = CAMERA_ENCODINGS;
      options.codecOptions = { videoGoogleStartBitrate: 1000 };
      const vp8 = this.#sendCodec('video/vp8');
      if (vp8) options.codec = vp8;
    } else if (source === 'screen') {
      options.encodings = SCREEN_ENCODINGS;
      const vp8 = this.#sendCodec('video/vp8');
      if (vp8) options.codec = vp8;
    } else {
      options.codecOptions = { opusStereo: false, opusDtx: true, opusFec: true };
    }
    const producer = await this.#send.produce(options);
    if (this.#closed) {
      producer.close();
      throw new Error('media session closed');
    }
    this.#producers.set(source, producer);
    producer.on('transportclose', () => {
      if (this.#producers.get(source) === producer) this.#producers.delete(source);
    });
    return producer;
  }

  async closeProducer(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    this.#producers.delete(source);
    producer.close();
    await this.#signaling.request('closeProducer', { producerId: producer.id }).catch(() => undefined);
  }

  async pauseProducer(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer || producer.paused) return;
    producer.pause();
    await this.#signaling.request('pauseProducer', { producerId: producer.id });
  }

  async resumeProducer(source: MediaSource): Promise<void> {
    const producer = this.#producers.get(source);
    if (!producer) return;
    if (producer.track) producer.track.enabled = true;
    producer.resume();
    await this.#signaling.request('resumeProducer', { producerId: producer.id });
  }

  /** The SFU says nobody watches this simulcast producer's layers above `spatialLayer`: stop encoding them (or start again). */
  async limitLayers(producerId: string, spatialLayer: number): Promise<void> {
    const producer = [...this.#producers.values()].find((p) => p.id === producerId);
    const layers = producer?.rtpParameters.encodings?.length ?? 0;
    if (!producer || producer.closed || producer.kind !== 'video' || layers < 2) return;
    await producer.setMaxSpatialLayer(Math.min(spatialLayer, layers - 1));
  }

  /** The host paused our producer on the server: mirror it locally without telling the server. */
  pauseLocally(source: MediaSource): void {
    const producer = this.#producers.get(source);
    if (producer && !producer.paused) producer.pause();
  }

  /** Asks the server for a consumer of `producerId`, creates it locally and resumes it (a video one only while the page shows). */
  async consume(producerId: string): Promise<{ consumer: types.Consumer; params: ConsumerParams }> {
    if (!this.#recv) throw new Error('not connected');
    const recv = this.#recv;
    const params = await this.#signaling.request('consume', { transportId: recv.id, producerId });
    if (this.#closed) throw new Error('media session closed');
    const consumer = await recv.consume({
      id: params.id,
      producerId: params.producerId,
      kind: params.kind,
      rtpParameters: params.rtpParameters as types.RtpParameters,
      appData: { peerId: params.peerId, source: params.source },
    });
    this.#consumers.set(consumer.id, consumer);
    const gone = () => {
      if (this.#consumers.delete(consumer.id)) this.#cb.onConsumerGone(consumer.id);
    };
    consumer.on('transportclose', gone);
    consumer.on('trackended', gone);
    // The server created it paused: a video consumer stays so while the page is hidden.
    if (consumer.kind === 'video' && this.#videoHidden) consumer.pause();
    else await this.#signaling.request('resumeConsumer', { consumerId: consumer.id });
    return { consumer, params };
  }

  /**
   * The page was hidden (or shown): pauses (or resumes) every video consumer, locally and on
   * the SFU, which then stops forwarding it; audio plays on. The SFU asks the sender for a
   * key frame on resume. Never rejects (a failed request is logged).
   */
  async setVideoHidden(hidden: boolean): Promise<void> {
    this.#videoHidden = hidden;
    const flipping = [...this.#consumers.values()].filter((c) => c.kind === 'video' && c.paused !== hidden);
    await Promise.all(
      flipping.map(async (consumer) => {
        if (hidden) consumer.pause();
        else consumer.resume();
        try {
          await this.#signaling.request(hidden ? 'pauseConsumer' : 'resumeConsumer', { consumerId: consumer.id });
        } catch (err) {
          if (!this.#closed) console.warn(`${hidden ? 'pausing' : 'resuming'} a video consumer failed:`, err);
        }
      }),
    );
  }

  closeConsumer(consumerId: string): void {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) return;
    this.#consumers.delete(consumerId);
    consumer.close();
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number): Promise<void> {
    if (!this.#consumers.has(consumerId)) return;
    await this.#signaling.request('setPreferredLayers', { consumerId, spatialLayer });
  }

  /** Idempotent: closes transports (and with them every producer and consumer). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#send?.close();
    this.#recv?.close();
    this.#producers.clear();
    this.#consumers.clear();
  }
}
