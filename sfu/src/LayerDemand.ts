import type { types as ms } from 'mediasoup';
import type { ProducerAppData } from './Peer.js';
import type { Notify } from './types.js';

/** How long a lower demand must hold before the publisher is told to drop layers (tiles resize, tabs flip). */
export const LAYER_DEMAND_LOWER_DELAY_MS = 3000;

interface Entry {
  readonly producer: ms.Producer<ProducerAppData>;
  readonly top: number;
  readonly consumers: Set<ms.Consumer>;
  /** Pipes carrying the producer to other SFU nodes: their viewers' wishes are not known here, so every layer runs. */
  pins: number;
  /** What the publisher was last told to send (it starts with every layer). */
  told: number;
  lowerTimer: NodeJS.Timeout | undefined;
}

/**
 * Which simulcast layers of each producer anyone in the room watches, so publishers encode
 * only those (`producerLayersWanted`): the highest spatial layer any running consumer
 * prefers, and the lowest layer when nobody watches (a newcomer gets a picture at once).
 * A rise is told at once; a fall only after it held `lowerDelayMs`.
 */
export class LayerDemand {
  readonly #entries = new Map<string, Entry>();
  readonly #roomId: string;
  readonly #notify: Notify;
  readonly #lowerDelayMs: number;

  /** The layer a consumer's viewer asked for, where something else (the governor) may hold its preferred layer lower. */
  readonly #wantedOf: (consumer: ms.Consumer) => number | undefined;

  constructor(options: { roomId: string; notify: Notify; lowerDelayMs?: number; wantedOf?: (consumer: ms.Consumer) => number | undefined }) {
    this.#roomId = options.roomId;
    this.#wantedOf = options.wantedOf ?? (() => undefined);
    this.#notify = options.notify;
    this.#lowerDelayMs = options.lowerDelayMs ?? LAYER_DEMAND_LOWER_DELAY_MS;
  }

  /** A new consumer of `producer`; only simulcast producers are followed. */
  track(producer: ms.Producer<ProducerAppData>, consumer: ms.Consumer): void {
    if (consumer.type !== 'simulcast' || producer.closed) return;
    const tracked = this.#entry(producer);
    tracked.consumers.add(consumer);
    const changed = () => this.changed(producer.id);
    consumer.observer.on('pause', changed);
    consumer.observer.on('resume', changed);
    consumer.observer.once('close', () => {
      tracked.consumers.delete(consumer);
      changed();
    });
    changed();
  }

  /** `producer` is piped to another SFU node: every layer runs until the returned release. */
  pin(producer: ms.Producer<ProducerAppData>): () => void {
    if (producer.kind !== 'video' || (producer.rtpParameters.encodings?.length ?? 0) < 2 || producer.closed) return () => undefined;
    const entry = this.#entry(producer);
    entry.pins += 1;
    this.changed(producer.id);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.pins -= 1;
      this.changed(producer.id);
    };
  }

  #entry(producer: ms.Producer<ProducerAppData>): Entry {
    const existing = this.#entries.get(producer.id);
    if (existing) return existing;
    const top = producer.rtpParameters.encodings!.length - 1;
    const created: Entry = { producer, top, consumers: new Set(), pins: 0, told: top, lowerTimer: undefined };
    this.#entries.set(producer.id, created);
    producer.observer.once('close', () => {
      clearTimeout(created.lowerTimer);
      this.#entries.delete(producer.id);
    });
    return created;
  }

  /** Something that moves demand changed for `producerId` (a consumer's preferred layers). */
  changed(producerId: string): void {
    const entry = this.#entries.get(producerId);
    if (!entry || entry.producer.closed) return;
    const wanted = this.wanted(producerId)!;
    if (wanted >= entry.told) {
      clearTimeout(entry.lowerTimer);
      entry.lowerTimer = undefined;
      if (wanted > entry.told) this.#tell(entry, wanted);
      return;
    }
    if (entry.lowerTimer) return; // already waiting; it reads the demand again when it fires
    entry.lowerTimer = setTimeout(() => {
      entry.lowerTimer = undefined;
      if (entry.producer.closed) return;
      const now = this.wanted(producerId)!;
      if (now < entry.told) this.#tell(entry, now);
    }, this.#lowerDelayMs);
    entry.lowerTimer.unref();
  }

  /** The highest spatial layer anyone watching `producerId` prefers (undefined if it is not followed). */
  wanted(producerId: string): number | undefined {
    const entry = this.#entries.get(producerId);
    if (!entry) return undefined;
    if (entry.pins > 0) return entry.top;
    let wanted = 0;
    for (const c of entry.consumers) {
      if (c.closed || c.paused) continue;
      wanted = Math.max(wanted, Math.min(entry.top, this.#wantedOf(c) ?? c.preferredLayers?.spatialLayer ?? entry.top));
    }
    return wanted;
  }

  close(): void {
    for (const entry of this.#entries.values()) clearTimeout(entry.lowerTimer);
    this.#entries.clear();
  }

  #tell(entry: Entry, spatialLayer: number): void {
    entry.told = spatialLayer;
    const { producer } = entry;
    this.#notify('producerLayersWanted', { roomId: this.#roomId, peerId: producer.appData.peerId, producerId: producer.id, spatialLayer });
  }
}
