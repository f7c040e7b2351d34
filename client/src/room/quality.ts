// Connection quality, from what WebRTC statistics say over a short window: a pure
// classifier (one window's figures -> good / fair / poor) and a tracker with hysteresis
// (a level gets worse at once, better only after it has stayed better for a while), so
// an indicator does not flicker between two readings.
import type { QualityLevel } from '@lectern/server/protocol';

export type { QualityLevel };

/**
 * One window's figures; a figure that is not known (no packets, no video) is left out.
 * Receiving side: `lossPercent` from inbound-rtp packetsLost/packetsReceived deltas,
 * `rttMs` from the selected candidate pair, `fps` from framesDecoded, `freezeRatio` from
 * totalFreezesDuration over the window. Sending side: `lossPercent` from remote-inbound-rtp
 * fractionLost, `rttMs` from its roundTripTime, `bandwidthLimited` from outbound-rtp
 * qualityLimitationReason 'bandwidth'.
 */
export interface QualitySample {
  lossPercent?: number | undefined;
  rttMs?: number | undefined;
  fps?: number | undefined;
  /** Share of the window the video was frozen, 0..1. */
  freezeRatio?: number | undefined;
  bandwidthLimited?: boolean | undefined;
}

/**
 * Where each figure turns fair and poor. Loss: NACK and retransmission hide 2% well, at 5%
 * video starts to freeze (issue 18's measurements). RTT: conversation gets awkward past
 * 300 ms, hard past 600 ms. Frame rate: the fake and real cameras send 20-30 fps; under 12
 * is visibly choppy, under 5 a slide show. Freezes: 5% of the window frozen is noticed,
 * 20% is broken. A sender held back by bandwidth is at best fair.
 */
export const THRESHOLDS = {
  lossPercent: { fair: 2, poor: 5 },
  rttMs: { fair: 300, poor: 600 },
  fps: { fair: 12, poor: 5 },
  freezeRatio: { fair: 0.05, poor: 0.2 },
} as const;

/** How long a better level must hold before the indicator shows it. */
export const RECOVER_MS = 6000;

const RANK: Record<QualityLevel, number> = { good: 0, fair: 1, poor: 2 };
const BY_RANK: readonly QualityLevel[] = ['good', 'fair', 'poor'];

export const worse = (a: QualityLevel, b: QualityLevel): QualityLevel => (RANK[a] >= RANK[b] ? a : b);

/** Higher is worse (loss, RTT, freezes). */
function above(value: number | undefined, t: { fair: number; poor: number }): QualityLevel {
  if (value === undefined || !Number.isFinite(value)) return 'good';
  return value >= t.poor ? 'poor' : value >= t.fair ? 'fair' : 'good';
}

/** Lower is worse (frame rate). */
function below(value: number | undefined, t: { fair: number; poor: number }): QualityLevel {
  if (value === undefined || !Number.isFinite(value)) return 'good';
  return value < t.poor ? 'poor' : value < t.fair ? 'fair' : 'good';
}

/** The level one window's figures say: the worst of what each figure says. */
export function classify(s: QualitySample): QualityLevel {
  const levels: QualityLevel[] = [
    above(s.lossPercent, THRESHOLDS.lossPercent),
    above(s.rttMs, THRESHOLDS.rttMs),
    below(s.fps, THRESHOLDS.fps),
    above(s.freezeRatio, THRESHOLDS.freezeRatio),
    s.bandwidthLimited ? 'fair' : 'good',
  ];
  return levels.reduce(worse);
}

/**
 * The level shown, with hysteresis: a worse reading shows at once; better readings show
 * only once they have lasted `recoverMs`, and then at the worst level seen meanwhile.
 */
export class QualityTracker {
  readonly #recoverMs: number;
  #level: QualityLevel | null = null;
  #betterSince: number | null = null;
  #betterLevel: QualityLevel = 'good';

  constructor(recoverMs = RECOVER_MS) {
    this.#recoverMs = recoverMs;
  }

  /** The level shown now; null before the first reading. */
  get level(): QualityLevel | null {
    return this.#level;
  }

  /** Takes one reading at `now` (ms) and returns the level shown. */
  push(reading: QualityLevel, now: number): QualityLevel {
    const current = this.#level;
    if (current === null || RANK[reading] >= RANK[current]) {
      this.#level = reading;
      this.#betterSince = null;
      return reading;
    }
    if (this.#betterSince === null) {
      this.#betterSince = now;
      this.#betterLevel = reading;
    } else {
      this.#betterLevel = BY_RANK[Math.max(RANK[this.#betterLevel], RANK[reading])] ?? current;
    }
    if (now - this.#betterSince < this.#recoverMs) return current;
    this.#level = this.#betterLevel;
    this.#betterSince = null;
    return this.#betterLevel;
  }

  reset(): void {
    this.#level = null;
    this.#betterSince = null;
  }
}

/** Words for an indicator (never color alone). */
export const QUALITY_TEXT: Record<QualityLevel, string> = {
  good: 'Good connection',
  fair: 'Unstable connection',
  poor: 'Poor connection',
};
