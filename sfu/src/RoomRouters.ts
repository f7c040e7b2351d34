import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { MEDIA_CODECS } from './codecs.js';
import type { RouterLease } from './WorkerPool.js';

/** One of a room's routers, on one worker, and how many of the room's peers it holds. */
export interface RoomRouter {
  readonly lease: RouterLease;
  peers: number;
}

export interface RoomRoutersOptions {
  roomId: string;
  logger: Logger;
  /** Peers placed on a router before the room opens one on another worker. */
  peersPerRouter: number;
  /** A router on the least-loaded live worker not in `exclude`; undefined when there is none. */
  createRouterExcept: ((roomId: string, codecs: readonly ms.RouterRtpCodecCapability[], exclude: ReadonlySet<number>) => Promise<RouterLease | undefined>) | undefined;
  /** A router's worker died (the router is already out of the room's list). */
  onWorkerClose: (router: RoomRouter, first: boolean) => void;
}

/** A producer piped into another router: shared by every holder there (consumers, the speaker observer). */
interface Pipe {
  holders: number;
  ready: Promise<void>;
  consumer: ms.Consumer | undefined;
}

/**
 * The routers a room spans (the first one hosts the active-speaker observer) and the pipes
 * that carry a producer from its peer's router into another one, opened on the first
 * consumer there and closed when the last one there goes.
 */
export class RoomRouters {
  readonly #options: RoomRoutersOptions;
  readonly #routers: RoomRouter[];
  readonly #pipes = new Map<string, Pipe>();
  #opening: Promise<RoomRouter | undefined> | undefined;
  #closed = false;

  constructor(options: RoomRoutersOptions, first: RouterLease) {
    this.#options = options;
    this.#routers = [];
    this.#add(first);
  }

  /** The room's first router: its RTP capabilities and its active-speaker observer. */
  get first(): RoomRouter {
    // The first router is never removed: its worker dying closes the room.
    return this.#routers[0]!;
  }

  all(): readonly RoomRouter[] {
    return this.#routers;
  }

  /**
   * Takes a place for one peer: the least-filled router under peersPerRouter; when all are
   * full, a new router on the least-loaded worker the room does not use yet; when every worker
   * is used, the router with the fewest peers. Concurrent calls wait for a router being opened.
   */
  async place(): Promise<RoomRouter> {
    for (;;) {
      if (this.#opening) {
        await this.#opening;
        continue;
      }
      const fewest = this.#fewest() ?? this.first;
      if (fewest.peers < this.#options.peersPerRouter || !this.#options.createRouterExcept) return this.#take(fewest);
      const opening = this.#open().finally(() => {
        this.#opening = undefined;
      });
      this.#opening = opening;
      const opened = await opening;
      if (opened) return this.#take(opened);
      // Every worker already carries one of the room's routers.
      return this.#take(this.#fewest() ?? this.first);
    }
  }

  /** Gives back a peer's place. */
  leave(router: RoomRouter): void {
    router.peers = Math.max(0, router.peers - 1);
  }

  /**
   * Makes `producerId` (on `from`) consumable on `to`, piping it there if it is not yet;
   * concurrent calls share one pipe. Returns the release: the last holder's release closes the pipe.
   */
  async pipe(producerId: string, from: RoomRouter, to: RoomRouter): Promise<() => void> {
    if (from === to) return () => undefined;
    const key = `${producerId}>${to.lease.router.id}`;
    let pipe = this.#pipes.get(key);
    if (!pipe) {
      const created: Pipe = { holders: 0, consumer: undefined, ready: Promise.resolve() };
      created.ready = from.lease.router.pipeToRouter({ producerId, router: to.lease.router }).then(
        ({ pipeConsumer, pipeProducer }) => {
          created.consumer = pipeConsumer;
          // The producer closing (or either router going) closes the pair; mediasoup links the two.
          pipeProducer?.observer.once('close', () => this.#drop(key, created));
          if (created.holders === 0 || this.#closed) pipeConsumer?.close();
        },
        (error: unknown) => {
          this.#drop(key, created);
          throw error;
        },
      );
      this.#pipes.set(key, created);
      pipe = created;
    }
    const held = pipe;
    held.holders++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      held.holders--;
      // Still pending: the pipe closes itself once made if nobody holds it then.
      if (held.holders === 0) held.consumer?.close();
    };
    try {
      await held.ready;
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** Pipes open now (for tests and stats). */
  get pipeCount(): number {
    return this.#pipes.size;
  }

  close(): void {
    this.#closed = true;
    for (const r of this.#routers) r.lease.router.close();
    this.#pipes.clear();
  }

  /** The live router with the fewest peers (the earliest on a tie). */
  #fewest(): RoomRouter | undefined {
    let best: RoomRouter | undefined;
    for (const r of this.#routers) if (!r.lease.router.closed && (!best || r.peers < best.peers)) best = r;
    return best;
  }

  #take(router: RoomRouter): RoomRouter {
    router.peers++;
    return router;
  }

  async #open(): Promise<RoomRouter | undefined> {
    const used = new Set(this.#routers.map((r) => r.lease.workerIndex));
    try {
      const lease = await this.#options.createRouterExcept?.(this.#options.roomId, MEDIA_CODECS, used);
      if (!lease) return undefined;
      if (this.#closed) {
        lease.router.close();
        return undefined;
      }
      this.#options.logger.info({ workerIndex: lease.workerIndex, routers: this.#routers.length + 1 }, 'room spans another worker');
      return this.#add(lease);
    } catch (error) {
      // No new router: the room keeps to the routers it has.
      this.#options.logger.warn({ err: error }, 'could not open another router for the room');
      return undefined;
    }
  }

  #add(lease: RouterLease): RoomRouter {
    const router: RoomRouter = { lease, peers: 0 };
    this.#routers.push(router);
    lease.router.on('workerclose', () => {
      const first = this.#routers[0] === router;
      if (!first) this.#routers.splice(this.#routers.indexOf(router), 1);
      this.#options.onWorkerClose(router, first);
    });
    return router;
  }

  #drop(key: string, pipe: Pipe): void {
    if (this.#pipes.get(key) === pipe) this.#pipes.delete(key);
  }
}

/** Where one of the room's routers is and what it carries. */
export interface RoomRouterLayout {
  workerIndex: number;
  workerPid: number;
  peers: number;
  producers: number;
  consumers: number;
}
