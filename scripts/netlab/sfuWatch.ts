// The SFU's side of the call, read from the in-process mediasoup through its observer API
// (nothing in the server changes): per video consumer its current and preferred layers,
// layer switches, score, and PLI/FIR/NACK it received; per producer the PLI/FIR it sent
// upstream and the key-frame packets it got (mediasoup traces a key frame per RTP packet).
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

export interface Counters {
  layerSwitches: number;
  minScore: number;
  pliIn: number;
  firIn: number;
  nackIn: number;
  keyframePktsOut: number;
}

interface ConsumerRec extends Counters {
  consumer: types.Consumer;
  peerId: string;
}

interface ProducerRec {
  producer: types.Producer;
  peerId: string;
  pliOut: number;
  firOut: number;
  keyframePktsIn: number;
}

export interface ConsumerView extends Counters {
  peerId: string;
  ssrc: number;
  spatialLayer: number | null;
  temporalLayer: number | null;
  preferredSpatial: number | null;
  score: number;
  producerScores: number[];
}

export class SfuWatch {
  readonly #consumers: ConsumerRec[] = [];
  readonly #producers: ProducerRec[] = [];

  constructor() {
    mediasoup.observer.on('newworker', (w) =>
      w.observer.on('newrouter', (r) =>
        r.observer.on('newtransport', (t) => {
          const peerId = (t.appData as { peerId?: string }).peerId ?? '';
          t.observer.on('newconsumer', (c) => this.#watchConsumer(c, peerId));
          t.observer.on('newproducer', (p) => this.#watchProducer(p, peerId));
        }),
      ),
    );
  }

  #watchConsumer(consumer: types.Consumer, peerId: string): void {
    if (consumer.kind !== 'video') return;
    const rec: ConsumerRec = { consumer, peerId, layerSwitches: 0, minScore: 10, pliIn: 0, firIn: 0, nackIn: 0, keyframePktsOut: 0 };
    this.#consumers.push(rec);
    consumer.observer.on('layerschange', () => (rec.layerSwitches += 1));
    consumer.observer.on('score', (s) => (rec.minScore = Math.min(rec.minScore, s.score)));
    consumer.observer.on('trace', (t) => {
      if (process.env.NETLAB_TRACE && t.type !== 'nack') console.error(Date.now() % 100000, 'C', peerId.slice(0, 4), t.type, t.direction);
      if (t.type === 'pli' && t.direction === 'in') rec.pliIn += 1;
      if (t.type === 'fir' && t.direction === 'in') rec.firIn += 1;
      if (t.type === 'nack' && t.direction === 'in') rec.nackIn += 1;
      if (t.type === 'keyframe' && t.direction === 'out') rec.keyframePktsOut += 1;
    });
    void consumer.enableTraceEvent(['pli', 'fir', 'nack', 'keyframe']).catch(() => undefined);
  }

  #watchProducer(producer: types.Producer, peerId: string): void {
    if (producer.kind !== 'video') return;
    const rec: ProducerRec = { producer, peerId, pliOut: 0, firOut: 0, keyframePktsIn: 0 };
    this.#producers.push(rec);
    producer.observer.on('trace', (t) => {
      if (process.env.NETLAB_TRACE && !(t.type === 'keyframe' && rec.keyframePktsIn % 20 !== 0)) console.error(Date.now() % 100000, 'P', peerId.slice(0, 4), t.type, t.direction, JSON.stringify(t.info).slice(0, 80));
      if (t.type === 'pli' && t.direction === 'out') rec.pliOut += 1;
      if (t.type === 'fir' && t.direction === 'out') rec.firOut += 1;
      if (t.type === 'keyframe' && t.direction === 'in') rec.keyframePktsIn += 1;
    });
    void producer.enableTraceEvent(['pli', 'fir', 'keyframe']).catch(() => undefined);
  }

  /** Starts a measuring window: counters back to zero, the minimum score from the current one. */
  reset(): void {
    for (const c of this.#consumers) Object.assign(c, { layerSwitches: 0, minScore: c.consumer.score.score, pliIn: 0, firIn: 0, nackIn: 0, keyframePktsOut: 0 });
    for (const p of this.#producers) Object.assign(p, { pliOut: 0, firOut: 0, keyframePktsIn: 0 });
  }

  /** Open video consumers of `peerId` (the receiver), keyed by the SSRC the browser sees. */
  consumersOf(peerId: string): ConsumerView[] {
    return this.#consumers
      .filter((c) => c.peerId === peerId && !c.consumer.closed)
      .map((c) => ({
        peerId: c.peerId,
        ssrc: c.consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0,
        spatialLayer: c.consumer.currentLayers?.spatialLayer ?? null,
        temporalLayer: c.consumer.currentLayers?.temporalLayer ?? null,
        preferredSpatial: c.consumer.preferredLayers?.spatialLayer ?? null,
        score: c.consumer.score.score,
        producerScores: c.consumer.score.producerScores,
        layerSwitches: c.layerSwitches,
        minScore: c.minScore,
        pliIn: c.pliIn,
        firIn: c.firIn,
        nackIn: c.nackIn,
        keyframePktsOut: c.keyframePktsOut,
      }));
  }

  /** The SFU's receive side of `peerId`'s video producers, per encoding (mediasoup's RtpStreamRecv counters, since the start). */
  async producerStatsOf(peerId: string): Promise<Record<string, unknown>[]> {
    const mine = this.#producers.filter((p) => p.peerId === peerId && !p.producer.closed);
    const stats = await Promise.all(mine.map((p) => p.producer.getStats().catch(() => [])));
    return stats.flat().map((s) => ({
      rid: s.rid ?? '', pkts: s.packetCount, lost: s.packetsLost, repaired: s.packetsRepaired, retransmitted: s.packetsRetransmitted,
      nacks: s.nackCount, nackPkts: s.nackPacketCount, pli: s.pliCount, score: s.score, rtxDiscarded: s.rtxPacketsDiscarded ?? 0, rtt: s.roundTripTime ?? 0,
    }));
  }

  /** PLI/FIR the SFU sent to `peerId`'s video producers and the key frames they sent, this window. */
  upstreamOf(peerId: string): { pliOut: number; firOut: number; keyframePktsIn: number } {
    const mine = this.#producers.filter((p) => p.peerId === peerId && !p.producer.closed);
    return { pliOut: sum(mine.map((p) => p.pliOut)), firOut: sum(mine.map((p) => p.firOut)), keyframePktsIn: sum(mine.map((p) => p.keyframePktsIn)) };
  }
}

export const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
