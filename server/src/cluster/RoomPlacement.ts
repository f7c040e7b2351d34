// Which SFU node hosts a room, shared by every API node through Redis. A room is placed
// on the least-loaded live node that is not draining (SET-if-unchanged, so concurrent API
// nodes agree), and placed again when its node is gone — or draining and no longer
// hosting it. While Redis is away, the last known placement keeps a call going.
import type { Logger } from '../logger.js';
import { AppError } from '../errors.js';
import { leastLoaded, type NodeAnnouncement, type SfuRegistry } from './SfuRegistry.js';

export class NoSfuNodeError extends AppError {
  constructor(message = 'No media server is available right now') {
    super('sfu_unavailable', message, 503);
  }
}

export class RoomPlacement {
  readonly #registry: SfuRegistry;
  readonly #log: Logger;
  readonly #cacheMs: number;
  readonly #known = new Map<string, string>();
  #live: { at: number; nodes: Promise<NodeAnnouncement[]> } | undefined;

  constructor(opts: { registry: SfuRegistry; logger: Logger; liveCacheMs?: number }) {
    this.#registry = opts.registry;
    this.#log = opts.logger.child({ component: 'placement' });
    this.#cacheMs = opts.liveCacheMs ?? 500;
  }

  /** Live nodes, cached briefly: every SFU call asks for its room's node. */
  liveNodes(): Promise<NodeAnnouncement[]> {
    const now = Date.now();
    if (!this.#live || now - this.#live.at >= this.#cacheMs) {
      const nodes = this.#registry.liveNodes();
      this.#live = { at: now, nodes };
      nodes.catch(() => {
        if (this.#live?.nodes === nodes) this.#live = undefined;
      });
    }
    return this.#live.nodes;
  }

  /** Drops the cached view of live nodes (after a node was found dead). */
  invalidate(): void {
    this.#live = undefined;
  }

  /** The node hosting `roomId`, placing the room first if needed. */
  async nodeFor(roomId: string): Promise<string> {
    const last = this.#known.get(roomId);
    if (last !== undefined && !this.#registry.available) return last; // Redis is away: do not wait for it
    try {
      const nodeId = await this.#resolve(roomId);
      this.#known.set(roomId, nodeId);
      return nodeId;
    } catch (err) {
      if (last !== undefined && !(err instanceof NoSfuNodeError)) {
        // Redis unreachable: media keeps flowing on the node we last used.
        this.#log.warn({ err: (err as Error).message, roomId }, 'placement unavailable; using the last known node');
        return last;
      }
      throw err;
    }
  }

  /** Forget what this process knew about a room (its node died). */
  forget(roomId: string): void {
    this.#known.delete(roomId);
  }

  async #resolve(roomId: string): Promise<string> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [current, live] = await Promise.all([this.#registry.placementOf(roomId), this.liveNodes()]);
      if (current !== null) {
        const node = live.find((n) => n.nodeId === current);
        if (node && (!node.draining || node.rooms.includes(roomId))) return current;
      }
      const last = this.#known.get(roomId);
      if (live.length === 0 && last !== undefined) return last; // registry being rebuilt (Redis restarted)
      // A live node may already carry the room (its claim was lost with a Redis restart).
      const host = live.find((n) => n.rooms.includes(roomId));
      const target = host ?? leastLoaded(live);
      if (!target) throw new NoSfuNodeError();
      const holder = await this.#registry.place(roomId, current, target.nodeId);
      if (holder === target.nodeId) {
        this.#log.info({ roomId, nodeId: target.nodeId, previous: current }, current ? 'room placed again' : 'room placed');
        return holder;
      }
      if (holder !== null && live.some((n) => n.nodeId === holder)) return holder; // another API node won
    }
    throw new NoSfuNodeError('Could not agree on a media server for this room');
  }
}
