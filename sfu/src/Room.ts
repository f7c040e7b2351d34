import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { Peer, type ProducerAppData } from './Peer.js';
import { SfuError } from './SfuError.js';
import { TypedEmitter } from './TypedEmitter.js';
import { LayerDemand } from './LayerDemand.js';
import { LayerGovernor } from './LayerGovernor.js';
import { MEDIA_CODECS } from './codecs.js';
import { NodePipes } from './NodePipes.js';
import { RoomRouters, type RoomRouter, type RoomRouterLayout } from './RoomRouters.js';
import { measureStep } from './layerMeasure.js';
import { createPlainTransport, createWebRtcTransport } from './roomTransports.js';
import type { RouterLease } from './WorkerPool.js';
import type { ConsumerAppData, CreatePlainTransportResponse, CreateWebRtcTransportResponse, Notify } from './types.js';
import type { PipedProducerOutResponse, ProducerInfo, RoomCloseReason, RoomLoss, RoomStats, TransportDirection } from './types.js';

export interface RoomOptions {
  roomId: string;
  maxPeers: number;
  logger: Logger;
  notify: Notify;
  /** Gets a router on a worker; the pool decides which. */
  createRouter: (roomId: string, mediaCodecs: readonly ms.RouterRtpCodecCapability[]) => Promise<RouterLease>;
  /** How long a lower simulcast demand must hold before publishers drop layers (LayerDemand's default if unset). */
  layerLowerDelayMs?: number;
  /** Gets a router on the least-loaded worker not in `exclude`; without it the room keeps to one router. */
  createRouterExcept?: (roomId: string, mediaCodecs: readonly ms.RouterRtpCodecCapability[], exclude: ReadonlySet<number>) => Promise<RouterLease | undefined>;
  /** Peers on one router before the room opens another on a further worker. Default: no limit. */
  peersPerRouter?: number;
}

export type RoomEvents = { closed: [RoomCloseReason, RoomLoss] };

const ACTIVE_SPEAKER_INTERVAL_MS = 300;

export { MAX_WEBRTC_TRANSPORTS_PER_PEER } from './roomTransports.js';
export type { RoomRouterLayout } from './RoomRouters.js';

/**
 * One call: its peers, each on one of the room's routers (a router per worker the room
 * spans; see RoomRouters), and an active-speaker observer on the first router.
 *
 * Worker death: the first router's worker dying closes the room ('worker_died'), as it did
 * when a room had one router; another router's worker dying closes only the peers placed on
 * it (their producers' producerClosed and the remote consumers' consumerClosed are told, as
 * for any producer going away); the room and its other peers go on.
 */
