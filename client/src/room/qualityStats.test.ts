import { describe, expect, it } from 'vitest';
import { downlinkSample, inboundSample, outboundSample, readInbound, type StatsReport } from './qualityStats.js';

const report = (...stats: Record<string, unknown>[]): StatsReport => new Map(stats.map((s, i) => [typeof s.id === 'string' ? s.id : String(i), s as unknown as RTCStats]));

const inbound = (packetsReceived: number, packetsLost: number, framesDecoded: number, freeze: number) => ({
  type: 'inbound-rtp',
  kind: 'video',
  packetsReceived,
  packetsLost,
  framesDecoded,
  totalFreezesDuration: freeze,
});
const pair = { id: 'cp1', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.08 };

describe('qualityStats', () => {
  it('readInbound sums the receiver counters and takes the selected pair’s RTT', () => {
    const r = readInbound(report(inbound(1000, 10, 200, 0.5), pair, { id: 't', type: 'transport', selectedCandidatePairId: 'cp1' }), 5000);
    expect(r).toEqual({ at: 5000, packetsReceived: 1000, packetsLost: 10, framesDecoded: 200, freezeSeconds: 0.5, rttMs: 80 });
    expect(readInbound(report(inbound(1, 0, 0, 0)), 0).rttMs).toBeUndefined();
  });

  it('inboundSample gives loss, frame rate and frozen share over the window', () => {
    const prev = readInbound(report(inbound(1000, 0, 100, 0), pair), 0);
    const cur = readInbound(report(inbound(1190, 10, 120, 0.4), pair), 2000);
    const s = inboundSample(prev, cur, true);
    expect(s.lossPercent).toBe(5);
    expect(s.fps).toBe(10);
    expect(s.freezeRatio).toBeCloseTo(0.2);
    expect(s.rttMs).toBe(80);
    // Audio: no frame rate; a window without packets says nothing of loss.
    expect(inboundSample(prev, prev, false)).toEqual({ rttMs: 80 });
  });

  it('downlinkSample takes loss over all consumers together and the highest RTT', () => {
    const w = (lost: number, received: number, rttMs?: number) => ({
      prev: { at: 0, packetsLost: 0, packetsReceived: 0, framesDecoded: 0, freezeSeconds: 0, rttMs },
      cur: { at: 2000, packetsLost: lost, packetsReceived: received, framesDecoded: 0, freezeSeconds: 0, rttMs },
    });
    expect(downlinkSample([w(10, 90, 50), w(0, 100, 120)])).toEqual({ lossPercent: 5, rttMs: 120 });
    expect(downlinkSample([])).toEqual({ lossPercent: undefined, rttMs: undefined });
  });

  it('outboundSample reads the SFU’s receiver reports and the encoder’s bandwidth limit', () => {
    const s = outboundSample(
      report(
        { type: 'remote-inbound-rtp', fractionLost: 0.01, roundTripTime: 0.05 },
        { type: 'remote-inbound-rtp', fractionLost: 0.0625, roundTripTime: 0.2 },
        { type: 'outbound-rtp', qualityLimitationReason: 'bandwidth' },
      ),
    );
    expect(s).toEqual({ lossPercent: 6.25, rttMs: 200, bandwidthLimited: true });
    expect(outboundSample(report({ type: 'outbound-rtp', qualityLimitationReason: 'cpu' }))).toEqual({ lossPercent: undefined, rttMs: undefined, bandwidthLimited: false });
  });
});
