// The parent's side of the headless WebRTC subscribers (sfuWebrtcPeers.ts, a child process of
// werift peer connections): opens one per offer and returns its answer, keeps track of which
// ones have DTLS-SRTP up, reads their packet counters, and stops the child. Used by sfuWebrtc.ts
// and largeRoom.ts (--webrtc).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromPeers, ToPeers } from './sfuWebrtcPeers.js';

/** What the subscribers counted: per id, RTP packets received and when the first video packet came (this process's performance.now() clock; null before it). */
export interface PeerCounts {
  received: number[];
  firstVideoAt: (number | null)[];
  /** The child process's CPU time so far (user + system), ms. */
  cpuMs: number;
}

export class WebRtcSubscribers {
  readonly #child: ChildProcess;
  /** Settles when the child has its DTLS certificate. */
  readonly #ready: Promise<unknown>;
  /** When each subscriber's DTLS-SRTP came up (performance.now() clock), by id. */
  readonly connectedAt = new Map<number, number>();
  /** The SRTP suites the subscribers negotiated. */
  readonly suites = new Set<string>();

  constructor() {
    // The child inherits this process's execArgv, so it runs under tsx like the bench itself.
    this.#child = fork(fileURLToPath(new URL('./sfuWebrtcPeers.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#ready = this.#next('ready', undefined, 60_000);
    this.#ready.catch(() => undefined); // reported by the open() that waits for it
    this.#child.on('message', (m: FromPeers) => {
      if (m.type !== 'connected') return;
      this.connectedAt.set(m.id, m.at - performance.timeOrigin);
      this.suites.add(m.srtp);
    });
  }

  /** Opens subscriber `id` on `offer`; resolves with its answer. */
  async open(id: number, offer: string): Promise<string> {
    await this.#ready;
    const answered = this.#next('answer', (m) => m.id === id);
    this.#tell({ type: 'open', id, offer });
    return (await answered).answer;
  }

  /** Closes subscriber `id`'s peer connection. */
  drop(id: number): void {
    this.#tell({ type: 'drop', id });
  }

  /** Waits until subscribers `ids` have DTLS-SRTP up (and `also()` holds); throws after `ms`. */
  async connected(ids: readonly number[], also: () => boolean = () => true, ms = 30_000): Promise<void> {
    const deadline = performance.now() + ms;
    while (ids.some((id) => !this.connectedAt.has(id)) || !also()) {
      if (performance.now() > deadline) throw new Error(`${ids.filter((id) => this.connectedAt.has(id)).length}/${ids.length} WebRTC subscribers connected after ${ms} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async counts(): Promise<PeerCounts> {
    const reply = this.#next('count');
    this.#tell({ type: 'count' });
    const m = await reply;
    return { received: m.received, firstVideoAt: m.firstVideoAt.map((at) => (at > 0 ? at - performance.timeOrigin : null)), cpuMs: m.cpuMs };
  }

  /** Closes every peer connection and waits for the child to exit (killing it if it hangs 5 s). Idempotent. */
  async close(): Promise<void> {
    const child = this.#child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    if (child.connected) this.#tell({ type: 'close' });
    const kill = setTimeout(() => child.kill(), 5000);
    await exited;
    clearTimeout(kill);
  }

  #tell(m: ToPeers): void {
    this.#child.send(m);
  }

  /** The next message of `type` (and matching `match`) from the child; rejects on its error or after `ms`. */
  #next<T extends FromPeers['type']>(type: T, match: (m: Extract<FromPeers, { type: T }>) => boolean = () => true, ms = 20_000): Promise<Extract<FromPeers, { type: T }>> {
    const child = this.#child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(() => reject(new Error(`no '${type}' from the WebRTC subscribers in ${ms} ms`))), ms);
      const onMessage = (m: FromPeers) => {
        if (m.type === 'error') done(() => reject(new Error(`WebRTC subscriber: ${m.message}`)));
        else if (m.type === type && match(m as Extract<FromPeers, { type: T }>)) done(() => resolve(m as Extract<FromPeers, { type: T }>));
      };
      const done = (settle: () => void) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        settle();
      };
      child.on('message', onMessage);
    });
  }
}
