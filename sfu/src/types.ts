/**
 * The SFU's wire contract: every request, response and event is a plain JSON-serializable
 * object, so the same calls can be made in-process or carried over a bus (Redis pub/sub).
 */
import type { types as ms } from 'mediasoup';

export type RtpCapabilities = ms.RtpCapabilities;
export type RtpParameters = ms.RtpParameters;
export type MediaKind = ms.MediaKind;
export type DtlsParameters = ms.DtlsParameters;
export type IceParameters = ms.IceParameters;
export type IceCandidate = ms.IceCandidate;
export type SctpParameters = ms.SctpParameters;
export type ConsumerType = ms.ConsumerType;
export type SrtpParameters = ms.SrtpParameters;

/** What a producer carries. Camera is published with three simulcast layers. */
export type MediaSource = 'mic' | 'webcam' | 'screen';
export type TransportDirection = 'send' | 'recv';
export type RoomCloseReason = 'closed' | 'worker_died';

export interface RoomRef {
  roomId: string;
}
export interface PeerRef extends RoomRef {
  peerId: string;
}
export interface TransportRef extends PeerRef {
  transportId: string;
}
export interface ProducerRef extends PeerRef {
  producerId: string;
}
export interface ConsumerRef extends PeerRef {
  consumerId: string;
}

export interface EnsureRoomRequest extends RoomRef {
  maxPeers: number;
  /**
   * Whether this node's room tells `activeSpeaker` (default true). A room spanning nodes
   * observes on its home node only (audio of the others piped there); the others say false.
   */
  observeSpeakers?: boolean;
}
export interface EnsureRoomResponse {
  rtpCapabilities: RtpCapabilities;
}

export interface AddPeerRequest extends PeerRef {
  /** Opaque id of the signaling connection; lets removePeer ignore a stale connection. */
  connectionId?: string;  /** A service peer (e.g. a recorder) that does not take a participant's place under maxPeers. */
  uncounted?: boolean;
}
export interface RemovePeerRequest extends PeerRef {
  /** When given, the peer is removed only if it was added with this connectionId. */
  connectionId?: string;
}

export interface CreateWebRtcTransportRequest extends PeerRef {
  direction: TransportDirection;
}
export interface CreateWebRtcTransportResponse {
  id: string;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
  sctpParameters?: SctpParameters;
}

export interface ConnectTransportRequest extends TransportRef {
  dtlsParameters: DtlsParameters;
}
export interface RestartIceResponse {
  iceParameters: IceParameters;
}

/** A plain (unencrypted) RTP transport: media ingest from, or output to, a local process. */
export interface CreatePlainTransportRequest extends PeerRef {
  direction: TransportDirection;
  /** Learn the remote address from the first packet received (ingest). Default true. */
  comedia?: boolean;
}
export interface CreatePlainTransportResponse {
  id: string;
  ip: string;
  port: number;
  rtcpPort: number;
}
export interface ConnectPlainTransportRequest extends TransportRef {
  ip: string;
  port: number;
  rtcpPort?: number;
}

export interface ProduceAppData {
  source: MediaSource;
}
export interface ProduceRequest extends TransportRef {
  kind: MediaKind;
  rtpParameters: RtpParameters;
  appData: ProduceAppData;
}
export interface ProduceResponse {
  id: string;
}

export interface ConsumeRequest extends TransportRef {
  producerId: string;
  rtpCapabilities: RtpCapabilities;
}
export interface ConsumerAppData {
  /** The peer that owns the consumed producer. */
  peerId: string;
  source: MediaSource;
}
export interface ConsumeResponse {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: RtpParameters;
  type: ConsumerType;
  producerPaused: boolean;
  appData: ConsumerAppData;
}

export interface SetPreferredLayersRequest extends ConsumerRef {
  spatialLayer: number;
  temporalLayer?: number;
}
export interface SetConsumerViewportRequest extends ConsumerRef {
  width: number;
  height: number;
}
export interface SetConsumerViewportResponse {
  spatialLayer: number;
}

export interface ListProducersRequest extends RoomRef {
  excludePeerId?: string;
}
export interface ProducerInfo {
  peerId: string;
  producerId: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
}

