// The large-room bench's worker threads, so that the main thread's work (talking to the SfuNode,
// reading 1,800 consumers' stats in a snapshot) neither delays the publisher's packets (a late
// timer sends a burst that overflows the worker's socket) nor the counting of tens of thousands
// of packets a second:
// - the feed: sends the publisher's streams at their rates (sfuRtp.ts), its counters in shared memory;
// - the sinks: a few UDP sockets shared by many subscribers, counting packets by SSRC (slot i
//   of shared memory holds one consumer SSRC's packet count and the epoch time, ms, of its first).
import { createSocket, type Socket } from 'node:dgram';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { feedStreams, type RtpStream } from './sfuRtp.js';

const SLOTS = 1 << 16;
type ToThread = { type: 'ssrc'; ssrc: number; slot: number };
interface ThreadData {
  role: 'sinks';
  sockets: number;
  counts: SharedArrayBuffer;
  firsts: SharedArrayBuffer;
}

const now = () => performance.timeOrigin + performance.now();
// A thread does not inherit the main thread's tsx loader (Node 20), so it registers tsx first.
const THREAD_MAIN = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;

/** Per-SSRC packet counters behind a few shared UDP sockets (and one for RTCP, which is dropped). */
export class Sinks {
  readonly #threads: Worker[] = [];
  readonly #ports: number[] = [];
  readonly #rtcp: Socket = createSocket('udp4');
  readonly #counts = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  readonly #firsts = new Float64Array(new SharedArrayBuffer(SLOTS * 8));
  readonly #slots = new Map<number, number>();

  /** `sockets` sockets spread over `threads` worker threads. */
  static async open(sockets: number, threads: number): Promise<Sinks> {
    const sinks = new Sinks();
    for (let t = 0; t < threads; t++) {
      const count = Math.ceil(sockets / threads);
      const data: ThreadData = { role: 'sinks', sockets: count, counts: sinks.#counts.buffer, firsts: sinks.#firsts.buffer };
      const thread = new Worker(THREAD_MAIN, { eval: true, workerData: data });
      const ports = await new Promise<number[]>((resolve, reject) => {
        thread.once('message', resolve);
        thread.once('error', reject);
      });
      sinks.#threads.push(thread);
      sinks.#ports.push(...ports);
    }
    await new Promise<void>((r) => sinks.#rtcp.bind(0, '127.0.0.1', r));
    return sinks;
  }

  /** Sink i's port (wrapping around): the sockets, not the subscribers, are few. */
  port(i: number): number {
    return this.#ports[i % this.#ports.length]!;
  }

  get rtcpPort(): number {
    return this.#rtcp.address().port;
  }

  /** Starts counting `ssrc` (packets that came before are counted too). */
  watch(ssrc: number): void {
    if (this.#slots.has(ssrc)) return;
    const slot = this.#slots.size;
    if (slot >= SLOTS) throw new Error('too many SSRCs for the sinks');
    this.#slots.set(ssrc, slot);
    for (const t of this.#threads) t.postMessage({ type: 'ssrc', ssrc, slot } satisfies ToThread);
  }

  count(ssrc: number): number {
    const slot = this.#slots.get(ssrc);
    return slot === undefined ? 0 : Atomics.load(this.#counts, slot);
  }

  /** When the first packet of `ssrc` came, on this process's performance.now() clock; null before it. */
  first(ssrc: number): number | null {
    const slot = this.#slots.get(ssrc);
    const at = slot === undefined ? 0 : this.#firsts[slot]!;
    return at > 0 ? at - performance.timeOrigin : null;
  }

  async close(): Promise<void> {
    this.#rtcp.close();
    await Promise.all(this.#threads.map((t) => t.terminate()));
  }
}

/** A sink thread: binds its sockets, reports their ports, counts into the shared slots. */
async function runThread({ sockets, counts: countsBuffer, firsts: firstsBuffer }: ThreadData): Promise<void> {
  const counts = new Int32Array(countsBuffer);
  const firsts = new Float64Array(firstsBuffer);
  const slots = new Map<number, number>();
  // Packets of an SSRC not yet announced (its announcement races the first packets).
  const early = new Map<number, { count: number; first: number }>();
  parentPort!.on('message', (m: ToThread) => {
    slots.set(m.ssrc, m.slot);
    const e = early.get(m.ssrc);
    if (!e) return;
    early.delete(m.ssrc);
    if (firsts[m.slot] === 0) firsts[m.slot] = e.first;
    Atomics.add(counts, m.slot, e.count);
  });
  const ports: number[] = [];
  for (let i = 0; i < sockets; i++) {
    const s = createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
    s.on('message', (b) => {
      if (b.length < 12) return;
      const ssrc = b.readUInt32BE(8);
      const slot = slots.get(ssrc);
      if (slot === undefined) {
        const e = early.get(ssrc) ?? { count: 0, first: now() };
        e.count++;
        early.set(ssrc, e);
      } else if (Atomics.add(counts, slot, 1) === 0) firsts[slot] = now();
    });
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
    ports.push(s.address().port);
  }
  parentPort!.postMessage(ports);
}

/** The publisher's packets, sent from a thread of their own; `sent[i]` counts stream i's. */
export class Feed {
  readonly #sent: Int32Array;
  readonly #stop = new Int32Array(new SharedArrayBuffer(4));
  readonly #thread: Worker;

  constructor(streams: RtpStream[]) {
    this.#sent = new Int32Array(new SharedArrayBuffer(streams.length * 4));
    const data: FeedData = { role: 'feed', streams, sent: this.#sent.buffer as SharedArrayBuffer, stop: this.#stop.buffer };
    this.#thread = new Worker(THREAD_MAIN, { eval: true, workerData: data });
  }

  /** Packets sent so far, per stream. */
  sent(): number[] {
    return [...this.#sent];
  }

  async stop(): Promise<void> {
    Atomics.store(this.#stop, 0, 1);
    await new Promise((r) => this.#thread.once('exit', r));
  }
}

interface FeedData {
  role: 'feed';
  streams: RtpStream[];
  sent: SharedArrayBuffer;
  stop: SharedArrayBuffer;
}

async function runFeed({ streams, sent: sentBuffer, stop: stopBuffer }: FeedData): Promise<void> {
  const [shared, stop, sent] = [new Int32Array(sentBuffer), new Int32Array(stopBuffer), [] as number[]];
  const source = createSocket('udp4');
  await feedStreams(source, streams, sent, () => {
    sent.forEach((n, i) => Atomics.store(shared, i, n));
    return Atomics.load(stop, 0) === 0;
  });
  source.close();
}

if (!isMainThread && parentPort) {
  const data = workerData as ThreadData | FeedData;
  void (data.role === 'feed' ? runFeed(data) : runThread(data));
}
