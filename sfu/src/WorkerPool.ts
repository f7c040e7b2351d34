import { availableParallelism } from 'node:os';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import { PoolWorker, waitForExit } from './PoolWorker.js';
import { SfuError } from './SfuError.js';
import { TypedEmitter } from './TypedEmitter.js';
import { routeMediasoupLogs } from './mediasoupLogs.js';
import type { WorkerDiedEvent } from './types.js';

export interface WorkerPoolOptions {
  /** Default: one per core. */
  numWorkers?: number;
  listenIp: string;
  announcedAddress?: string;
  /** Worker i's WebRtcServer listens (UDP and TCP) on portBase + i. */
  portBase: number;
  logger: Logger;
  /** Port range for non-WebRtcServer transports (plain RTP, pipes). */
  rtcMinPort?: number;
  rtcMaxPort?: number;
  logLevel?: ms.WorkerLogLevel;
  /**
   * Batch each forwarded packet's sends to all consumers in one io_uring submission instead of
   * a system call per packet, where the worker build (Linux >= 6) and the kernel allow it; a
   * worker the kernel refuses io_uring falls back to plain sends by itself. Default true.
   */
  ioUring?: boolean;
  /** How long createRouter waits for a replacement worker when none is alive. Default 10 s. */
  workerWaitMs?: number;
  /**
   * Peers a room places on one router before it opens a router on another worker (a room spans
   * workers once it outgrows this). Default DEFAULT_PEERS_PER_ROUTER.
   */
  peersPerRouter?: number;
}

/**
 * 150 peers on one router: a lecture's few producers (teacher's mic, camera and screen plus a
 * speaking student) give each viewer about 3-4 consumers, so 150 viewers is some 500 consumers,
 * about what one mediasoup worker (one core) forwards comfortably. A call of up to 150 people
 * never pays for a pipe; past that, every further 150 gets its own core.
 */
export const DEFAULT_PEERS_PER_ROUTER = 150;

export interface WorkerReplacedEvent {
  workerIndex: number;
  pid: number;
}

export type WorkerPoolEvents = {
  workerDied: [WorkerDiedEvent];
  workerReplaced: [WorkerReplacedEvent];
  closed: [];
};

/** What a room gets from the pool: its router, where to listen, and a consumer counter. */
export interface RouterLease {
  workerIndex: number;
  workerPid: number;
  router: ms.Router;
  webRtcServer: ms.WebRtcServer;
  listenIp: string;
  announcedAddress: string | undefined;
  countConsumer: (delta: 1 | -1) => void;
}

const MAX_RESTART_DELAY_MS = 5000;