export interface Layers {
  spatialLayer: number;
  temporalLayer: number | null;
}
export interface ConsumerInfo {
  consumerId: string;
  producerId: string;
  kind: MediaKind;
  type: ConsumerType;
  paused: boolean;
  producerPaused: boolean;
  preferredLayers: Layers | null;
  currentLayers: Layers | null;
}

export interface RtpStreamStats {
  ssrc: number;
  rid: string | null;
  mimeType: string;
  packetCount: number;
  byteCount: number;
  bitrate: number;
  score: number;
}
export interface ProducerStatsResponse {
  producerId: string;
  streams: RtpStreamStats[];
}

export interface RoomStats {
  roomId: string;
  workerIndex: number;
  peers: number;
  producers: number;
  consumers: number;
}

/** Where a room's media runs on its node: one entry per router, the first router first. */
export interface RoomRouterInfo {
  /** The mediasoup worker process the router is on. */
  workerPid: number;
  /** The room's peers placed on this router. */
  peers: number;
}
export interface RoomLayout {
  routers: RoomRouterInfo[];
  /** Other SFU nodes this room is linked to by a pipe (a room spanning nodes). */
  pipes: string[];
}

export interface WorkerLoad {
  index: number;
  pid: number;
  consumers: number;
  rooms: number;
}
export interface NodeLoad {
  workers: WorkerLoad[];
  rooms: number;
  peers: number;
}
/** One live worker's share of the node and the CPU its process has used (for metrics). */
export interface WorkerStats {
  index: number;
  pid: number;
  rooms: number;
  peers: number;
  producers: number;
  consumers: number;
  /** Sends batched through io_uring (false: one system call per packet). */
  ioUring: boolean;
  /** CPU time since the worker started (mediasoup getResourceUsage); null if it did not answer. */
  cpu: { userSeconds: number; systemSeconds: number } | null;
}

// ---- node-to-node pipes (a room spanning SFU nodes) ----

export interface PipeRef extends RoomRef {
  /** The other SFU node hosting the same room. */
  remoteNodeId: string;
}
export interface PipeEndpoint {
  ip: string;
  port: number;
  srtpParameters: SrtpParameters;
}
export type ConnectPipeRequest = PipeRef & PipeEndpoint;
export interface PipeProducerOutRequest extends PipeRef {
  producerId: string;
}
export interface PipedProducerOutResponse {
  kind: MediaKind;
  rtpParameters: RtpParameters;
  paused: boolean;
  appData: ConsumerAppData;
}
export type PipeProducerInRequest = PipeProducerOutRequest & PipedProducerOutResponse;
export interface UpdatePipedProducerRequest extends RoomRef {
  producerId: string;
  /** What the producer's origin did. */
  action: 'pause' | 'resume' | 'close';
}

// ---- events ----

export interface NewProducerEvent extends ProducerRef {
  kind: MediaKind;
  source: MediaSource;
}
export type ProducerClosedEvent = ProducerRef;
export interface ProducerPausedEvent extends ProducerRef {
  source: MediaSource;
}
export type ProducerResumedEvent = ProducerPausedEvent;
/** A consumer closed because its producer went away; `peerId` is the consuming peer. */
export interface ConsumerClosedEvent extends ConsumerRef {
  producerId: string;
}
/** `spatialLayer` null: the consumer currently forwards nothing. */
export interface ConsumerLayersChangedEvent extends ConsumerRef {
  spatialLayer: number | null;
  temporalLayer: number | null;
}
/** The publisher (`peerId`) should encode simulcast layers 0..spatialLayer of this producer: nobody watches the rest. */
export interface ProducerLayersWantedEvent extends ProducerRef {
  spatialLayer: number;
}
export type ActiveSpeakerEvent = PeerRef;
/** What a room held on this node when it closed: its peers, and the other SFU nodes it was linked to. */
export interface RoomLoss {
  peerIds: string[];
  remoteNodeIds: string[];
}
export interface RoomClosedEvent extends RoomRef, RoomLoss {
  reason: RoomCloseReason;
}
export interface WorkerDiedEvent {
  workerIndex: number;
  roomIds: string[];
}

