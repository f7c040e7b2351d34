import type { types as ms } from 'mediasoup';

/** Seconds a consumer may sit on a spatial layer at a reduced frame rate before it steps down one. */
export const STARVED_TICKS = 3;
/** After a step down, how long before the bandwidth estimate is read for a step back up. */
export const HOLD_MS = 3000;
/**
 * A step up that starves again within this long counts as failed: the next hold doubles, up to
 * MAX_HOLD_MS, and the estimate must then show FAILED_CLIMB_HEADROOM (on a link that is really
 * narrow, a probing estimate reads high, and each failed step up costs a key frame it cannot carry).
 */
export const FAILED_CLIMB_MS = 10_000;
export const MAX_HOLD_MS = 30_000;
export const FAILED_CLIMB_HEADROOM = 1.5;
/** Headroom the estimate must show over what the step up would send. */
export const CLIMB_HEADROOM = 1.15;
/** Consecutive ticks the estimate must show that headroom (a probe's burst alone is not enough). */
export const CLIMB_TICKS = 2;

/** What the governor needs of a consumer (mediasoup's Consumer has it all). */
export type GovernedConsumer = Pick<ms.Consumer, 'id' | 'closed' | 'paused' | 'currentLayers' | 'rtpParameters' | 'setPreferredLayers'>;

interface Entry {
  consumer: GovernedConsumer;
  /** The bandwidth picture for this consumer on spatial layer `toLayer` at full frame rate; null when unknown. */
  measure: (toLayer: number) => Promise<{ availableBps: number; neededBps: number } | null>;
  /** What the viewer asked for (its tile's layer). */
  wanted: number;
  /** The governor's ceiling (undefined: none). */
  cap: number | undefined;
  starved: number;
  cappedAt: number;
  climbedAt: number;
  /** Step ups that starved again soon after (reset by one that held). */
  failedClimbs: number;
  /** Consecutive ticks the estimate covered the step up. */
  covered: number;
  busy: boolean;
}

/**
 * Frame rate before resolution, for simulcast consumers on a constrained downlink. mediasoup
 * climbs a consumer's layers in the order s0t0, s0t1, s0t2, s1t0, s1t1... and stops at the
 * highest that fits, so a 300 kbit/s receiver watching a mid-size tile gets the 360p layer at
 * a third of its frame rate. When a consumer sits on a spatial layer above 0 at less than the
 * full frame rate for STARVED_TICKS seconds, the governor caps its preferred layer one below
 * (full frame rate of a smaller picture). (Asking the estimate first, to tell a narrow link
 * from a publisher that sends fewer frames, kept a 300 kbit/s receiver on the large layer: on
 * a queued link the estimate reads high. A publisher short of CPU may thus cost its viewers a
 * layer of resolution, not frame rate.) While capped, it reads the transport's bandwidth
 * estimate each tick (mediasoup keeps probing towards the producer's highest running stream)
 * and lifts the cap one layer once the estimate covers the larger layer with headroom on
 * CLIMB_TICKS ticks in a row; a step up that starves again soon doubles the next hold.
 * `wanted` (the tile's layer) is what the publisher is asked to encode, so the layer to climb
 * back to keeps running.
 */
export class LayerGovernor {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  track(consumer: GovernedConsumer, measure: Entry['measure']): void {
    const top = streamLayers(consumer).spatial - 1;
    this.#entries.set(consumer.id, { consumer, measure, wanted: top, cap: undefined, starved: 0, cappedAt: 0, climbedAt: Number.NEGATIVE_INFINITY, failedClimbs: 0, covered: 0, busy: false });
  }

  forget(consumerId: string): void {
    this.#entries.delete(consumerId);
  }

  /** The viewer's wish for `consumerId` (undefined if not governed). */
  wanted(consumerId: string): number | undefined {
    return this.#entries.get(consumerId)?.wanted;
  }

