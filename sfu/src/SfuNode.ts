import type { Logger } from 'pino';
import { Room } from './Room.js';
import { SfuError, assertUnreachable } from './SfuError.js';
import { TypedEmitter } from './TypedEmitter.js';
import { DEFAULT_PEERS_PER_ROUTER, WorkerPool, type WorkerPoolOptions } from './WorkerPool.js';
import { spatialLayerForViewport } from './codecs.js';
import { direction, layer, requireId, source } from './validate.js';
import type * as T from './types.js';

export type SfuNodeOptions = WorkerPoolOptions & {
  /** How long a lower simulcast demand holds before a publisher is told to drop layers (default 3 s). */
  layerLowerDelayMs?: number;
};
export type SfuNodeEvents = T.SfuEvents & { closed: [] };

/**
 * The SFU's single entry point. Every method takes and returns plain JSON, and throws only
 * SfuError, so the same surface can later be served over a bus.
 */
export class SfuNode extends TypedEmitter<SfuNodeEvents> implements T.SfuApi {
  readonly #pool: WorkerPool;
  readonly #logger: Logger;
  readonly #layerLowerDelayMs: number | undefined;
  readonly #peersPerRouter: number;
  readonly #rooms = new Map<string, Room>();
  readonly #pendingRooms = new Map<string, Promise<Room>>();
  #closing: Promise<void> | undefined;

  static async create(options: SfuNodeOptions): Promise<SfuNode> {
    const peersPerRouter = options.peersPerRouter ?? DEFAULT_PEERS_PER_ROUTER;
    if (!Number.isInteger(peersPerRouter) || peersPerRouter < 1) {
      throw new SfuError('invalid_request', `peersPerRouter must be a positive integer, got ${peersPerRouter}`);
    }
    const pool = await WorkerPool.create(options);
    return new SfuNode(pool, options.logger, peersPerRouter, options.layerLowerDelayMs);
  }

  private constructor(pool: WorkerPool, logger: Logger, peersPerRouter: number, layerLowerDelayMs: number | undefined) {
    super((event, error) => logger.error({ err: error, event }, 'SfuNode listener threw'));
    this.#pool = pool;
    this.#layerLowerDelayMs = layerLowerDelayMs;
    this.#logger = logger.child({ component: 'SfuNode' });
    this.#peersPerRouter = peersPerRouter;
    pool.on('workerDied', (event) => {
      // Rooms normally close themselves when their first router goes; make sure none linger.
      // A room whose other router was on this worker lost only that router's peers and goes on.
      for (const roomId of event.roomIds) {
        const room = this.#rooms.get(roomId);
        if (room?.workerIndex === event.workerIndex) room.close('worker_died');
      }
      this.emit('workerDied', event);
    });
  }

