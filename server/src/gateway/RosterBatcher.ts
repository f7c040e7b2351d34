// Webinar rooms: who joined and who left, gathered per room and sent to the viewers as one
// `rosterChanged` batch at most once per interval (hosts still hear of each change at once).
// Each API node batches the changes of its own sockets.
import type { PeerInfo } from '../protocol/index.js';

/** Default spacing of two batches of one room, ms. */
export const ROSTER_BATCH_MS = 1000;
/** A first change waits this long for company before it goes out, ms. */
const GATHER_MS = 50;

interface Pending {
  added: Map<string, PeerInfo>;
  removed: Set<string>;
  timer: NodeJS.Timeout;
}

export type FlushRoster = (sessionId: string, added: PeerInfo[], removed: string[]) => Promise<void>;

export class RosterBatcher {
  readonly #intervalMs: number;
  readonly #flush: FlushRoster;
  readonly #pending = new Map<string, Pending>();
  /** When each room's last batch went out (rooms quiet for a while are forgotten). */
  readonly #last = new Map<string, number>();
  #closed = false;

  constructor(flush: FlushRoster, intervalMs = ROSTER_BATCH_MS) {
    this.#flush = flush;
    this.#intervalMs = intervalMs;
  }

  added(sessionId: string, peer: PeerInfo): void {
    const p = this.#entry(sessionId);
    if (!p) return;
    p.removed.delete(peer.peerId);
    p.added.set(peer.peerId, peer);
  }

  removed(sessionId: string, peerId: string): void {
    const p = this.#entry(sessionId);
    if (!p) return;
    // Came and went within one batch: the viewers never need to hear of them.
    if (p.added.delete(peerId)) return;
    p.removed.add(peerId);
  }

  #entry(sessionId: string): Pending | undefined {
    if (this.#closed) return undefined;
    const existing = this.#pending.get(sessionId);
    if (existing) return existing;
    const now = Date.now();
    const last = this.#last.get(sessionId);
    const wait = Math.max(GATHER_MS, last === undefined ? 0 : last + this.#intervalMs - now);
    const p: Pending = { added: new Map(), removed: new Set(), timer: setTimeout(() => void this.#send(sessionId), wait) };
    p.timer.unref();
    this.#pending.set(sessionId, p);
    return p;
  }

  async #send(sessionId: string): Promise<void> {
    const p = this.#pending.get(sessionId);
    if (!p) return;
    this.#pending.delete(sessionId);
    const now = Date.now();
    this.#last.set(sessionId, now);
    for (const [id, at] of this.#last) if (now - at > 10 * this.#intervalMs) this.#last.delete(id);
    if (p.added.size === 0 && p.removed.size === 0) return;
    await this.#flush(sessionId, [...p.added.values()], [...p.removed]).catch(() => undefined);
  }

  close(): void {
    this.#closed = true;
    for (const p of this.#pending.values()) clearTimeout(p.timer);
    this.#pending.clear();
  }
}
