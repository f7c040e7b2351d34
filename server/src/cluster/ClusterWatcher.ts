// API-node side of the registry: notices SFU nodes that fell silent and tells the
// gateways (through the normal SFU event topic) that their rooms are gone, so clients
// reconnect and their rooms are placed again on a live node.
import type { Unsubscribe } from '../bus/Bus.js';
import type { EventBus } from '../bus/EventBus.js';
import type { Logger } from '../logger.js';
import { SFU_EVENTS_TOPIC } from '../sfu/SfuClient.js';
import type { RoomPlacement } from './RoomPlacement.js';
import type { SfuRegistry } from './SfuRegistry.js';

export class ClusterWatcher {
  readonly #registry: SfuRegistry;
  readonly #placement: RoomPlacement;
  readonly #bus: EventBus;
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;
  #unsubscribe: Unsubscribe | undefined;
  #running = false;
  #closed = false;

  private constructor(opts: { registry: SfuRegistry; placement: RoomPlacement; bus: EventBus; logger: Logger; intervalMs: number }) {
    this.#registry = opts.registry;
    this.#placement = opts.placement;
    this.#bus = opts.bus;
    this.#log = opts.logger.child({ component: 'cluster-watcher' });
    this.#timer = setInterval(() => void this.sweep(), opts.intervalMs);
  }

  static async create(opts: { registry: SfuRegistry; placement: RoomPlacement; bus: EventBus; logger: Logger; intervalMs: number }): Promise<ClusterWatcher> {
    const w = new ClusterWatcher(opts);
    w.#unsubscribe = await opts.bus.subscribe(SFU_EVENTS_TOPIC, (e) => {
      if (e.type === 'roomClosed') w.#placement.forget(e.roomId);
    });
    return w;
  }

  /** One pass: reap dead nodes (exactly one API node wins each) and announce their rooms closed. */
  async sweep(): Promise<void> {
    if (this.#running || this.#closed) return;
    this.#running = true;
    try {
      const dead = await this.#registry.reapDead();
      for (const { nodeId, rooms } of dead) {
        this.#log.warn({ nodeId, rooms: rooms.length }, 'SFU node is gone; its rooms will be placed again');
        this.#placement.invalidate();
        for (const roomId of rooms) {
          await this.#bus.publish(SFU_EVENTS_TOPIC, { type: 'roomClosed', roomId, reason: 'worker_died', nodeId });
        }
      }
    } catch (err) {
      this.#log.debug({ err: (err as Error).message }, 'cluster sweep failed (Redis away?)');
    } finally {
      this.#running = false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#unsubscribe?.();
  }
}