  /** The worker pool (for load reporting and tests). */
  get pool(): WorkerPool {
    return this.#pool;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  ensureRoom(req: T.EnsureRoomRequest): Promise<T.EnsureRoomResponse> {
    return this.#call(async () => {
      const roomId = requireId(req.roomId, 'roomId');
      if (!Number.isInteger(req.maxPeers) || req.maxPeers < 1) {
        throw new SfuError('invalid_request', 'maxPeers must be a positive integer');
      }
      let room = this.#rooms.get(roomId);
      if (room) {
        room.maxPeers = req.maxPeers;
      } else {
        let pending = this.#pendingRooms.get(roomId);
        if (!pending) {
          pending = this.#createRoom(roomId, req.maxPeers).finally(() => this.#pendingRooms.delete(roomId));
          this.#pendingRooms.set(roomId, pending);
        }
        room = await pending;
      }
      if (req.observeSpeakers !== undefined) room.observeSpeakers = req.observeSpeakers === true;
      return { rtpCapabilities: room.rtpCapabilities };
    });
  }

  closeRoom(req: T.RoomRef): Promise<void> {
    return this.#call(async () => {
      await this.#pendingRooms.get(req.roomId)?.catch(() => undefined);
      this.#rooms.get(req.roomId)?.close('closed');
    });
  }

  addPeer(req: T.AddPeerRequest): Promise<void> {
    return this.#call(async () => {
      await this.#room(req.roomId).addPeer(requireId(req.peerId, 'peerId'), req.connectionId, req.uncounted === true);
    });
  }

  removePeer(req: T.RemovePeerRequest): Promise<void> {
    return this.#call(() => this.#rooms.get(req.roomId)?.removePeer(req.peerId, req.connectionId));
  }

  createWebRtcTransport(req: T.CreateWebRtcTransportRequest): Promise<T.CreateWebRtcTransportResponse> {
    return this.#call(() => this.#room(req.roomId).createWebRtcTransport(req.peerId, direction(req.direction)));
  }

  connectTransport(req: T.ConnectTransportRequest): Promise<void> {
    return this.#call(async () => {
      const entry = this.#peer(req).transport(req.transportId);
      switch (entry.kind) {
        case 'webrtc':
          return entry.transport.connect({ dtlsParameters: req.dtlsParameters });
        case 'plain':
          throw new SfuError('invalid_request', 'Use connectPlainTransport for a plain transport');
        default:
          return assertUnreachable(entry);
      }
    });
  }

  restartIce(req: T.TransportRef): Promise<T.RestartIceResponse> {
    return this.#call(async () => {
      const entry = this.#peer(req).transport(req.transportId);
      if (entry.kind !== 'webrtc') throw new SfuError('invalid_request', 'Not a WebRTC transport');
      return { iceParameters: await entry.transport.restartIce() };
    });
  }

  createPlainTransport(req: T.CreatePlainTransportRequest): Promise<T.CreatePlainTransportResponse> {
    return this.#call(() =>
      this.#room(req.roomId).createPlainTransport(req.peerId, direction(req.direction), req.comedia ?? true),
    );
  }

  connectPlainTransport(req: T.ConnectPlainTransportRequest): Promise<void> {
    return this.#call(async () => {
      const entry = this.#peer(req).transport(req.transportId);
      if (entry.kind !== 'plain') throw new SfuError('invalid_request', 'Not a plain transport');
      await entry.transport.connect({
        ip: req.ip,
        port: req.port,
        ...(req.rtcpPort === undefined ? {} : { rtcpPort: req.rtcpPort }),
      });
    });
  }

  closeTransport(req: T.TransportRef): Promise<void> {
    return this.#call(() => this.#peer(req).transport(req.transportId).transport.close());
  }

  produce(req: T.ProduceRequest): Promise<T.ProduceResponse> {
    return this.#call(async () => {
      const producer = await this.#peer(req).produce({
        transportId: req.transportId,
        kind: req.kind,
        rtpParameters: req.rtpParameters,
        source: source(req.appData?.source),
      });
      return { id: producer.id };
    });
  }

  closeProducer(req: T.ProducerRef): Promise<void> {
    return this.#call(() => this.#peer(req).producer(req.producerId).close());
  }

  pauseProducer(req: T.ProducerRef): Promise<void> {
    return this.#call(() => this.#peer(req).producer(req.producerId).pause());
  }

  resumeProducer(req: T.ProducerRef): Promise<void> {
    return this.#call(() => this.#peer(req).producer(req.producerId).resume());
  }

  consume(req: T.ConsumeRequest): Promise<T.ConsumeResponse> {
    return this.#call(async () => {
      const consumer = await this.#room(req.roomId).consume({
        peerId: req.peerId,
        transportId: req.transportId,
        producerId: req.producerId,
        rtpCapabilities: req.rtpCapabilities,
      });
      return {
        id: consumer.id,
        producerId: consumer.producerId,
        kind: consumer.kind,
        rtpParameters: consumer.rtpParameters,
        type: consumer.type,
        producerPaused: consumer.producerPaused,
        appData: { peerId: consumer.appData.peerId, source: consumer.appData.source },
      };
    });
  }

  /** Stops forwarding to this consumer (e.g. its viewer's tab is hidden); `resumeConsumer` starts again with a key frame. */
  pauseConsumer(req: T.ConsumerRef): Promise<void> {
    return this.#call(() => this.#peer(req).consumer(req.consumerId).pause());
  }

  resumeConsumer(req: T.ConsumerRef): Promise<void> {
    return this.#call(() => this.#peer(req).consumer(req.consumerId).resume());
  }

  requestKeyFrame(req: T.ConsumerRef): Promise<void> {
    return this.#call(async () => {
      const consumer = this.#peer(req).consumer(req.consumerId);
      if (consumer.kind !== 'video') throw new SfuError('invalid_request', 'Only a video consumer has key frames');
      await consumer.requestKeyFrame();
    });
  }

  setPreferredLayers(req: T.SetPreferredLayersRequest): Promise<void> {
    return this.#call(async () => {
      const layers = { spatialLayer: layer(req.spatialLayer, 'spatialLayer') };
      const temporalLayer = req.temporalLayer === undefined ? undefined : layer(req.temporalLayer, 'temporalLayer');
      const consumer = this.#peer(req).consumer(req.consumerId);
      await this.#room(req.roomId).prefer(consumer, layers.spatialLayer, temporalLayer);
    });
  }

  setConsumerViewport(req: T.SetConsumerViewportRequest): Promise<T.SetConsumerViewportResponse> {
    return this.#call(async () => {
      const consumer = this.#peer(req).consumer(req.consumerId);
      if (consumer.kind !== 'video') throw new SfuError('invalid_request', 'Only a video consumer has a viewport');
      const spatialLayer = spatialLayerForViewport(req.width, req.height);
      await this.#room(req.roomId).prefer(consumer, spatialLayer);
      return { spatialLayer };
    });
  }

  listProducers(req: T.ListProducersRequest): Promise<T.ProducerInfo[]> {
    return this.#call(() => this.#room(req.roomId).listProducers(req.excludePeerId));
  }

  listConsumers(req: T.PeerRef): Promise<T.ConsumerInfo[]> {
    return this.#call(() => this.#peer(req).consumerInfos());
  }

  getProducerStats(req: T.ProducerRef): Promise<T.ProducerStatsResponse> {
    return this.#call(() => this.#peer(req).producerStats(req.producerId));
  }

  getStats(req: T.RoomRef): Promise<T.RoomStats> {
    return this.#call(() => this.#room(req.roomId).stats());
  }

  /** The room's routers (the first one first): the worker process each is on and its peers. */
  roomLayout(req: T.RoomRef): Promise<T.RoomLayout> {
    return this.#call(() => {
      const room = this.#room(req.roomId);
      return { routers: room.layout().map(({ workerPid, peers }) => ({ workerPid, peers })), pipes: room.nodePipes.remoteNodes() };
    });
  }

  createPipe(req: T.PipeRef): Promise<T.PipeEndpoint> {
    return this.#call(() => this.#room(req.roomId).nodePipes.create(requireId(req.remoteNodeId, 'remoteNodeId')));
  }

  connectPipe(req: T.ConnectPipeRequest): Promise<void> {
    return this.#call(() =>
      this.#room(req.roomId).nodePipes.connect(requireId(req.remoteNodeId, 'remoteNodeId'), { ip: req.ip, port: req.port, srtpParameters: req.srtpParameters }),
    );
  }

  pipeProducerOut(req: T.PipeProducerOutRequest): Promise<T.PipedProducerOutResponse> {
    return this.#call(() => this.#room(req.roomId).pipeProducerOut(requireId(req.remoteNodeId, 'remoteNodeId'), req.producerId));
  }

  pipeProducerIn(req: T.PipeProducerInRequest): Promise<void> {
    return this.#call(() =>
      this.#room(req.roomId).nodePipes.pipeIn(requireId(req.remoteNodeId, 'remoteNodeId'), {
        producerId: requireId(req.producerId, 'producerId'),
        kind: req.kind,
        rtpParameters: req.rtpParameters,
        paused: req.paused === true,
        appData: { peerId: requireId(req.appData?.peerId, 'appData.peerId'), source: source(req.appData?.source) },
      }),
    );
  }

  updatePipedProducer(req: T.UpdatePipedProducerRequest): Promise<void> {
    return this.#call(async () => {
      if (req.action !== 'pause' && req.action !== 'resume' && req.action !== 'close') throw new SfuError('invalid_request', 'action must be pause, resume or close');
      await this.#rooms.get(req.roomId)?.nodePipes.update(req.producerId, req.action);
    });
  }

  closePipe(req: T.PipeRef): Promise<void> {
    return this.#call(async () => {
      await this.#rooms.get(req.roomId)?.nodePipes.closeRemote(req.remoteNodeId);
    });
  }

  /** The room's peers on this node (none when the room is not here). Not part of SfuApi. */
  peerIds(roomId: string): string[] {
    return [...(this.#rooms.get(roomId)?.peers() ?? [])].map((p) => p.id);
  }

  load(): Promise<T.NodeLoad> {
    return this.#call(() => {
      let peers = 0;
      for (const room of this.#rooms.values()) peers += room.peerCount;
      const workers = this.#pool
        .workers()
        .map((w) => ({ index: w.index, pid: w.pid, consumers: w.consumers, rooms: w.rooms }));
      return { workers, rooms: this.#rooms.size, peers };
    });
  }

  workerStats(): Promise<T.WorkerStats[]> {
    return this.#call(async () => {
      const stats = new Map<number, T.WorkerStats>();
      for (const w of this.#pool.workers()) {
        // A worker that dies mid-call still gets its counts; only its CPU is unknown.
        const usage = await w.resourceUsage().catch(() => null);
        const cpu = usage && { userSeconds: usage.ru_utime / 1000, systemSeconds: usage.ru_stime / 1000 };
        stats.set(w.index, { index: w.index, pid: w.pid, rooms: w.rooms, peers: 0, producers: 0, consumers: 0, ioUring: w.ioUring, cpu });
      }
      for (const room of this.#rooms.values()) {
        for (const r of room.layout()) {
          const entry = stats.get(r.workerIndex);
          if (!entry) continue;
          entry.peers += r.peers;
          entry.producers += r.producers;
          entry.consumers += r.consumers;
        }
      }
      return [...stats.values()];
    });
  }

  /** Closes every room (emitting roomClosed) and the worker pool. Idempotent; emits `closed` once. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await Promise.allSettled([...this.#pendingRooms.values()]);
    for (const room of [...this.#rooms.values()]) room.close('closed');
    await this.#pool.close();
    this.#logger.info('sfu node closed');
    this.emit('closed');
  }

  async #createRoom(roomId: string, maxPeers: number): Promise<Room> {
    const room = await Room.create({
      roomId,
      maxPeers,
      logger: this.#logger,
      notify: this.#forward,
      createRouter: (id, codecs) => this.#pool.createRouter(id, codecs),
      layerLowerDelayMs: this.#layerLowerDelayMs,
      createRouterExcept: (id, codecs, exclude) => this.#pool.createRouterExcept(id, codecs, exclude),
      peersPerRouter: this.#peersPerRouter,
    });
    if (this.closed) {
      room.close();
      throw new SfuError('closed', 'SfuNode is closed');
    }
    this.#rooms.set(roomId, room);
    room.once('closed', (reason, loss) => {
      if (this.#rooms.get(roomId) === room) this.#rooms.delete(roomId);
      this.emit('roomClosed', { roomId, reason, ...loss });
    });
    this.#logger.info({ roomId, workerIndex: room.workerIndex }, 'room created');
    return room;
  }

  readonly #forward: T.Notify = (event, ...args) => {
    // SfuNodeEvents is SfuEvents plus `closed`; TS cannot relate the two indexed tuples generically.
    this.emit(event, ...(args as unknown as SfuNodeEvents[typeof event]));
  };

  #room(roomId: string): Room {
    const room = this.#rooms.get(roomId);
    if (!room) throw new SfuError('room_not_found', `Room ${roomId} not found`);
    return room;
  }

  #peer(req: T.PeerRef): ReturnType<Room['peer']> {
    return this.#room(req.roomId).peer(req.peerId);
  }

  /** Runs a request: refuses after close, converts any error into an SfuError, detaches the result. */
  async #call<R>(fn: () => R | Promise<R>): Promise<R> {
    if (this.closed) throw new SfuError('closed', 'SfuNode is closed');
    try {
      const result = await fn();
      return result === undefined ? result : structuredClone(result);
    } catch (error) {
      throw SfuError.wrap(error);
    }
  }
}
