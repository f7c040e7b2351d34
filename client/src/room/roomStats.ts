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
  /** Video: how frames arrive and are decoded, to explain a stall (all counters since the start). */
  video?: VideoInbound;
}

export interface VideoInbound {
  packetsReceived: number;
  framesReceived: number;
  framesDropped: number;
  keyFramesDecoded: number;
  pliCount: number;
  nackCount: number;
  freezeCount: number;
  frameWidth: number;
}

/** One encoding (simulcast layer) of a video producer, as the browser sends it. */
export interface LayerStats {
  rid: string;
  active: boolean;
  framesEncoded: number;
  frameWidth: number;
  keyFramesEncoded: number;
  pliCount: number;
  qualityLimitationReason: string;
}

export interface ProducerStats {
  producerId: string;
  kind: 'audio' | 'video';
  source: MediaSource;
  paused: boolean;
  closed: boolean;
  trackState: MediaStreamTrackState | 'none';
  bytesSent: number;
  /** Video: each encoding, lowest first. */
  layers?: LayerStats[];
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
  let video: VideoInbound | undefined;
  try {
    const report = await rc.consumer.getStats();
    report.forEach((s: RTCStats) => {
      if (s.type !== 'inbound-rtp') return;
      const r = s as RTCInboundRtpStreamStats;
      bytesReceived += r.bytesReceived ?? 0;
      framesDecoded += r.framesDecoded ?? 0;
      packetsLost += r.packetsLost ?? 0;
      audioEnergy += (r as { totalAudioEnergy?: number }).totalAudioEnergy ?? 0;
      if (rc.kind === 'video') video = videoInbound(r);
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
    ...(video ? { video } : {}),
  };
}

function videoInbound(r: RTCInboundRtpStreamStats): VideoInbound {
  const x = r as RTCInboundRtpStreamStats & { framesReceived?: number; keyFramesDecoded?: number; freezeCount?: number };
  return {
    packetsReceived: x.packetsReceived ?? 0,
    framesReceived: x.framesReceived ?? 0,
    framesDropped: x.framesDropped ?? 0,
    keyFramesDecoded: x.keyFramesDecoded ?? 0,
    pliCount: x.pliCount ?? 0,
    nackCount: x.nackCount ?? 0,
    freezeCount: x.freezeCount ?? 0,
    frameWidth: x.frameWidth ?? 0,
  };
}

async function producerStats(p: types.Producer): Promise<ProducerStats> {
  let bytesSent = 0;
  const layers: LayerStats[] = [];
  try {
    const report = await p.getStats();
    report.forEach((s: RTCStats) => {
      if (s.type !== 'outbound-rtp') return;
      const o = s as RTCOutboundRtpStreamStats & { rid?: string; active?: boolean; keyFramesEncoded?: number; qualityLimitationReason?: string };
      bytesSent += o.bytesSent ?? 0;
      if (p.kind === 'video') {
        layers.push({
          rid: o.rid ?? '',
          active: o.active ?? true,
          framesEncoded: o.framesEncoded ?? 0,
          frameWidth: o.frameWidth ?? 0,
          keyFramesEncoded: o.keyFramesEncoded ?? 0,
          pliCount: o.pliCount ?? 0,
          qualityLimitationReason: o.qualityLimitationReason ?? 'none',
        });
      }
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
    ...(p.kind === 'video' ? { layers: layers.sort((a, b) => a.rid.localeCompare(b.rid)) } : {}),
  };
}

export async function collectStats(input: StatsInput): Promise<RoomStats> {
  const [consumers, producers] = await Promise.all([
    Promise.all(input.consumers.map((rc) => consumerStats(rc, input.producerPaused))),
    Promise.all(input.producers.map(producerStats)),
  ]);
  return { peerId: input.peerId, phase: input.phase, consumers, producers };
}
