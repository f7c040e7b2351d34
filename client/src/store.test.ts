import { describe, expect, it } from 'vitest';
import { liveSnapshot } from './store.js';

describe('liveSnapshot', () => {
  it('applies an answer that no live change raced', async () => {
    const applied: number[] = [];
    const s = liveSnapshot(() => Promise.resolve(1), (v) => applied.push(v));
    await s.load();
    expect(applied).toEqual([1]);
  });

  it('reads again instead of applying an answer that a live change raced', async () => {
    const applied: number[] = [];
    let reads = 0;
    const s = liveSnapshot(
      async () => {
        reads++;
        // The first read is in flight when the live event arrives.
        if (reads === 1) s.changed();
        return reads;
      },
      (v) => applied.push(v),
    );
    await s.load();
    expect(applied).toEqual([2]);
  });

  it('gives up re-reading after its tries and applies the last answer', async () => {
    const applied: number[] = [];
    let reads = 0;
    const s = liveSnapshot(
      async () => {
        s.changed();
        return ++reads;
      },
      (v) => applied.push(v),
      3,
    );
    await s.load();
    expect(applied).toEqual([3]);
  });
});
