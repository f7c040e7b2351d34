import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { Peer, type ProducerAppData } from './Peer.js';
import { SfuError } from './SfuError.js';
import { TypedEmitter } from './TypedEmitter.js';
import { LayerDemand } from './LayerDemand.js';
import { LayerGovernor } from './LayerGovernor.js';
import { MEDIA_CODECS } from './codecs.js';
import type { RouterLease } from './WorkerPool.js';
import type {
  CreatePlainTransportResponse,
  CreateWebRtcTransportResponse,
  Notify,
  ProducerInfo,
  RoomCloseReason,
  RoomStats,
  TransportDirection,
} from './types.js';

export interface RoomOptions {
  roomId: string;
  maxPeers: number;
  logger: Logger;
  notify: Notify;
  /** Gets a router on a worker; the pool decides which. */
  createRouter: (roomId: string, mediaCodecs: readonly ms.RouterRtpCodecCapability[]) => Promise<RouterLease>;
  /** How long a lower simulcast demand must hold before publishers drop layers (LayerDemand's default if unset). */
  layerLowerDelayMs?: number;
}

export type RoomEvents = { closed: [RoomCloseReason] };

const INITIAL_OUTGOING_BITRATE = 1_000_000;
const ACTIVE_SPEAKER_INTERVAL_MS = 300;
const GOVERNOR_TICK_MS = 1000;

/** One call: a router on one worker, its peers, and an active-speaker observer. */
/** WebRTC transports one peer may hold at once (send and receive, with room for a rebuild). */
export const MAX_WEBRTC_TRANSPORTS_PER_PEER = 8;

export class Room extends TypedEmitter<RoomEvents> {
  readonly id: string;
  maxPeers: number;
  readonly #logger: Logger;
  readonly #notify: Notify;
  readonly #lease: RouterLease;
  readonly #speakers: ms.ActiveSpeakerObserver;
  readonly #peers = new Map<string, Peer>();
  /** Service peers (recorders) not counted against maxPeers. */
  readonly #uncounted = new Set<string>();
  /** Which simulcast layers of each producer someone watches. */
  readonly demand: LayerDemand;
  /** Frame rate before resolution for simulcast consumers on WebRTC transports. */
  readonly governor = new LayerGovernor();
  readonly #governorTimer: NodeJS.Timeout;
  #closed = false;

  static async create(options: RoomOptions): Promise<Room> {
    const lease = await options.createRouter(options.roomId, MEDIA_CODECS);
    try {
      const speakers = await lease.router.createActiveSpeakerObserver({ interval: ACTIVE_SPEAKER_INTERVAL_MS });
      return new Room(options, lease, speakers);
    } catch (error) {
      lease.router.close();
      throw error;
    }
  }

  private constructor(options: RoomOptions, lease: RouterLease, speakers: ms.ActiveSpeakerObserver) {
    const logger = options.logger.child({ roomId: options.roomId, workerIndex: lease.workerIndex });
    super((event, error) => logger.error({ err: error, event }, 'Room listener threw'));
    this.id = options.roomId;
    this.maxPeers = options.maxPeers;
    this.#logger = logger;
    this.#lease = lease;
    this.#speakers = speakers;
    // Children report through here; nothing is reported once the room (or its router) is going away.
    this.#notify = (event, ...args) => {
      if (!this.#closed && !lease.router.closed) options.notify(event, ...args);
    };
    this.demand = new LayerDemand({
      roomId: options.roomId,
      notify: this.#notify,
      lowerDelayMs: options.layerLowerDelayMs,
      wantedOf: (consumer) => this.governor.wanted(consumer.id),
    });
    this.#governorTimer = setInterval(() => {
      this.governor.tick().catch((error: unknown) => this.#logger.warn({ err: error }, 'layer governor tick failed'));
    }, GOVERNOR_TICK_MS);
    this.#governorTimer.unref();
    lease.router.on('workerclose', () => this.close('worker_died'));
    speakers.on('dominantspeaker', ({ producer }) => {
      const peerId = this.#ownerOf(producer.id)?.id;
      if (peerId !== undefined) this.#notify('activeSpeaker', { roomId: this.id, peerId });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  get workerIndex(): number {
    return this.#lease.workerIndex;
  }

  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#lease.router.rtpCapabilities;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  canConsume(producerId: string, rtpCapabilities: ms.RtpCapabilities): boolean {
    return this.#lease.router.canConsume({ producerId, rtpCapabilities });
  }