/** Event name -> payload tuple for SfuNode. */
export type SfuEvents = {
  newProducer: [NewProducerEvent];
  producerClosed: [ProducerClosedEvent];
  producerPaused: [ProducerPausedEvent];
  producerResumed: [ProducerResumedEvent];
  consumerClosed: [ConsumerClosedEvent];
  consumerLayersChanged: [ConsumerLayersChangedEvent];
  producerLayersWanted: [ProducerLayersWantedEvent];
  activeSpeaker: [ActiveSpeakerEvent];
  roomClosed: [RoomClosedEvent];
  workerDied: [WorkerDiedEvent];
};

/** Room-scoped events (everything but roomClosed / workerDied), emitted by rooms and peers. */
export type RoomEventName = Exclude<keyof SfuEvents, 'roomClosed' | 'workerDied'>;
export type Notify = <K extends RoomEventName>(event: K, ...args: SfuEvents[K]) => void;

/** The request/response surface of an SFU node; an RPC proxy implements the same interface. */
export interface SfuApi {
  ensureRoom(req: EnsureRoomRequest): Promise<EnsureRoomResponse>;
  closeRoom(req: RoomRef): Promise<void>;
  addPeer(req: AddPeerRequest): Promise<void>;
  removePeer(req: RemovePeerRequest): Promise<void>;
  createWebRtcTransport(req: CreateWebRtcTransportRequest): Promise<CreateWebRtcTransportResponse>;
  connectTransport(req: ConnectTransportRequest): Promise<void>;
  restartIce(req: TransportRef): Promise<RestartIceResponse>;
  createPlainTransport(req: CreatePlainTransportRequest): Promise<CreatePlainTransportResponse>;
  connectPlainTransport(req: ConnectPlainTransportRequest): Promise<void>;
  closeTransport(req: TransportRef): Promise<void>;
  produce(req: ProduceRequest): Promise<ProduceResponse>;
  closeProducer(req: ProducerRef): Promise<void>;
  pauseProducer(req: ProducerRef): Promise<void>;
  resumeProducer(req: ProducerRef): Promise<void>;
  consume(req: ConsumeRequest): Promise<ConsumeResponse>;
  pauseConsumer(req: ConsumerRef): Promise<void>;
  resumeConsumer(req: ConsumerRef): Promise<void>;
  /** Asks the producer's sender for a key frame for this (video) consumer, e.g. after a recorder starts. */
  requestKeyFrame(req: ConsumerRef): Promise<void>;
  setPreferredLayers(req: SetPreferredLayersRequest): Promise<void>;
  setConsumerViewport(req: SetConsumerViewportRequest): Promise<SetConsumerViewportResponse>;
  listProducers(req: ListProducersRequest): Promise<ProducerInfo[]>;
  listConsumers(req: PeerRef): Promise<ConsumerInfo[]>;
  getProducerStats(req: ProducerRef): Promise<ProducerStatsResponse>;
  getStats(req: RoomRef): Promise<RoomStats>;
  /** The room's routers and their peers; room_not_found when the room is not on this node. */
  roomLayout(req: RoomRef): Promise<RoomLayout>;
  /** The room's SRTP PipeTransport towards another node (created once; the room must exist here). */
  createPipe(req: PipeRef): Promise<PipeEndpoint>;
  /** Connects that pipe to the other node's end (once; later calls are no-ops). */
  connectPipe(req: ConnectPipeRequest): Promise<void>;
  /** Sends a local producer down the pipe (once per node pair); the answer is for `pipeProducerIn` there. */
  pipeProducerOut(req: PipeProducerOutRequest): Promise<PipedProducerOutResponse>;
  /** Makes a producer of the other node consumable here under the same id (once). */
  pipeProducerIn(req: PipeProducerInRequest): Promise<void>;
  /** A piped-in producer's origin paused, resumed or closed it (no-op when not piped here). */
  updatePipedProducer(req: UpdatePipedProducerRequest): Promise<void>;
  /** Closes the pipe towards a node (it died) and what came through it; no-op without one. */
  closePipe(req: PipeRef): Promise<void>;
  load(): Promise<NodeLoad>;
  workerStats(): Promise<WorkerStats[]>;
}

