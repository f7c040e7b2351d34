// Many-node wiring, used by lectern.ts when REDIS_URL is set: the SFU side (announce,
// drain), the API side (shared room placement, dead-node watcher, Socket.IO Redis
// adapter) and the drain state every role reports through /readyz.
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server as IoServer } from 'socket.io';
import type { EventBus } from '../bus/EventBus.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { closeRedis } from '../infra/closeRedis.js';
import { createRedis, redisOptions, SUBSCRIBER_OPTIONS } from '../runtime.js';
import type { SfuHost } from '../sfu/sfuHost.js';
import { singleNode, type SfuClient, type SfuRouting } from '../sfu/SfuClient.js';
import { ClusterWatcher } from './ClusterWatcher.js';
import { PeerPlacement } from './PeerPlacement.js';
import { RoomMesh } from './RoomMesh.js';
import { RoomPlacement } from './RoomPlacement.js';
import { SfuAnnouncer } from './SfuAnnouncer.js';
import { SfuRegistry } from './SfuRegistry.js';
import { ReadinessError } from '../errors.js';

/** The node id the SFU serves under: 'local' for the embedded single process. */
export const LOCAL_NODE = 'local';

export function sfuNodeId(config: Config): string {
  return config.redisUrl ? config.cluster.nodeId : LOCAL_NODE;
}

export function createRegistry(config: Config, redis: Redis): SfuRegistry {
  return new SfuRegistry(redis, config.cluster.redisPrefix, config.cluster.nodeTtlMs);
}

export async function startSfuAnnouncer(config: Config, redis: Redis, host: SfuHost, logger: Logger): Promise<SfuAnnouncer> {
  return SfuAnnouncer.create({ registry: createRegistry(config, redis), host, redis, logger, intervalMs: config.cluster.announceIntervalMs });
}

export interface ApiCluster {
  /** Where rooms and their participants are. */
  routing: SfuRouting;
  /** Links the nodes of a room that spans nodes (none for one node). */
  attach(sfu: SfuClient): Promise<void>;
  close(): Promise<void>;
}

/** Shared placement + dead-node watcher; without Redis every room is on the in-process SFU. */
export async function startApiCluster(config: Config, redis: Redis | undefined, bus: EventBus, logger: Logger): Promise<ApiCluster> {
  if (!redis) return { routing: singleNode(LOCAL_NODE), attach: () => Promise.resolve(), close: () => Promise.resolve() };
  const registry = createRegistry(config, redis);
  const placement = new RoomPlacement({ registry, logger });
  const peers = new PeerPlacement({ registry, rooms: placement, logger, nodeRoomPeers: config.cluster.nodeRoomPeers, peersPerRouter: config.sfu.peersPerRouter });
  // Sweeping at least twice per announce interval, and every 500 ms at most, keeps the gap between "gone" and "rooms re-placed" short.
  const sweepMs = Math.max(250, Math.min(500, Math.floor(config.cluster.announceIntervalMs / 2)));
  const watcher = await ClusterWatcher.create({ registry, placement, peers, bus, logger, intervalMs: sweepMs });
  let mesh: RoomMesh | undefined;
  return {
    routing: peers,
    attach: async (sfu) => {
      mesh = await RoomMesh.create({ call: sfu.callNode, routing: peers, bus, logger, maxPeersOf: (roomId) => sfu.maxPeersOf(roomId) });
      sfu.mesh = mesh;
    },
    close: async () => {
      await mesh?.close();
      await watcher.close();
    },
  };
}

/** Socket.IO rooms and fetchSockets() across every API node. Returns a closer for its connections. */
export function attachRedisAdapter(io: IoServer, config: Config, logger: Logger): () => Promise<void> {
  if (!config.redisUrl) return () => Promise.resolve();
  const pub = createRedis(config.redisUrl, logger, 'io-pub', redisOptions(config));
  // socket.io's Redis adapter publishes without handling a failure (Redis restarting, or this
  // process shutting down while a socket still emits): such a publish reaches nobody, and is
  // logged, instead of becoming an unhandled rejection.
  const publish = pub.publish.bind(pub);
  const safePublish = (channel: string, message: string | Buffer): Promise<number> =>
    publish(channel, message).catch((err: unknown) => {
      logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'socket.io adapter publish failed');
      return 0;
    });
  Object.assign(pub, { publish: safePublish });
  const sub = createRedis(config.redisUrl, logger, 'io-sub', { ...redisOptions(config), ...SUBSCRIBER_OPTIONS });
  io.adapter(createAdapter(pub, sub, { key: `${config.cluster.redisPrefix}lectern:socket.io`, requestsTimeout: 3000 }));
  return () => Promise.all([closeRedis(sub), closeRedis(pub)]).then(() => undefined);
}

/** Drain state: /readyz answers 503 while draining so load balancers stop sending work. */
export class DrainState {
  #draining = false;
  get draining(): boolean {
    return this.#draining;
  }
  start(): void {
    this.#draining = true;
  }
  readinessCheck = (): Promise<void> => (this.#draining ? Promise.reject(new ReadinessError('draining')) : Promise.resolve());
}

/** Waits until `isEmpty()` or the time-out; polls gently. */
export async function waitUntilEmpty(isEmpty: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 500): Promise<'empty' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await isEmpty()) return 'empty';
    if (Date.now() >= deadline) return 'timeout';
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
