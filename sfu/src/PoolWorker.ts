import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';

export interface PoolWorkerOptions {
  index: number;
  listenIp: string;
  announcedAddress?: string;
  port: number;
  rtcMinPort?: number;
  rtcMaxPort?: number;
  logLevel?: ms.WorkerLogLevel;
  /** io_uring for sends, where the worker build and the kernel have it. Default true. */
  ioUring?: boolean;
  logger: Logger;
  /** Called once if the worker process dies unexpectedly (not on close()). */
  onDied: (worker: PoolWorker, error: Error) => void;
}

interface RouterAppData extends ms.AppData {
  roomId: string;
}

const EXIT_TIMEOUT_MS = 3000;

/** One mediasoup worker process plus its WebRtcServer, and the load counters the pool uses. */
export class PoolWorker {
  readonly index: number;
  readonly port: number;
  /** Whether this worker batches its sends through io_uring (its build and the kernel allow it). */
  readonly ioUring: boolean;
  readonly #worker: ms.Worker;
  readonly #webRtcServer: ms.WebRtcServer;
  readonly #routers = new Set<ms.Router<RouterAppData>>();
  #consumers = 0;
  #closing: Promise<void> | undefined;

  static async create(options: PoolWorkerOptions): Promise<PoolWorker> {
    const worker = await mediasoup.createWorker({
      logLevel: options.logLevel ?? 'warn',
      ...(options.rtcMinPort === undefined ? {} : { rtcMinPort: options.rtcMinPort }),
      ...(options.rtcMaxPort === undefined ? {} : { rtcMaxPort: options.rtcMaxPort }),
      disableLiburing: options.ioUring === false,
      appData: { index: options.index },
    });
    const listen = (protocol: ms.TransportProtocol): ms.TransportListenInfo => ({
      protocol,
      ip: options.listenIp,
      port: options.port,
      ...(options.announcedAddress ? { announcedAddress: options.announcedAddress } : {}),
    });
    let webRtcServer: ms.WebRtcServer;
    let ioUring: boolean;
    try {
      webRtcServer = await worker.createWebRtcServer({ listenInfos: [listen('udp'), listen('tcp')] });
      // The dump carries io_uring counters only when the worker set io_uring up.
      ioUring = (await worker.dump()).liburing !== undefined;
    } catch (error) {
      await closeWorker(worker);
      throw error;
    }
    return new PoolWorker(options, worker, webRtcServer, ioUring);
  }

  private constructor(options: PoolWorkerOptions, worker: ms.Worker, webRtcServer: ms.WebRtcServer, ioUring: boolean) {
    this.index = options.index;
    this.port = options.port;
    this.ioUring = ioUring;
    this.#worker = worker;
    this.#webRtcServer = webRtcServer;
    const logger = options.logger.child({ workerIndex: this.index, workerPid: worker.pid });
    worker.on('died', (error) => {
      logger.error({ err: error }, 'mediasoup worker died');
      options.onDied(this, error);
    });
    logger.info({ port: this.port, ioUring }, 'mediasoup worker started');
  }

  get pid(): number {
    return this.#worker.pid;
  }

  get alive(): boolean {
    return !this.#worker.closed;
  }

  get webRtcServer(): ms.WebRtcServer {
    return this.#webRtcServer;
  }

  get consumers(): number {
    return this.#consumers;
  }

  get rooms(): number {
    return this.#routers.size;
  }

  /** Ids of the rooms whose routers live on this worker (kept after the worker dies). */
  roomIds(): string[] {
    return [...this.#routers].map((router) => router.appData.roomId);
  }

  countConsumer(delta: 1 | -1): void {
    this.#consumers = Math.max(0, this.#consumers + delta);
  }

  async createRouter(roomId: string, mediaCodecs: readonly ms.RouterRtpCodecCapability[]): Promise<ms.Router> {
    const router = await this.#worker.createRouter<RouterAppData>({
      mediaCodecs: [...mediaCodecs],
      appData: { roomId },
    });
    this.#routers.add(router);
    router.observer.once('close', () => {
      // A dead worker keeps its room list so the pool can report which rooms went down.
      if (!this.#worker.died) this.#routers.delete(router);
    });
    return router;
  }

  resourceUsage(): Promise<ms.WorkerResourceUsage> {
    return this.#worker.getResourceUsage();
  }

  /** Closes the worker and resolves once its process has exited. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= closeWorker(this.#worker);
    return this.#closing;
  }
}

async function closeWorker(worker: ms.Worker): Promise<void> {
  const exited = worker.subprocessClosed
    ? Promise.resolve()
    : new Promise<void>((resolve) => worker.once('subprocessclose', () => resolve()));
  worker.close();
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), EXIT_TIMEOUT_MS).unref());
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      process.kill(worker.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Resolves once no process with `pid` exists (or after `timeoutMs`). */
export async function waitForExit(pid: number, timeoutMs = EXIT_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
