// SFU-node side of the registry: announces this node, its load and its rooms every
// interval (and at once when Redis comes back), releases a room's placement when the room
// closes, and drains: no new rooms, wait until the last peer leaves or a time-out.
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { SfuHost } from '../sfu/sfuHost.js';
import type { SfuRegistry } from './SfuRegistry.js';

export class SfuAnnouncer {
  readonly #registry: SfuRegistry;
  readonly #host: SfuHost;
  readonly #redis: Redis;
  readonly #log: Logger;
  readonly #intervalMs: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onReady = () => void this.announce();
  #draining = false;
  #closed = false;

  private constructor(opts: { registry: SfuRegistry; host: SfuHost; redis: Redis; logger: Logger; intervalMs: number }) {
    this.#registry = opts.registry;
    this.#host = opts.host;
    this.#redis = opts.redis;
    this.#intervalMs = opts.intervalMs;
    this.#log = opts.logger.child({ component: 'sfu-announcer', nodeId: opts.host.nodeId });
    this.#timer = setInterval(() => void this.announce(), this.#intervalMs);
    this.#redis.on('ready', this.#onReady);
    this.#host.node.on('roomClosed', ({ roomId }) => {
      void this.#registry.release(roomId, this.#host.nodeId).catch((err: unknown) => this.#log.warn({ err: (err as Error).message, roomId }, 'could not release placement'));
    });
  }

  static async create(opts: { registry: SfuRegistry; host: SfuHost; redis: Redis; logger: Logger; intervalMs: number }): Promise<SfuAnnouncer> {
    const a = new SfuAnnouncer(opts);
    await a.announce();
    return a;
  }

  get draining(): boolean {
    return this.#draining;
  }

  async announce(): Promise<void> {
    if (this.#closed || this.#host.node.closed) return;
    try {
      const load = await this.#host.node.load();
      await this.#registry.announce({
        nodeId: this.#host.nodeId,
        load,
        draining: this.#draining,
        rooms: this.#host.rooms(),
        at: new Date().toISOString(),
        connection: this.#registry.connectionName(this.#host.nodeId),
      });
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'announce failed');
    }
  }

  /** Takes no new rooms; resolves when no peer is left or after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<'empty' | 'timeout'> {
    this.#draining = true;
    await this.announce();
    this.#log.info({ timeoutMs }, 'draining: no new rooms');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const load = await this.#host.node.load().catch(() => ({ peers: 0 }));
      if (load.peers === 0) return 'empty';
      if (Date.now() >= deadline) return 'timeout';
      await new Promise((r) => setTimeout(r, Math.min(this.#intervalMs, 1000)));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#redis.off('ready', this.#onReady);
    await this.#registry.withdraw(this.#host.nodeId).catch(() => undefined);
  }
}