/** One mediasoup worker per core, each with one WebRtcServer port; replaces workers that die. */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly #options: WorkerPoolOptions;
  readonly #logger: Logger;
  readonly #slots: (PoolWorker | undefined)[];
  readonly #replacements = new Set<Promise<void>>();
  #waiters: (() => void)[] = [];
  #unrouteLogs: () => void;
  #closing: Promise<void> | undefined;

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const count = options.numWorkers ?? availableParallelism();
    if (!Number.isInteger(count) || count < 1) {
      throw new SfuError('invalid_request', `numWorkers must be a positive integer, got ${count}`);
    }
    const pool = new WorkerPool(options, count);
    try {
      for (let index = 0; index < count; index++) {
        pool.#slots[index] = await pool.#startWorker(index);
      }
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  private constructor(options: WorkerPoolOptions, count: number) {
    super((event, error) => options.logger.error({ err: error, event }, 'WorkerPool listener threw'));
    this.#options = options;
    this.#logger = options.logger.child({ component: 'WorkerPool' });
    this.#slots = new Array<PoolWorker | undefined>(count).fill(undefined);
    this.#unrouteLogs = routeMediasoupLogs(options.logger);
  }

  get size(): number {
    return this.#slots.length;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The live workers (a slot being replaced is skipped). */
  workers(): PoolWorker[] {
    return this.#slots.filter((w): w is PoolWorker => w !== undefined && w.alive);
  }

  worker(index: number): PoolWorker | undefined {
    const worker = this.#slots[index];
    return worker?.alive ? worker : undefined;
  }

  /** The live worker with the fewest consumers (then fewest rooms, then lowest index). */
  leastLoaded(): PoolWorker {
    const best = this.#leastLoaded(new Set());
    if (!best) throw new SfuError('no_worker', 'No live mediasoup worker');
    return best;
  }

  /** Creates a router for `roomId` on the least-loaded worker, waiting for a replacement if none is alive. */
  async createRouter(roomId: string, mediaCodecs: readonly ms.RouterRtpCodecCapability[]): Promise<RouterLease> {
    if (this.closed) throw new SfuError('closed', 'WorkerPool is closed');
    if (this.workers().length === 0) await this.#waitForWorker();
    return this.#lease(this.leastLoaded(), roomId, mediaCodecs);
  }

  /**
   * Creates a router for `roomId` on the least-loaded live worker whose index is not in
   * `exclude` (the workers a room already uses); undefined, at once, if there is none.
   */
  async createRouterExcept(
    roomId: string,
    mediaCodecs: readonly ms.RouterRtpCodecCapability[],
    exclude: ReadonlySet<number>,
  ): Promise<RouterLease | undefined> {
    if (this.closed) throw new SfuError('closed', 'WorkerPool is closed');
    const worker = this.#leastLoaded(exclude);
    return worker && this.#lease(worker, roomId, mediaCodecs);
  }

  async #lease(worker: PoolWorker, roomId: string, mediaCodecs: readonly ms.RouterRtpCodecCapability[]): Promise<RouterLease> {
    const router = await worker.createRouter(roomId, mediaCodecs);
    return {
      workerIndex: worker.index,
      workerPid: worker.pid,
      router,
      webRtcServer: worker.webRtcServer,
      listenIp: this.#options.listenIp,
      announcedAddress: this.#options.announcedAddress,
      countConsumer: (delta) => worker.countConsumer(delta),
    };
  }

  #leastLoaded(exclude: ReadonlySet<number>): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const worker of this.workers()) {
      if (exclude.has(worker.index)) continue;
      if (
        !best ||
        worker.consumers < best.consumers ||
        (worker.consumers === best.consumers && worker.rooms < best.rooms)
      ) {
        best = worker;
      }
    }
    return best;
  }

  /** Closes every worker and resolves once all worker processes have exited. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#wakeWaiters();
    const workers = this.#slots.filter((w): w is PoolWorker => w !== undefined);
    this.#slots.fill(undefined);
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([...this.#replacements]);
    this.#unrouteLogs();
    this.#logger.info('worker pool closed');
    this.emit('closed');
  }

  #startWorker(index: number): Promise<PoolWorker> {
    return PoolWorker.create({
      index,
      listenIp: this.#options.listenIp,
      ...(this.#options.announcedAddress ? { announcedAddress: this.#options.announcedAddress } : {}),
      port: this.#options.portBase + index,
      ...(this.#options.rtcMinPort === undefined ? {} : { rtcMinPort: this.#options.rtcMinPort }),
      ...(this.#options.rtcMaxPort === undefined ? {} : { rtcMaxPort: this.#options.rtcMaxPort }),
      ...(this.#options.logLevel ? { logLevel: this.#options.logLevel } : {}),
      ...(this.#options.ioUring === undefined ? {} : { ioUring: this.#options.ioUring }),
      logger: this.#options.logger,
      onDied: (worker) => this.#onWorkerDied(worker),
    });
  }

  #onWorkerDied(worker: PoolWorker): void {
    if (this.closed || this.#slots[worker.index] !== worker) return;
    this.#slots[worker.index] = undefined;
    const replacement = this.#replace(worker.index, worker.pid).finally(() => {
      this.#replacements.delete(replacement);
    });
    this.#replacements.add(replacement);
    this.emit('workerDied', { workerIndex: worker.index, roomIds: worker.roomIds() });
  }

  async #replace(index: number, deadPid: number): Promise<void> {
    // The new worker binds the same port, so the old process must be fully gone first.
    await waitForExit(deadPid);
    let delay = 100;
    while (!this.closed) {
      try {
        const worker = await this.#startWorker(index);
        if (this.closed) {
          await worker.close();
          return;
        }
        this.#slots[index] = worker;
        this.#logger.info({ workerIndex: index, pid: worker.pid }, 'replaced dead mediasoup worker');
        this.emit('workerReplaced', { workerIndex: index, pid: worker.pid });
        this.#wakeWaiters();
        return;
      } catch (error) {
        this.#logger.error({ err: error, workerIndex: index, retryInMs: delay }, 'worker restart failed');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
      }
    }
  }

  #waitForWorker(): Promise<void> {
    const timeoutMs = this.#options.workerWaitMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        reject(new SfuError('no_worker', `No live mediasoup worker after ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = (): void => {
        clearTimeout(timer);
        if (this.closed) reject(new SfuError('closed', 'WorkerPool is closed'));
        else resolve();
      };
      this.#waiters.push(wake);
    });
  }

  #wakeWaiters(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}