  /** Adds a peer; an existing peer with the same id is closed first (the new connection wins). */
  addPeer(peerId: string, connectionId?: string, uncounted = false): Peer {
    this.#assertOpen();
    this.#peers.get(peerId)?.close();
    if (!uncounted && this.#peers.size - this.#uncounted.size >= this.maxPeers) {
      throw new SfuError('room_full', `Room ${this.id} is full (${this.maxPeers} peers)`);
    }
    const peer = new Peer({
      roomId: this.id,
      peerId,
      connectionId,
      notify: this.#notify,
      countConsumer: this.#lease.countConsumer,
      onNewProducer: (producer) => this.#observeSpeaker(producer),
      onNewConsumer: (producer, consumer, entry) => {
        if (consumer.type === 'simulcast' && entry.kind === 'webrtc') {
          this.governor.track(consumer, (toLayer) => measureStep(entry.transport, producer, consumer, toLayer));
          consumer.observer.once('close', () => this.governor.forget(consumer.id));
        }
        this.demand.track(producer, consumer);
      },
      onListenerError: (event, error) => this.#logger.error({ err: error, event, peerId }, 'Peer listener threw'),
    });
    this.#peers.set(peerId, peer);
    if (uncounted) this.#uncounted.add(peerId);
    peer.once('closed', () => {
      if (this.#peers.get(peerId) !== peer) return;
      this.#peers.delete(peerId);
      this.#uncounted.delete(peerId);
    });
    this.#logger.debug({ peerId }, 'peer added');
    return peer;
  }

  /** Removes a peer (no-op if absent, or if `connectionId` names an older connection). */
  removePeer(peerId: string, connectionId?: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    if (connectionId !== undefined && peer.connectionId !== connectionId) return;
    peer.close();
    this.#logger.debug({ peerId }, 'peer removed');
  }

  peer(peerId: string): Peer {
    const peer = this.#peers.get(peerId);
    if (!peer) throw new SfuError('peer_not_found', `Peer ${peerId} not found in room ${this.id}`);
    return peer;
  }

  peers(): IterableIterator<Peer> {
    return this.#peers.values();
  }

  async createWebRtcTransport(peerId: string, direction: TransportDirection): Promise<CreateWebRtcTransportResponse> {
    const peer = this.peer(peerId);
    // A browser holds two; more than a few is a client asking for resources it cannot use.
    if (peer.transportCount >= MAX_WEBRTC_TRANSPORTS_PER_PEER) {
      throw new SfuError('invalid_request', `Peer ${peerId} already holds ${peer.transportCount} transports`);
    }
    const transport = await this.#lease.router.createWebRtcTransport({
      webRtcServer: this.#lease.webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: INITIAL_OUTGOING_BITRATE,
      appData: { peerId, direction },
    });
    peer.addTransport({ kind: 'webrtc', direction, transport });
    return {
      id: transport.id,
      iceParameters: transport.iceParameters,
      iceCandidates: transport.iceCandidates,
      dtlsParameters: transport.dtlsParameters,
      ...(transport.sctpParameters ? { sctpParameters: transport.sctpParameters } : {}),
    };
  }

  /** A plain RTP transport for media ingest (send) or output to a local process (recv, e.g. recording). */
  async createPlainTransport(
    peerId: string,
    direction: TransportDirection,
    comedia: boolean,
  ): Promise<CreatePlainTransportResponse> {
    const peer = this.peer(peerId);
    const transport = await this.#lease.router.createPlainTransport({
      listenInfo: {
        protocol: 'udp',
        ip: this.#lease.listenIp,
        ...(this.#lease.announcedAddress ? { announcedAddress: this.#lease.announcedAddress } : {}),
      },
      rtcpMux: false,
      comedia,
      appData: { peerId, direction },
    });
    peer.addTransport({ kind: 'plain', direction, transport });
    const { tuple, rtcpTuple } = transport;
    return { id: transport.id, ip: tuple.localAddress, port: tuple.localPort, rtcpPort: rtcpTuple?.localPort ?? tuple.localPort };
  }

  /** Finds a producer anywhere in the room. */
  findProducer(producerId: string): ms.Producer<ProducerAppData> {
    const owner = this.#ownerOf(producerId);
    if (!owner) throw new SfuError('producer_not_found', `Producer ${producerId} not found in room ${this.id}`);
    return owner.producer(producerId);
  }

  listProducers(excludePeerId?: string): ProducerInfo[] {
    const result: ProducerInfo[] = [];
    for (const peer of this.#peers.values()) {
      if (peer.id === excludePeerId) continue;
      for (const producer of peer.producers()) {
        result.push({
          peerId: peer.id,
          producerId: producer.id,
          kind: producer.kind,
          source: producer.appData.source,
          paused: producer.paused,
        });
      }
    }
    return result;
  }

  stats(): RoomStats {
    let producers = 0;
    let consumers = 0;
    for (const peer of this.#peers.values()) {
      producers += [...peer.producers()].length;
      consumers += [...peer.consumers()].length;
    }
    return { roomId: this.id, workerIndex: this.workerIndex, peers: this.#peers.size, producers, consumers };
  }

  /** Closes every peer and the router. Idempotent; emits `closed` once. */
  close(reason: RoomCloseReason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    this.demand.close();
    clearInterval(this.#governorTimer);
    this.#lease.router.close();
    for (const peer of [...this.#peers.values()]) peer.close();
    this.#peers.clear();
    this.#logger.info({ reason }, 'room closed');
    this.emit('closed', reason);
    this.removeAllListeners();
  }

  #ownerOf(producerId: string): Peer | undefined {
    for (const peer of this.#peers.values()) {
      for (const producer of peer.producers()) if (producer.id === producerId) return peer;
    }
    return undefined;
  }

  #observeSpeaker(producer: ms.Producer<ProducerAppData>): void {
    if (producer.kind !== 'audio') return;
    this.#speakers.addProducer({ producerId: producer.id }).catch((error: unknown) => {
      if (!producer.closed) this.#logger.warn({ err: error, producerId: producer.id }, 'active speaker observer refused producer');
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('room_not_found', `Room ${this.id} is closed`);
  }
}

/**
 * The bandwidth picture for `consumer` on spatial layer `toLayer` at its full frame rate: the
 * transport's estimate, and what the transport would send then (its current send rate, with
 * what this consumer sends now swapped for the producer's whole stream of that layer).
 */
async function measureStep(
  transport: ms.WebRtcTransport,
  producer: ms.Producer,
  consumer: ms.Consumer,
  toLayer: number,
): Promise<{ availableBps: number; neededBps: number } | null> {
  if (transport.closed || producer.closed || consumer.closed) return null;
  const [[t], streams, own] = await Promise.all([transport.getStats(), producer.getStats(), consumer.getStats()]);
  const available = t?.availableOutgoingBitrate;
  if (available === undefined || t === undefined) return null;
  const encodings = producer.rtpParameters.encodings ?? [];
  const bitrateOf = (layer: number | undefined) => {
    const e = layer === undefined ? undefined : encodings[layer];
    if (!e) return 0;
    return streams.find((s) => (e.rid !== undefined && s.rid === e.rid) || (e.ssrc !== undefined && s.ssrc === e.ssrc))?.bitrate ?? 0;
  };
  const target = bitrateOf(toLayer);
  if (target === 0) return null; // that layer is not running (yet)
  const sending = own.find((x) => x.type === 'outbound-rtp')?.bitrate ?? bitrateOf(consumer.currentLayers?.spatialLayer);
  return { availableBps: available, neededBps: Math.max(0, t.sendBitrate - sending) + target };
}