  /** The governor's ceiling for `consumerId` now (undefined: none). */
  cap(consumerId: string): number | undefined {
    return this.#entries.get(consumerId)?.cap;
  }

  /** The viewer asked for `spatialLayer`; applies it under the current cap. */
  async setWanted(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    const entry = this.#entries.get(consumerId);
    if (!entry) return;
    entry.wanted = spatialLayer;
    if (entry.cap !== undefined && entry.cap >= spatialLayer) entry.cap = undefined;
    await this.#apply(entry, temporalLayer);
  }

  /** Ticks every `intervalMs` (1 s) until the returned stop; a failed tick is reported, not thrown. */
  start(onError: (error: unknown) => void, intervalMs = 1000): () => void {
    const timer = setInterval(() => void this.tick().catch(onError), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** One look at every governed consumer (the room calls it each second). */
  async tick(): Promise<void> {
    await Promise.all([...this.#entries.values()].map((e) => this.#look(e)));
  }

  async #look(entry: Entry): Promise<void> {
    const { consumer } = entry;
    if (consumer.closed) return void this.#entries.delete(consumer.id);
    if (consumer.paused || entry.busy) return;
    const layers = consumer.currentLayers;
    const ceiling = this.#ceiling(entry);
    const topTemporal = streamLayers(consumer).temporal - 1;
    const starving =
      layers !== undefined && layers.spatialLayer > 0 && layers.spatialLayer === ceiling && (layers.temporalLayer ?? topTemporal) < topTemporal;
    entry.starved = starving ? entry.starved + 1 : 0;
    entry.busy = true;
    try {
      const now = this.#now();
      if (entry.starved >= STARVED_TICKS) {
        entry.starved = 0;
        entry.failedClimbs = now - entry.climbedAt < FAILED_CLIMB_MS ? entry.failedClimbs + 1 : 0;
        entry.cap = layers!.spatialLayer - 1;
        entry.cappedAt = now;
        await this.#apply(entry);
        return;
      }
      const hold = Math.min(MAX_HOLD_MS, HOLD_MS * 2 ** entry.failedClimbs);
      if (entry.cap === undefined || now - entry.cappedAt < hold) return void (entry.covered = 0);
      const m = await entry.measure(entry.cap + 1);
      const headroom = entry.failedClimbs > 0 ? FAILED_CLIMB_HEADROOM : CLIMB_HEADROOM;
      entry.covered = m && m.availableBps >= m.neededBps * headroom ? entry.covered + 1 : 0;
      if (entry.covered < CLIMB_TICKS || consumer.closed) return;
      entry.covered = 0;
      entry.cap = entry.cap + 1 >= entry.wanted ? undefined : entry.cap + 1;
      entry.cappedAt = this.#now();
      entry.climbedAt = entry.cappedAt;
      await this.#apply(entry);
    } finally {
      entry.busy = false;
    }
  }

  #ceiling(entry: Entry): number {
    return entry.cap === undefined ? entry.wanted : Math.min(entry.cap, entry.wanted);
  }

  async #apply(entry: Entry, temporalLayer?: number): Promise<void> {
    if (entry.consumer.closed) return;
    const spatialLayer = this.#ceiling(entry);
    await (temporalLayer === undefined ? entry.consumer.setPreferredLayers({ spatialLayer }) : entry.consumer.setPreferredLayers({ spatialLayer, temporalLayer }));
  }
}

/** Spatial and temporal layers of a consumer's stream, from its scalability mode (a simulcast consumer of three L1T3 encodings: L3T3). */
export function streamLayers(consumer: Pick<ms.Consumer, 'rtpParameters'>): { spatial: number; temporal: number } {
  const mode = consumer.rtpParameters.encodings?.[0]?.scalabilityMode ?? '';
  const m = /^[LS](\d+)T(\d+)/.exec(mode);
  return m ? { spatial: Number(m[1]), temporal: Number(m[2]) } : { spatial: 1, temporal: 1 };
}
