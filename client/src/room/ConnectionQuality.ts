// Connection quality, live: every few seconds reads the stats of what we receive (per
// remote peer: loss, RTT, frame rate, freezes) and of what we send (the SFU's receiver
// reports, the encoder's bandwidth limit), runs them through the classifier and its
// hysteresis (quality.ts), tells the server our own level when it changes (the hosts see
// it), and keeps what the server tells hosts of everyone else's.
import type { QualityLevel } from '@lectern/server/protocol';
import type { types } from 'mediasoup-client';
import { classify, QualityTracker, worse } from './quality.js';
import { downlinkSample, inboundSample, outboundSample, readInbound, type InboundReading } from './qualityStats.js';
import type { RemoteConsumer } from './RoomMedia.js';
import type { Signaling } from './Signaling.js';

export const SAMPLE_MS = 2000;
/** The encoder ramps up after a producer starts: its bandwidth limit is not counted meanwhile. */
const RAMP_UP_MS = 15_000;

export interface ConnectionQualityDeps {
  consumers(): RemoteConsumer[];
  producers(): types.Producer[];
  producerPaused(peerId: string, producerId: string): boolean;
  /** In the room with media: readings are taken and reports sent only then. */
  joined(): boolean;
  onChange(): void;
  /** Milliseconds; tests pass their own. */
  now?: () => number;
}

export class ConnectionQuality {
  readonly #sig: Signaling;
  readonly #deps: ConnectionQualityDeps;
  readonly #now: () => number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #busy = false;
  /** Last reading per consumer id. */
  readonly #readings = new Map<string, InboundReading>();
  readonly #peers = new Map<string, QualityTracker>();
  readonly #own = new QualityTracker();
  readonly #producerSince = new Map<string, number>();
  /** What hosts are told by the server: each peer's own report. */
  readonly #reported = new Map<string, QualityLevel>();
  /** The level this socket last told the server; null: nothing yet on this join. */
  #sent: QualityLevel | null = null;

  constructor(sig: Signaling, deps: ConnectionQualityDeps) {
    this.#sig = sig;
    this.#deps = deps;
    this.#now = deps.now ?? (() => Date.now());
    sig.on('peerQuality', ({ peerId, level }) => {
      this.#reported.set(peerId, level);
      deps.onChange();
    });
    // A new socket: the join that follows tells hosts again who is not on a good connection.
    sig.on('welcome', () => {
      if (this.#reported.size === 0) return;
      this.#reported.clear();
      deps.onChange();
    });
    sig.on('peerLeft', ({ peerId }) => {
      this.#peers.delete(peerId);
      if (this.#reported.delete(peerId)) deps.onChange();
    });
  }

  /** The level measured for what we receive from `peerId`; null until measured. */
  peer(peerId: string): QualityLevel | null {
    return this.#peers.get(peerId)?.level ?? null;
  }

  /** What `peerId` reported of their own connection (hosts only hear of it). */
  reported(peerId: string): QualityLevel | null {
    return this.#reported.get(peerId) ?? null;
  }

  /** Our own connection: what we send, and our downlink as a whole. */
  get own(): QualityLevel | null {
    return this.#own.level;
  }

  start(): void {
    this.#timer ??= setInterval(() => void this.sample(), SAMPLE_MS);
  }

  /** A new join (a new socket): the server knows nothing of our level yet. */
  joined(): void {
    // A level that is not good is told again; a good one only if we had told of a bad one.
    this.#sent = this.#sent === null || this.#sent === 'good' ? 'good' : null;
    void this.#report();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#readings.clear();
    this.#peers.clear();
    this.#own.reset();
    this.#producerSince.clear();
    this.#reported.clear();
    this.#sent = null;
  }

  /** One round of readings (the timer calls it; tests may too). */
  async sample(): Promise<void> {
    if (this.#busy || !this.#deps.joined()) return;
    this.#busy = true;
    try {
      const now = this.#now();
      const before = this.#snapshot();
      const [down, up] = await Promise.all([this.#sampleConsumers(now), this.#sampleProducers(now)]);
      const own = [down, up].filter((l): l is QualityLevel => l !== null);
      if (own.length > 0) this.#own.push(own.reduce(worse), now);
      if (this.#snapshot() !== before) this.#deps.onChange();
      await this.#report();
    } finally {
      this.#busy = false;
    }
  }

  /** Receiving side: per peer, the worst of their consumers; returns our downlink's level. */
  async #sampleConsumers(now: number): Promise<QualityLevel | null> {
    const consumers = this.#deps.consumers().filter((rc) => !rc.consumer.closed);
    const live = new Set(consumers.map((rc) => rc.consumer.id));
    for (const id of this.#readings.keys()) if (!live.has(id)) this.#readings.delete(id);
    // A peer we no longer receive anything from has no level to show.
    const senders = new Set(consumers.map((rc) => rc.peerId));
    for (const peerId of this.#peers.keys()) if (!senders.has(peerId)) this.#peers.delete(peerId);
    const perPeer = new Map<string, QualityLevel>();
    const windows: { prev: InboundReading; cur: InboundReading }[] = [];
    await Promise.all(
      consumers.map(async (rc) => {
        const id = rc.consumer.id;
        if (rc.consumer.paused || this.#deps.producerPaused(rc.peerId, rc.producerId)) {
          this.#readings.delete(id); // a window across a pause says nothing
          return;
        }
        let cur: InboundReading;
        try {
          cur = readInbound(await rc.consumer.getStats(), now);
        } catch {
          return; // closing under us
        }
        const prev = this.#readings.get(id);
        this.#readings.set(id, cur);
        if (!prev) return;
        windows.push({ prev, cur });
        // A shared screen sends frames only when it changes: its frame rate says nothing of the network.
        const level = classify(inboundSample(prev, cur, rc.kind === 'video' && rc.source === 'webcam'));
        perPeer.set(rc.peerId, worse(perPeer.get(rc.peerId) ?? 'good', level));
      }),
    );
    for (const [peerId, level] of perPeer) {
      let t = this.#peers.get(peerId);
      if (!t) this.#peers.set(peerId, (t = new QualityTracker()));
      t.push(level, now);
    }
    return windows.length > 0 ? classify(downlinkSample(windows)) : null;
  }

  /** Sending side: the worst of our live producers; null when we send nothing. */
  async #sampleProducers(now: number): Promise<QualityLevel | null> {
    const producers = this.#deps.producers().filter((p) => !p.closed && !p.paused);
    const levels = await Promise.all(
      producers.map(async (p) => {
        const since = this.#producerSince.get(p.id) ?? now;
        this.#producerSince.set(p.id, since);
        try {
          const s = outboundSample(await p.getStats());
          if (now - since < RAMP_UP_MS) s.bandwidthLimited = false;
          return classify(s);
        } catch {
          return null;
        }
      }),
    );
    const known = levels.filter((l): l is QualityLevel => l !== null);
    return known.length > 0 ? known.reduce(worse) : null;
  }

  /** Tells the server our level when it differs from what it last heard. */
  async #report(): Promise<void> {
    const level = this.#own.level;
    if (level === null || level === this.#sent || !this.#deps.joined()) return;
    const previous = this.#sent;
    this.#sent = level;
    try {
      await this.#sig.request('reportQuality', { level });
    } catch {
      this.#sent = previous; // told again on the next round
    }
  }

  #snapshot(): string {
    return `${this.#own.level}|${[...this.#peers].map(([id, t]) => `${id}:${t.level}`).join(',')}`;
  }
}
