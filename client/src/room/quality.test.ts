import { describe, expect, it } from 'vitest';
import { classify, QualityTracker, RECOVER_MS, worse } from './quality.js';

describe('classify', () => {
  it('classify calls a clean window good, and unknown figures good', () => {
    expect(classify({})).toBe('good');
    expect(classify({ lossPercent: 0.5, rttMs: 40, fps: 25, freezeRatio: 0 })).toBe('good');
    expect(classify({ lossPercent: Number.NaN, fps: undefined })).toBe('good');
  });

  it('classify follows loss: fair from 2%, poor from 5%', () => {
    expect(classify({ lossPercent: 1.9 })).toBe('good');
    expect(classify({ lossPercent: 2 })).toBe('fair');
    expect(classify({ lossPercent: 4.9 })).toBe('fair');
    expect(classify({ lossPercent: 5 })).toBe('poor');
  });

  it('classify follows RTT: fair from 300 ms, poor from 600 ms', () => {
    expect(classify({ rttMs: 299 })).toBe('good');
    expect(classify({ rttMs: 300 })).toBe('fair');
    expect(classify({ rttMs: 600 })).toBe('poor');
  });

  it('classify follows frame rate and freezes', () => {
    expect(classify({ fps: 12 })).toBe('good');
    expect(classify({ fps: 11 })).toBe('fair');
    expect(classify({ fps: 4 })).toBe('poor');
    expect(classify({ freezeRatio: 0.04 })).toBe('good');
    expect(classify({ freezeRatio: 0.05 })).toBe('fair');
    expect(classify({ freezeRatio: 0.5 })).toBe('poor');
  });

  it('classify calls a bandwidth-limited sender fair at best, and takes the worst figure', () => {
    expect(classify({ bandwidthLimited: true })).toBe('fair');
    expect(classify({ bandwidthLimited: true, lossPercent: 8 })).toBe('poor');
    expect(classify({ lossPercent: 0, rttMs: 700, fps: 30 })).toBe('poor');
  });

  it('worse picks the worse of two levels', () => {
    expect(worse('good', 'fair')).toBe('fair');
    expect(worse('poor', 'fair')).toBe('poor');
    expect(worse('good', 'good')).toBe('good');
  });
});

describe('QualityTracker', () => {
  it('QualityTracker shows nothing before the first reading, then that reading', () => {
    const t = new QualityTracker();
    expect(t.level).toBeNull();
    expect(t.push('fair', 0)).toBe('fair');
  });

  it('QualityTracker gets worse at once', () => {
    const t = new QualityTracker();
    t.push('good', 0);
    expect(t.push('poor', 2000)).toBe('poor');
  });

  it('QualityTracker gets better only after better readings last RECOVER_MS', () => {
    const t = new QualityTracker();
    t.push('poor', 0);
    expect(t.push('good', 2000)).toBe('poor');
    expect(t.push('good', 2000 + RECOVER_MS - 1)).toBe('poor');
    expect(t.push('good', 2000 + RECOVER_MS)).toBe('good');
  });

  it('QualityTracker does not flicker when readings alternate', () => {
    const t = new QualityTracker();
    const shown = [];
    for (let i = 0; i < 20; i++) shown.push(t.push(i % 2 === 0 ? 'poor' : 'good', i * 2000));
    expect(new Set(shown)).toEqual(new Set(['poor']));
  });

  it('QualityTracker recovers to the worst level seen while recovering', () => {
    const t = new QualityTracker(4000);
    t.push('poor', 0);
    t.push('good', 1000);
    t.push('fair', 3000);
    expect(t.push('good', 5000)).toBe('fair');
    // Fair is now shown; good must again last 4 s.
    expect(t.push('good', 7000)).toBe('fair');
    expect(t.push('good', 11_000)).toBe('good');
  });

  it('QualityTracker forgets on reset', () => {
    const t = new QualityTracker();
    t.push('poor', 0);
    t.reset();
    expect(t.level).toBeNull();
    expect(t.push('good', 1)).toBe('good');
  });
});
