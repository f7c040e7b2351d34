import type { types as ms } from 'mediasoup';
import type { Logger } from 'pino';
import type { ProducerAppData } from './Peer.js';
import { SfuError } from './SfuError.js';
import type { PipedProducerOutResponse, SrtpParameters } from './types.js';
import type { RouterLease } from './WorkerPool.js';

/** One PipeTransport towards another SFU node hosting the same room. */
interface NodePipe {
  readonly remoteNodeId: string;
  readonly transport: ms.PipeTransport;
  connected: Promise<void> | undefined;
  /** Pipe consumers (out), by the producer they carry. */
  readonly out: Map<string, Promise<ms.Consumer>>;
}

/**
 * A room's links to the same room on other SFU nodes: one SRTP PipeTransport per remote
 * node, on the room's first router. A local producer is piped out once per remote node (a
 * pipe consumer); a remote producer is piped in under its own id (a pipe producer that no
 * peer owns: it announces nothing, and its closing closes the local consumers of it).
 */
export class NodePipes {
  /** The room's first router, where the pipes live, and its worker's listening address. */
  readonly #lease: () => RouterLease;
  readonly #logger: Logger;
  readonly #onPipedIn: (producer: ms.Producer<ProducerAppData>) => void;
  readonly #pipes = new Map<string, Promise<NodePipe>>();
  /** Piped-in producers, by id, with the remote node they came from. */
  readonly #in = new Map<string, { remoteNodeId: string; producer: Promise<ms.Producer<ProducerAppData>> }>();
  #closed = false;

  constructor(options: {
    lease: () => RouterLease;
    logger: Logger;
    onPipedIn: (producer: ms.Producer<ProducerAppData>) => void;
  }) {
    this.#lease = options.lease;
    this.#onPipedIn = options.onPipedIn;
    this.#logger = options.logger;
  }

  /** The pipe towards `remoteNodeId`, created on first use (concurrent calls share it). */
  async create(remoteNodeId: string): Promise<{ ip: string; port: number; srtpParameters: SrtpParameters }> {
    const pipe = await this.#pipe(remoteNodeId);
    const { tuple, srtpParameters } = pipe.transport;
    if (!srtpParameters) throw new SfuError('media_error', 'Pipe transport has no SRTP parameters');
    return { ip: tuple.localAddress, port: tuple.localPort, srtpParameters };
  }

  /** Connects the pipe to the remote end once; later calls are no-ops. */
  async connect(remoteNodeId: string, remote: { ip: string; port: number; srtpParameters: SrtpParameters }): Promise<void> {
    const pipe = await this.#pipe(remoteNodeId);
    pipe.connected ??= pipe.transport.connect(remote).catch((error: unknown) => {
      pipe.connected = undefined;
      throw error;
    });
    await pipe.connected;
  }

  /** Pipes a local producer (on the first router) out to `remoteNodeId`, once per pair. */
  async pipeOut(remoteNodeId: string, producer: ms.Producer<ProducerAppData>, hold: () => Promise<() => void>): Promise<PipedProducerOutResponse> {
    const pipe = await this.#existing(remoteNodeId);
    let pending = pipe.out.get(producer.id);
    if (!pending) {
      pending = (async () => {
        const release = await hold();
        try {
          const consumer = await pipe.transport.consume({ producerId: producer.id });
          consumer.observer.once('close', () => {
            release();
            pipe.out.delete(producer.id);
          });
          return consumer;
        } catch (error) {
          release();
          throw error;
        }
      })();
      pending.catch(() => pipe.out.delete(producer.id));
      pipe.out.set(producer.id, pending);
    }
    const consumer = await pending;
    return {
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
      appData: { peerId: producer.appData.peerId, source: producer.appData.source },
    };
  }