export class Room extends TypedEmitter<RoomEvents> {
  readonly id: string;
  maxPeers: number;
  /** Tells activeSpeaker (false on a node that is not the home of a room spanning nodes). */
  observeSpeakers = true;
  readonly #logger: Logger;
  readonly #notify: Notify;
  readonly #routers: RoomRouters;
  readonly #speakers: ms.ActiveSpeakerObserver;
  readonly #peers = new Map<string, Peer>();
  /** Each peer's router. */
  readonly #homes = new Map<Peer, RoomRouter>();
  /** Service peers (recorders) not counted against maxPeers. */
  readonly #uncounted = new Set<string>();
  /** Which simulcast layers of each producer someone watches. */
  readonly demand: LayerDemand;
  /** Frame rate before resolution for simulcast consumers on WebRTC transports. */
  readonly governor = new LayerGovernor();
  readonly #stopGovernor: () => void;
  /** Links to the same room on other SFU nodes. */
  readonly #nodePipes: NodePipes;
  /** Counted peers being placed (their router may be opening). */
  #arriving = 0;
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
    this.#speakers = speakers;
    // Children report through here; nothing is reported once the room (or its first router) is going away.
    this.#notify = (event, ...args) => {
      if (!this.#closed && !lease.router.closed) options.notify(event, ...args);
    };
    this.demand = new LayerDemand({
      roomId: options.roomId,
      notify: this.#notify,
      lowerDelayMs: options.layerLowerDelayMs,
      wantedOf: (consumer) => this.governor.wanted(consumer.id),
    });
    this.#stopGovernor = this.governor.start((error) => this.#logger.warn({ err: error }, 'layer governor tick failed'));
    this.#routers = new RoomRouters(
      {
        roomId: options.roomId,
        logger,
        peersPerRouter: options.peersPerRouter ?? Number.POSITIVE_INFINITY,
        createRouterExcept: options.createRouterExcept,
        onWorkerClose: (router, first) => this.#onWorkerClose(router, first),
      },
      lease,
    );
    this.#nodePipes = new NodePipes({
      lease: () => this.#routers.first.lease,
      logger,
      // Audio piped in from another node is heard by this node's observer too.
      onPipedIn: (producer) => {
        if (producer.kind === 'audio') void this.#speakers.addProducer({ producerId: producer.id }).catch(() => undefined);
      },
    });
    speakers.on('dominantspeaker', ({ producer }) => {
      const peerId = this.#ownerOf(producer.id)?.id ?? (producer.appData as Partial<ProducerAppData>).peerId;
      if (peerId !== undefined && this.observeSpeakers) this.#notify('activeSpeaker', { roomId: this.id, peerId });
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The first router's worker. */
  get workerIndex(): number {
    return this.#routers.first.lease.workerIndex;
  }

  /** Every router of the room has the same codecs, so the same capabilities. */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#routers.first.lease.router.rtpCapabilities;
  }

  /** Producers piped into a router other than their own now. */
  get pipeCount(): number {
    return this.#routers.pipeCount;
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  /** The room's pipes to other SFU nodes. */
  get nodePipes(): NodePipes {
    return this.#nodePipes;
  }

  canConsume(producerId: string, rtpCapabilities: ms.RtpCapabilities): boolean {
    if (this.#nodePipes.has(producerId)) return this.#routers.first.lease.router.canConsume({ producerId, rtpCapabilities });
    const owner = this.#ownerOf(producerId);
    const home = owner && this.#homes.get(owner);
    return home ? home.lease.router.canConsume({ producerId, rtpCapabilities }) : false;
  }

  /**
   * Adds a peer on the room's least-loaded router (see RoomRouters.place); an existing peer
   * with the same id is closed first (the new connection wins).
   */
  async addPeer(peerId: string, connectionId?: string, uncounted = false): Promise<Peer> {
    this.#assertOpen();
    this.#peers.get(peerId)?.close();
    if (!uncounted && this.#peers.size - this.#uncounted.size + this.#arriving >= this.maxPeers) {
      throw new SfuError('room_full', `Room ${this.id} is full (${this.maxPeers} peers)`);
    }
    if (!uncounted) this.#arriving++;
    let home: RoomRouter;
    try {
      home = await this.#routers.place();
    } finally {
      if (!uncounted) this.#arriving--;
    }
    if (this.#closed || home.lease.router.closed) {
      this.#routers.leave(home);
      throw new SfuError('room_not_found', `Room ${this.id} is closed`);
    }
    this.#peers.get(peerId)?.close(); // a concurrent join with the same id: the later one wins
    const peer = new Peer({
      roomId: this.id,
      peerId,
      connectionId,
      notify: this.#notify,
      countConsumer: home.lease.countConsumer,
      onNewProducer: (producer) => this.#observeSpeaker(producer),
      onNewConsumer: (producer, consumer, entry) => {
        if (consumer.type === 'simulcast' && entry.kind === 'webrtc') {
          this.governor.track(consumer, (toLayer) => measureStep(entry.transport, producer, consumer, toLayer));
          consumer.observer.once('close', () => this.governor.forget(consumer.id));
        }
        // A producer piped in from another node is its own node's to demand layers of.
        if (!this.#nodePipes.has(producer.id)) this.demand.track(producer, consumer);
      },
      onListenerError: (event, error) => this.#logger.error({ err: error, event, peerId }, 'Peer listener threw'),
    });
    this.#peers.set(peerId, peer);
    this.#homes.set(peer, home);
    if (uncounted) this.#uncounted.add(peerId);
    peer.once('closed', () => {
      this.#routers.leave(home);
      this.#homes.delete(peer);
      if (this.#peers.get(peerId) !== peer) return;
      this.#peers.delete(peerId);
      this.#uncounted.delete(peerId);
    });
    this.#logger.debug({ peerId, workerIndex: home.lease.workerIndex }, 'peer added');
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
    return createWebRtcTransport(this.#home(peer).lease, peer, direction);
  }

  /** A plain RTP transport for media ingest (send) or output to a local process (recv, e.g. recording). */
  async createPlainTransport(peerId: string, direction: TransportDirection, comedia: boolean): Promise<CreatePlainTransportResponse> {
    const peer = this.peer(peerId);
    return createPlainTransport(this.#home(peer).lease, peer, direction, comedia);
  }

  /**
   * A consumer of `producerId` for `peerId`, on the peer's router: a producer on another
   * router of the room is piped there first (one pipe per producer and router, closed when
   * its last consumer there closes).
   */
  async consume(params: { peerId: string; transportId: string; producerId: string; rtpCapabilities: ms.RtpCapabilities }): Promise<ms.Consumer<ConsumerAppData & ms.AppData>> {
    const peer = this.peer(params.peerId);
    // A producer piped in from another node lives on the first router.
    const piped = await this.#nodePipes.piped(params.producerId);
    const producer = piped ?? this.findProducer(params.producerId);
    if (producer.appData.peerId === peer.id) throw new SfuError('cannot_consume', 'A peer cannot consume its own producer');
    if (!this.canConsume(producer.id, params.rtpCapabilities)) {
      throw new SfuError('cannot_consume', `Cannot consume producer ${producer.id} with these RTP capabilities`);
    }
    const from = piped ? this.#routers.first : this.#home(this.peer(producer.appData.peerId));
    const release = await this.#routers.pipe(producer.id, from, this.#home(peer));
    let consumer: ms.Consumer<ConsumerAppData & ms.AppData>;
    try {
      consumer = await peer.consume({ transportId: params.transportId, producer, rtpCapabilities: params.rtpCapabilities });
    } catch (error) {
      release();
      throw error;
    }
    if (consumer.closed) release();
    else consumer.observer.once('close', release);
    return consumer;
  }

  /** Sends a local producer to another node's room (through the first router). */
  async pipeProducerOut(remoteNodeId: string, producerId: string): Promise<PipedProducerOutResponse> {
    const producer = this.findProducer(producerId);
    const from = this.#home(this.peer(producer.appData.peerId));
    return this.#nodePipes.pipeOut(remoteNodeId, producer, async () => {
      const release = await this.#routers.pipe(producer.id, from, this.#routers.first);
      const unpin = this.demand.pin(producer); // viewers over there want layers this node cannot see
      return () => {
        unpin();
        release();
      };
    });
  }

  /** The viewer's layer for a consumer: through the governor (which may hold it lower), then the publishers' demand. */
  async prefer(consumer: ms.Consumer, spatialLayer: number, temporalLayer?: number): Promise<void> {
    if (this.governor.wanted(consumer.id) !== undefined) await this.governor.setWanted(consumer.id, spatialLayer, temporalLayer);
    else await consumer.setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer });
    this.demand.changed(consumer.producerId);
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

  /** The room's routers, the first one first, with what each carries. */
  layout(): RoomRouterLayout[] {
    const entries = new Map<RoomRouter, RoomRouterLayout>();
    for (const r of this.#routers.all()) {
      entries.set(r, { workerIndex: r.lease.workerIndex, workerPid: r.lease.workerPid, peers: 0, producers: 0, consumers: 0 });
    }
    for (const [peer, home] of this.#homes) {
      const entry = entries.get(home);
      if (!entry) continue;
      entry.peers++;
      entry.producers += [...peer.producers()].length;
      entry.consumers += [...peer.consumers()].length;
    }
    return [...entries.values()];
  }

  /** Closes every peer and the router. Idempotent; emits `closed` once. */
  close(reason: RoomCloseReason = 'closed'): void {
    if (this.#closed) return;
    this.#closed = true;
    const loss: RoomLoss = { peerIds: [...this.#peers.keys()], remoteNodeIds: this.#nodePipes.remoteNodes() };
    this.demand.close();
    this.#stopGovernor();
    this.#nodePipes.close();
    this.#routers.close();
    for (const peer of [...this.#peers.values()]) peer.close();
    this.#peers.clear();
    this.#logger.info({ reason }, 'room closed');
    this.emit('closed', reason, loss);
    this.removeAllListeners();
  }

  #ownerOf(producerId: string): Peer | undefined {
    for (const peer of this.#peers.values()) {
      for (const producer of peer.producers()) if (producer.id === producerId) return peer;
    }
    return undefined;
  }

  /** Audio of every router reaches the observer on the first one (piped there for as long as it lives). */
  #observeSpeaker(producer: ms.Producer<ProducerAppData>): void {
    if (producer.kind !== 'audio') return;
    const owner = this.#peers.get(producer.appData.peerId);
    const home = owner && this.#homes.get(owner);
    if (!home) return;
    this.#routers
      .pipe(producer.id, home, this.#routers.first)
      .then(() => this.#speakers.addProducer({ producerId: producer.id }))
      .catch((error: unknown) => {
        if (!producer.closed && !this.#closed) this.#logger.warn({ err: error, producerId: producer.id }, 'active speaker observer refused producer');
      });
  }

  #home(peer: Peer): RoomRouter {
    const home = this.#homes.get(peer);
    if (!home) throw new SfuError('peer_not_found', `Peer ${peer.id} left`);
    return home;
  }

  #onWorkerClose(router: RoomRouter, first: boolean): void {
    if (first) {
      this.close('worker_died');
      return;
    }
    const lost = [...this.#homes].filter(([, home]) => home === router).map(([peer]) => peer);
    this.#logger.warn({ workerIndex: router.lease.workerIndex, peers: lost.length }, 'worker of one of the room routers died; closing its peers');
    for (const peer of lost) peer.close();
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('room_not_found', `Room ${this.id} is closed`);
  }
}
