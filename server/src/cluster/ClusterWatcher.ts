// API-node side of the registry: notices SFU nodes that fell silent and tells the
// gateways (through the normal SFU event topic) what they lost, so clients reconnect and
// are placed again on a live node: a room only on the dead node is closed for everyone;
// a room spanning other live nodes loses only the participants placed on the dead one.
import type { Unsubscribe } from '../bus/Bus.js';
import type { EventBus } from '../bus/EventBus.js';
import type { Logger } from '../logger.js';
import { SFU_EVENTS_TOPIC } from '../sfu/SfuClient.js';
import type { PeerPlacement } from './PeerPlacement.js';
import type { RoomPlacement } from './RoomPlacement.js';
import type { DeadNode, SfuRegistry } from './SfuRegistry.js';

interface WatcherOptions {
  registry: SfuRegistry;
  placement: RoomPlacement;
  peers?: PeerPlacement;
  bus: EventBus;
  logger: Logger;
  intervalMs: number;
}

export class ClusterWatcher {
  readonly #registry: SfuRegistry;
  readonly #placement: RoomPlacement;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;
  #unsubscribe: Unsubscribe | undefined;
  #running = false;
  #closed = false;

  private constructor(opts: WatcherOptions) {
    this.#registry = opts.registry;
    this.#placement = opts.placement;
    this.#bus = opts.bus;
    this.#log = opts.logger.child({ component: 'cluster-watcher' });
    this.#timer = setInterval(() => void this.sweep(), opts.intervalMs);
  }

  static async create(opts: WatcherOptions): Promise<ClusterWatcher> {
    const w = new ClusterWatcher(opts);
    w.#unsubscribe = await opts.bus.subscribe(SFU_EVENTS_TOPIC, (e) => {
      // A node left a room (it died, or shut down): this API node's cached list of live nodes may
      // still hold it, and the participants told to reconnect must not be placed there again.
      if (e.type === 'roomClosed' || e.type === 'peersLost') w.#placement.invalidate();
      if (e.type === 'roomClosed') {
        w.#placement.forget(e.roomId);
        opts.peers?.forgetRoom(e.roomId);
      }
      if (e.type === 'peersLost') {
        opts.peers?.forgetRoom(e.roomId, e.nodeId);
        // Told once: a node that said so itself while shutting down is not reaped for them again.
        for (const peerId of e.peerIds) void opts.registry.unplacePeer(e.roomId, peerId, e.nodeId).catch(() => undefined);
      }
    });
    return w;
  }

  /** One pass: reap dead nodes (exactly one API node wins each) and announce what they carried as lost. */
  async sweep(): Promise<void> {
    if (this.#running || this.#closed) return;
    this.#running = true;
    try {
      const dead = await this.#registry.reapDead();
      for (const node of dead) {
        this.#log.warn({ nodeId: node.nodeId, rooms: node.rooms.length }, 'SFU node is gone; its rooms and participants will be placed again');
        this.#placement.invalidate();
        await this.#announce(node);
      }
    } catch (err) {
      this.#log.debug({ err: (err as Error).message }, 'cluster sweep failed (Redis away?)');
    } finally {
      this.#running = false;
    }
  }

  async #announce({ nodeId, rooms, peers }: DeadNode): Promise<void> {
    const live = await this.#placement.liveNodes();
    const lostPeers = new Map(peers.map((p) => [p.roomId, p.peerIds]));
    for (const roomId of new Set([...rooms, ...lostPeers.keys()])) {
      const others = new Set(Object.values(await this.#registry.peersOf(roomId)));
      const spans = live.some((n) => n.nodeId !== nodeId && (others.has(n.nodeId) || n.rooms.includes(roomId)));
      if (spans) await this.#bus.publish(SFU_EVENTS_TOPIC, { type: 'peersLost', roomId, peerIds: lostPeers.get(roomId) ?? [], nodeId });
      else await this.#bus.publish(SFU_EVENTS_TOPIC, { type: 'roomClosed', roomId, reason: 'worker_died', nodeId });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#unsubscribe?.();
  }
}
