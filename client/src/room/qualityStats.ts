// From getStats() reports to the classifier's figures (quality.ts): pure functions. The
// receiving side needs two readings (counters grow; the window is their difference); the
// sending side reads figures that are already per report interval (remote-inbound-rtp's
// fractionLost, roundTripTime).
import type { QualitySample } from './quality.js';

/** What a report is used for here: RTCStatsReport, or a Map in tests. */
export interface StatsReport {
  forEach(cb: (s: RTCStats) => void): void;
}

/** One reading of a consumer's receiver counters. */
export interface InboundReading {
  at: number;
  packetsLost: number;
  packetsReceived: number;
  framesDecoded: number;
  /** totalFreezesDuration, seconds (Chromium; 0 elsewhere). */
  freezeSeconds: number;
  /** The selected candidate pair's current RTT, ms; undefined when not reported. */
  rttMs: number | undefined;
}

type CandidatePair = RTCStats & { nominated?: boolean; state?: string; currentRoundTripTime?: number };
type Transport = RTCStats & { selectedCandidatePairId?: string };
type Inbound = RTCInboundRtpStreamStats & { totalFreezesDuration?: number };
type RemoteInbound = RTCStats & { fractionLost?: number; roundTripTime?: number };
type Outbound = RTCStats & { qualityLimitationReason?: string };

function selectedPairRtt(pairs: Map<string, CandidatePair>, selectedId: string | undefined): number | undefined {
  const chosen = (selectedId ? pairs.get(selectedId) : undefined) ?? [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
  const rtt = chosen?.currentRoundTripTime;
  return typeof rtt === 'number' ? rtt * 1000 : undefined;
}

export function readInbound(report: StatsReport, at: number): InboundReading {
  const r: InboundReading = { at, packetsLost: 0, packetsReceived: 0, framesDecoded: 0, freezeSeconds: 0, rttMs: undefined };
  const pairs = new Map<string, CandidatePair>();
  let selected: string | undefined;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp') {
      const i = s as Inbound;
      r.packetsLost += i.packetsLost ?? 0;
      r.packetsReceived += i.packetsReceived ?? 0;
      r.framesDecoded += i.framesDecoded ?? 0;
      r.freezeSeconds += i.totalFreezesDuration ?? 0;
    } else if (s.type === 'candidate-pair') {
      pairs.set(s.id, s);
    } else if (s.type === 'transport') {
      selected = (s as Transport).selectedCandidatePairId ?? selected;
    }
  });
  r.rttMs = selectedPairRtt(pairs, selected);
  return r;
}

/**
 * The figures of the window between two readings of one consumer. `video` adds frame rate
 * and freezes; a window with no packets at all says nothing of loss (the sender may be quiet).
 */
export function inboundSample(prev: InboundReading, cur: InboundReading, video: boolean): QualitySample {
  const seconds = (cur.at - prev.at) / 1000;
  const lost = Math.max(0, cur.packetsLost - prev.packetsLost);
  const received = Math.max(0, cur.packetsReceived - prev.packetsReceived);
  const sample: QualitySample = { rttMs: cur.rttMs };
  if (lost + received > 0) sample.lossPercent = (100 * lost) / (lost + received);
  if (video && seconds > 0) {
    sample.fps = Math.max(0, cur.framesDecoded - prev.framesDecoded) / seconds;
    sample.freezeRatio = Math.min(1, Math.max(0, cur.freezeSeconds - prev.freezeSeconds) / seconds);
  }
  return sample;
}

/** Loss and RTT of several consumers' windows taken together: how our own downlink fares. */
export function downlinkSample(windows: { prev: InboundReading; cur: InboundReading }[]): QualitySample {
  let lost = 0;
  let received = 0;
  let rttMs: number | undefined;
  for (const { prev, cur } of windows) {
    lost += Math.max(0, cur.packetsLost - prev.packetsLost);
    received += Math.max(0, cur.packetsReceived - prev.packetsReceived);
    if (cur.rttMs !== undefined) rttMs = Math.max(rttMs ?? 0, cur.rttMs);
  }
  return { rttMs, lossPercent: lost + received > 0 ? (100 * lost) / (lost + received) : undefined };
}

/** The sending side of one producer: what the SFU's receiver reports back, and the encoder's limit. */
export function outboundSample(report: StatsReport): QualitySample {
  let loss: number | undefined;
  let rtt: number | undefined;
  let limited = false;
  report.forEach((s) => {
    if (s.type === 'remote-inbound-rtp') {
      const r = s as RemoteInbound;
      if (typeof r.fractionLost === 'number') loss = Math.max(loss ?? 0, r.fractionLost * 100);
      if (typeof r.roundTripTime === 'number') rtt = Math.max(rtt ?? 0, r.roundTripTime * 1000);
    } else if (s.type === 'outbound-rtp' && (s as Outbound).qualityLimitationReason === 'bandwidth') {
      limited = true;
    }
  });
  return { lossPercent: loss, rttMs: rtt, bandwidthLimited: limited };
}
