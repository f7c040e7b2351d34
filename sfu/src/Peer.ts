import type { types as ms } from 'mediasoup';
import { SfuError, assertUnreachable } from './SfuError.js';
import { TypedEmitter } from './TypedEmitter.js';
import type {
  ConsumerAppData,
  ConsumerInfo,
  Layers,
  MediaKind,
  MediaSource,
  Notify,
  ProducerStatsResponse,
  RtpParameters,
  TransportDirection,
} from './types.js';

export interface ProducerAppData extends ms.AppData {
  peerId: string;
  source: MediaSource;
}
type PeerConsumerAppData = ConsumerAppData & ms.AppData;

export type PeerTransport =
  | { kind: 'webrtc'; direction: TransportDirection; transport: ms.WebRtcTransport }
  | { kind: 'plain'; direction: TransportDirection; transport: ms.PlainTransport };

export interface PeerOptions {
  roomId: string;
  peerId: string;
  connectionId: string | undefined;
  notify: Notify;
  countConsumer: (delta: 1 | -1) => void;
  onNewProducer: (producer: ms.Producer<ProducerAppData>) => void;
  /** Told of each consumer this peer opens (layer demand follows it). */
  onNewConsumer?: (producer: ms.Producer<ProducerAppData>, consumer: ms.Consumer, transport: PeerTransport) => void;
  onListenerError: (event: string, error: unknown) => void;
}

export type PeerEvents = { closed: [] };

/** One participant's media: its transports, producers (one per source) and consumers. */
export class Peer extends TypedEmitter<PeerEvents> {
  readonly id: string;
  readonly connectionId: string | undefined;
  readonly #roomId: string;
  readonly #notify: Notify;
  readonly #countConsumer: (delta: 1 | -1) => void;
  readonly #onNewProducer: (producer: ms.Producer<ProducerAppData>) => void;
  readonly #onNewConsumer: PeerOptions['onNewConsumer'];
  readonly #transports = new Map<string, PeerTransport>();
  readonly #producers = new Map<string, ms.Producer<ProducerAppData>>();
  readonly #producerBySource = new Map<MediaSource, string>();
  readonly #consumers = new Map<string, ms.Consumer<PeerConsumerAppData>>();
  #closed = false;

  constructor(options: PeerOptions) {
    super(options.onListenerError);
    this.id = options.peerId;
    this.connectionId = options.connectionId;
    this.#roomId = options.roomId;
    this.#notify = options.notify;
    this.#countConsumer = options.countConsumer;
    this.#onNewProducer = options.onNewProducer;
    this.#onNewConsumer = options.onNewConsumer;
  }

  get closed(): boolean {
    return this.#closed;
  }

  producers(): IterableIterator<ms.Producer<ProducerAppData>> {
    return this.#producers.values();
  }

  consumers(): IterableIterator<ms.Consumer<PeerConsumerAppData>> {
    return this.#consumers.values();
  }

  /** Transports this peer holds now (a browser needs two: send and receive). */
  get transportCount(): number {
    return this.#transports.size;
  }