  /** Makes a remote producer consumable here under its own id (idempotent). */
  async pipeIn(remoteNodeId: string, p: { producerId: string } & PipedProducerOutResponse): Promise<void> {
    const existing = this.#in.get(p.producerId);
    if (existing) {
      await existing.producer;
      return;
    }
    const producer = this.#existing(remoteNodeId).then((pipe) =>
      pipe.transport.produce<ProducerAppData>({ id: p.producerId, kind: p.kind, rtpParameters: p.rtpParameters, paused: p.paused, appData: { ...p.appData } }),
    );
    const entry = { remoteNodeId, producer };
    this.#in.set(p.producerId, entry);
    try {
      const made = await producer;
      made.observer.once('close', () => {
        if (this.#in.get(p.producerId) === entry) this.#in.delete(p.producerId);
      });
      if (this.#closed) made.close();
      else this.#onPipedIn(made);
    } catch (error) {
      if (this.#in.get(p.producerId) === entry) this.#in.delete(p.producerId);
      throw error;
    }
  }

  /** A piped-in producer, if `producerId` is one (and ready). */
  async piped(producerId: string): Promise<ms.Producer<ProducerAppData> | undefined> {
    const entry = this.#in.get(producerId);
    return entry ? entry.producer.catch(() => undefined) : undefined;
  }

  has(producerId: string): boolean {
    return this.#in.has(producerId);
  }

  /** The origin of a piped-in producer paused, resumed or closed it. */
  async update(producerId: string, action: 'pause' | 'resume' | 'close'): Promise<void> {
    const producer = await this.piped(producerId);
    if (!producer || producer.closed) return;
    switch (action) {
      case 'pause':
        return producer.pause();
      case 'resume':
        return producer.resume();
      case 'close':
        producer.close();
        return;
    }
  }

  /** Closes the pipe towards `remoteNodeId` and everything carried on it (that node is gone). */
  async closeRemote(remoteNodeId: string): Promise<void> {
    const pending = this.#pipes.get(remoteNodeId);
    if (!pending) return;
    this.#pipes.delete(remoteNodeId);
    for (const [id, entry] of [...this.#in]) if (entry.remoteNodeId === remoteNodeId) this.#in.delete(id);
    const pipe = await pending.catch(() => undefined);
    pipe?.transport.close(); // closes its pipe producers (consumers here get producerclose) and pipe consumers
    this.#logger.info({ remoteNodeId }, 'pipe to another SFU node closed');
  }

  remoteNodes(): string[] {
    return [...this.#pipes.keys()];
  }

  close(): void {
    this.#closed = true;
    for (const pending of this.#pipes.values()) void pending.then((p) => p.transport.close()).catch(() => undefined);
    this.#pipes.clear();
    this.#in.clear();
  }

  #existing(remoteNodeId: string): Promise<NodePipe> {
    const pending = this.#pipes.get(remoteNodeId);
    if (!pending) throw new SfuError('invalid_request', `No pipe towards node ${remoteNodeId}; createPipe first`);
    return pending;
  }

  #pipe(remoteNodeId: string): Promise<NodePipe> {
    if (this.#closed) throw new SfuError('room_not_found', 'Room is closed');
    let pending = this.#pipes.get(remoteNodeId);
    if (!pending) {
      const { router, listenIp: ip, announcedAddress } = this.#lease();
      pending = router
        .createPipeTransport({
          listenInfo: { protocol: 'udp', ip, ...(announcedAddress ? { announcedAddress } : {}) },
          enableSrtp: true,
          enableRtx: true,
          appData: { remoteNodeId },
        })
        .then((transport): NodePipe => {
          this.#logger.info({ remoteNodeId, port: transport.tuple.localPort }, 'pipe to another SFU node created');
          return { remoteNodeId, transport, connected: undefined, out: new Map() };
        });
      const made = pending;
      made.catch(() => {
        if (this.#pipes.get(remoteNodeId) === made) this.#pipes.delete(remoteNodeId);
      });
      this.#pipes.set(remoteNodeId, made);
    }
    return pending;
  }
}
