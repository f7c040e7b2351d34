import { describe, expect, it } from 'vitest';
import { coveredMs, effectiveSpan, headCount, peak, unionSpans } from './intervals.js';

const T = Date.parse('2026-01-05T10:00:00Z');
const min = (n: number) => T + n * 60_000;
const span = (a: number, b: number) => ({ start: min(a), end: min(b) });

describe('attendance intervals', () => {
  it('union merges overlapping spans once (two tabs never count twice)', () => {
    const u = unionSpans([span(0, 30), span(10, 20), span(25, 40)]);
    expect(u).toEqual([span(0, 40)]);
    expect(coveredMs(u)).toBe(40 * 60_000);
  });

  it('union keeps gaps between a leave and a return', () => {
    const u = unionSpans([span(40, 50), span(0, 30)]);
    expect(u).toEqual([span(0, 30), span(40, 50)]);
    expect(coveredMs([span(0, 30), span(40, 50)])).toBe(40 * 60_000);
  });

  it('union joins a reconnect that starts exactly when the previous connection ended', () => {
    expect(unionSpans([span(0, 10), span(10, 20)])).toEqual([span(0, 20)]);
  });

  it('union drops empty spans and handles nested and identical ones', () => {
    expect(unionSpans([span(5, 5), span(0, 60), span(10, 20), span(0, 60)])).toEqual([span(0, 60)]);
    expect(unionSpans([])).toEqual([]);
    expect(coveredMs([span(3, 3)])).toBe(0);
  });

  it('an open live connection ends now; a stale one ends when it was last seen', () => {
    const open = { joinedAt: new Date(min(0)), leftAt: null, lastSeenAt: new Date(min(9)) };
    const alive = effectiveSpan(open, { now: min(10), staleMs: 60_000 * 5, endedAt: null });
    expect(alive).toEqual(span(0, 10));
    const dead = effectiveSpan(open, { now: min(30), staleMs: 60_000 * 5, endedAt: null });
    expect(dead).toEqual(span(0, 9));
  });

  it('nothing counts after the session ended, and an interval never ends before it began', () => {
    const late = { joinedAt: new Date(min(0)), leftAt: new Date(min(90)), lastSeenAt: new Date(min(90)) };
    expect(effectiveSpan(late, { now: min(100), staleMs: 60_000, endedAt: min(60) })).toEqual(span(0, 60));
    const afterEnd = { joinedAt: new Date(min(70)), leftAt: new Date(min(75)), lastSeenAt: new Date(min(75)) };
    expect(effectiveSpan(afterEnd, { now: min(100), staleMs: 60_000, endedAt: min(60) })).toEqual(span(70, 70));
  });

  it('head count counts people, not connections', () => {
    const alice = [span(0, 30), span(10, 20), span(40, 50)];
    const bob = [span(5, 45)];
    const points = headCount([alice, bob]);
    expect(points.map((p) => [(p.at - T) / 60_000, p.count])).toEqual([
      [0, 1],
      [5, 2],
      [30, 1],
      [40, 2],
      [45, 1],
      [50, 0],
    ]);
    expect(peak(points)).toBe(2);
  });

  it('head count does not blip when one person hands over to another at the same instant', () => {
    const points = headCount([[span(0, 10)], [span(10, 20)]]);
    expect(points.map((p) => p.count)).toEqual([1, 0]);
    expect(points.map((p) => (p.at - T) / 60_000)).toEqual([0, 20]);
  });
});