  /** Takes ownership of a transport; closes it at once if the peer is already closed. */
  addTransport(entry: PeerTransport): void {
    if (this.#closed) {
      entry.transport.close();
      throw new SfuError('peer_not_found', `Peer ${this.id} left`);
    }
    const transport: ms.Transport = entry.transport;
    this.#transports.set(transport.id, entry);
    transport.observer.once('close', () => this.#transports.delete(transport.id));
  }

  transport(transportId: string, direction?: TransportDirection): PeerTransport {
    const entry = this.#transports.get(transportId);
    if (!entry) throw new SfuError('transport_not_found', `Transport ${transportId} not found`);
    if (direction && entry.direction !== direction) {
      throw new SfuError('invalid_request', `Transport ${transportId} is a ${entry.direction} transport`);
    }
    return entry;
  }

  producer(producerId: string): ms.Producer<ProducerAppData> {
    const producer = this.#producers.get(producerId);
    if (!producer) throw new SfuError('producer_not_found', `Producer ${producerId} not found`);
    return producer;
  }

  consumer(consumerId: string): ms.Consumer<PeerConsumerAppData> {
    const consumer = this.#consumers.get(consumerId);
    if (!consumer) throw new SfuError('consumer_not_found', `Consumer ${consumerId} not found`);
    return consumer;
  }

  async produce(params: {
    transportId: string;
    kind: MediaKind;
    rtpParameters: RtpParameters;
    source: MediaSource;
  }): Promise<ms.Producer<ProducerAppData>> {
    checkKind(params.source, params.kind);
    const { transport } = this.transport(params.transportId, 'send');
    const producer = await transport.produce<ProducerAppData>({
      kind: params.kind,
      rtpParameters: params.rtpParameters,
      appData: { peerId: this.id, source: params.source },
    });
    if (this.#closed || producer.closed) {
      producer.close();
      throw new SfuError('peer_not_found', `Peer ${this.id} left`);
    }
    // One producer per source: the new one replaces the old.
    const previousId = this.#producerBySource.get(params.source);
    if (previousId !== undefined) this.#producers.get(previousId)?.close();
    this.#track(producer);
    return producer;
  }

  async consume(params: {
    transportId: string;
    producer: ms.Producer<ProducerAppData>;
    rtpCapabilities: ms.RtpCapabilities;
  }): Promise<ms.Consumer<PeerConsumerAppData>> {
    const entry = this.transport(params.transportId, 'recv');
    const { transport } = entry;
    const { producer } = params;
    const consumer = await transport.consume<PeerConsumerAppData>({
      producerId: producer.id,
      rtpCapabilities: params.rtpCapabilities,
      paused: true,
      appData: { peerId: producer.appData.peerId, source: producer.appData.source },
    });
    if (this.#closed || consumer.closed) {
      consumer.close();
      throw new SfuError('peer_not_found', `Peer ${this.id} left`);
    }
    this.#consumers.set(consumer.id, consumer);
    this.#countConsumer(1);
    const ref = { roomId: this.#roomId, peerId: this.id, consumerId: consumer.id };
    consumer.observer.once('close', () => {
      this.#consumers.delete(consumer.id);
      this.#countConsumer(-1);
    });
    consumer.on('producerclose', () => this.#notify('consumerClosed', { ...ref, producerId: producer.id }));
    consumer.on('layerschange', (layers) =>
      this.#notify('consumerLayersChanged', {
        ...ref,
        spatialLayer: layers?.spatialLayer ?? null,
        temporalLayer: layers?.temporalLayer ?? null,
      }),
    );
    this.#onNewConsumer?.(producer, consumer, entry);
    return consumer;
  }

  consumerInfos(): ConsumerInfo[] {
    return [...this.#consumers.values()].map((c) => ({
      consumerId: c.id,
      producerId: c.producerId,
      kind: c.kind,
      type: c.type,
      paused: c.paused,
      producerPaused: c.producerPaused,
      preferredLayers: toLayers(c.preferredLayers),
      currentLayers: toLayers(c.currentLayers),
    }));
  }

  async producerStats(producerId: string): Promise<ProducerStatsResponse> {
    const stats = await this.producer(producerId).getStats();
    return {
      producerId,
      streams: stats.map((s) => ({
        ssrc: s.ssrc,
        rid: s.rid ?? null,
        mimeType: s.mimeType,
        packetCount: s.packetCount,
        byteCount: s.byteCount,
        bitrate: s.bitrate,
        score: s.score,
      })),
    };
  }

  /** Closes every transport (and so every producer and consumer). Idempotent; emits `closed` once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const { transport } of [...this.#transports.values()]) transport.close();
    this.#transports.clear();
    this.emit('closed');
    this.removeAllListeners();
  }

  #track(producer: ms.Producer<ProducerAppData>): void {
    const { source } = producer.appData;
    const ref = { roomId: this.#roomId, peerId: this.id, producerId: producer.id };
    this.#producers.set(producer.id, producer);
    this.#producerBySource.set(source, producer.id);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      if (this.#producerBySource.get(source) === producer.id) this.#producerBySource.delete(source);
      this.#notify('producerClosed', ref);
    });
    producer.observer.on('pause', () => this.#notify('producerPaused', { ...ref, source }));
    producer.observer.on('resume', () => this.#notify('producerResumed', { ...ref, source }));
    this.#notify('newProducer', { ...ref, kind: producer.kind, source });
    this.#onNewProducer(producer);
  }
}

function checkKind(source: MediaSource, kind: MediaKind): void {
  let expected: MediaKind;
  switch (source) {
    case 'mic':
      expected = 'audio';
      break;
    case 'webcam':
    case 'screen':
      expected = 'video';
      break;
    default:
      return assertUnreachable(source);
  }
  if (kind !== expected) {
    throw new SfuError('invalid_request', `A ${source} producer must be ${expected}, got ${String(kind)}`);
  }
}

function toLayers(layers: ms.ConsumerLayers | undefined): Layers | null {
  return layers ? { spatialLayer: layers.spatialLayer, temporalLayer: layers.temporalLayer ?? null } : null;
}
