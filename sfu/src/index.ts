export { SfuNode, type SfuNodeOptions, type SfuNodeEvents } from './SfuNode.js';
export {
  WorkerPool,
  type WorkerPoolOptions,
  type WorkerPoolEvents,
  type WorkerReplacedEvent,
  DEFAULT_PEERS_PER_ROUTER,
  type RouterLease,
} from './WorkerPool.js';
export { PoolWorker } from './PoolWorker.js';
export { Room, type RoomOptions, type RoomEvents, type RoomRouterLayout } from './Room.js';
export { Peer, type PeerOptions, type PeerEvents, type PeerTransport, type ProducerAppData } from './Peer.js';
export { SfuError, SFU_ERROR_CODES, isSfuErrorCode, type SfuErrorCode, type SfuErrorJson } from './SfuError.js';
export { TypedEmitter, type EventMap, type Listener } from './TypedEmitter.js';
export { MEDIA_CODECS, SIMULCAST_LAYERS, spatialLayerForViewport } from './codecs.js';
export type * from './types.js';
