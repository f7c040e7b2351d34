// window.__lectern.stats(): what this browser receives and sends, from getStats().
import type { MediaSource } from '@lectern/server/protocol';
import type { types } from 'mediasoup-client';
import type { RemoteConsumer } from './RoomMedia.js';
import type { RoomPhase } from './roomTypes.js';

export interface ConsumerStats {
  consumerId: string;
  producerId: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  bytesReceived: number;
  framesDecoded: number;
  packetsLost: number;
  /** Audio: the decoded signal's energy so far (totalAudioEnergy): rises only while something is heard. */
  audioEnergy: number;
}

export interface ProducerStats {
  producerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  closed: boolean;
  trackState: MediaStreamTrackState | 'none';
  bytesSent: number;
}

export interface RoomStats {
  peerId: string | null;
  phase: RoomPhase;
  consumers: ConsumerStats[];
  producers: ProducerStats[];
}

export interface StatsInput {
  peerId: string | null;
  phase: RoomPhase;
  consumers: RemoteConsumer[];
  producers: types.Producer[];
  producerPaused: (peerId: string, producerId: string) => boolean;
}

async function consumerStats(rc: RemoteConsumer, producerPaused: StatsInput['producerPaused']): Promise<ConsumerStats> {
  let bytesReceived = 0;
  let framesDecoded = 0;
  let packetsLost = 0;
  let audioEnergy = 0;
  try {
    const report = await rc.consumer.getStats();
    report.forEach((s: RTCStats) => {
      if (s.type !== 'inbound-rtp') return;
      const r = s as RTCInboundRtpStreamStats;
      bytesReceived += r.bytesReceived ?? 0;
      framesDecoded += r.framesDecoded ?? 0;
      packetsLost += r.packetsLost ?? 0;
      audioEnergy += (r as { totalAudioEnergy?: number }).totalAudioEnergy ?? 0;
    });
  } catch {
    // A consumer closing under us: report zeros.
  }
  return {
    consumerId: rc.consumer.id,
    producerId: rc.producerId,
    peerId: rc.peerId,
    kind: rc.kind,
    source: rc.source,
    paused: rc.consumer.paused || producerPaused(rc.peerId, rc.producerId),
    bytesReceived,
    framesDecoded,
    packetsLost,
    audioEnergy,
  };
}

async function producerStats(p: types.Producer): Promise<ProducerStats> {
  let bytesSent = 0;
  try {
    const report = await p.getStats();
    report.forEach((s: RTCStats) => {
      if (s.type === 'outbound-rtp') bytesSent += (s as RTCOutboundRtpStreamStats).bytesSent ?? 0;
    });
  } catch {
    // Closed producer.
  }
  return {
    producerId: p.id,
    kind: p.kind,
    source: (p.appData as { source: MediaSource }).source,
    paused: p.paused,
    closed: p.closed,
    trackState: p.track?.readyState ?? 'none',
    bytesSent,
  };
}

export async function collectStats(input: StatsInput): Promise<RoomStats> {
  const [consumers, producers] = await Promise.all([
    Promise.all(input.consumers.map((rc) => consumerStats(rc, input.producerPaused))),
    Promise.all(input.producers.map(producerStats)),
  ]);
  return { peerId: input.peerId, phase: input.phase, consumers, producers };
}
