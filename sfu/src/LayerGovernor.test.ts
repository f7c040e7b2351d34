import { describe, expect, it } from 'vitest';
import { CLIMB_TICKS, HOLD_MS, LayerGovernor, MAX_HOLD_MS, STARVED_TICKS, streamLayers, type GovernedConsumer } from './LayerGovernor.js';

/** A simulcast consumer (three L1T3 streams) whose forwarded layers the test sets, as mediasoup's allocation would. */
function fakeConsumer() {
  const preferred: number[] = [];
  const c = {
    id: 'c1',
    closed: false,
    paused: false,
    currentLayers: { spatialLayer: 2, temporalLayer: 2 } as { spatialLayer: number; temporalLayer?: number } | undefined,
    rtpParameters: { codecs: [], encodings: [{ ssrc: 1, scalabilityMode: 'L3T3' }] },
    setPreferredLayers: (l: { spatialLayer: number }) => {
      preferred.push(l.spatialLayer);
      return Promise.resolve();
    },
  };
  return { c, consumer: c as unknown as GovernedConsumer, preferred };
}

/** A governor on a controlled clock with one fake consumer, ticked a second at a time. */
function harness() {
  const clock = { now: 0 };
  const g = new LayerGovernor({ now: () => clock.now });
  const fake = fakeConsumer();
  /** Advances the clock `ms`, a tick each second. */
  const tickFor = async (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.now += 1000;
      await g.tick();
    }
  };
  /** The 360p layer at a third of its frame rate long enough to be starved; then 180p at full rate. */
  const starve = async () => {
    fake.c.currentLayers = { spatialLayer: 1, temporalLayer: 0 };
    await tickFor(STARVED_TICKS * 1000);
    fake.c.currentLayers = { spatialLayer: 0, temporalLayer: 2 };
  };
  return { ...fake, g, clock, tickFor, starve };
}

describe('LayerGovernor', () => {
  it('reads spatial and temporal layers from the scalability mode', () => {
    expect(streamLayers({ rtpParameters: { codecs: [], encodings: [{ scalabilityMode: 'L3T3' }] } })).toEqual({ spatial: 3, temporal: 3 });
    expect(streamLayers({ rtpParameters: { codecs: [], encodings: [{}] } })).toEqual({ spatial: 1, temporal: 1 });
  });

  it('steps a starved consumer down one spatial layer, and back up once the estimate covers the larger layer', async () => {
    let now = 0;
    const g = new LayerGovernor({ now: () => now });
    const { c, consumer, preferred } = fakeConsumer();
    let bw = { availableBps: 300_000, neededBps: 450_000 };
    const measured: number[] = [];
    g.track(consumer, (toLayer) => {
      measured.push(toLayer);
      return Promise.resolve(bw);
    });
    await g.setWanted('c1', 1); // a mid-size tile
    expect(preferred).toEqual([1]);

    // 300 kbit/s: mediasoup forwards the 360p layer at a third of its frame rate.
    c.currentLayers = { spatialLayer: 1, temporalLayer: 0 };
    for (let i = 0; i < STARVED_TICKS - 1; i++) {
      now += 1000;
      await g.tick();
    }
    expect(preferred).toEqual([1]); // a moment of low frame rate is not starving
    now += 1000;
    await g.tick();
    expect(preferred).toEqual([1, 0]);
    expect(g.cap('c1')).toBe(0);
    expect(g.wanted('c1')).toBe(1); // the publisher is still asked for the layer to climb back to

    // Full frame rate on the small layer; the estimate does not cover the larger one.
    c.currentLayers = { spatialLayer: 0, temporalLayer: 2 };
    now += HOLD_MS;
    await g.tick();
    expect(measured).toEqual([1]);
    expect(preferred).toEqual([1, 0]);

    // The cap lifts: the estimate climbs past the 360p layer with headroom.
    bw = { availableBps: 900_000, neededBps: 450_000 };
    for (let i = 0; i < CLIMB_TICKS - 1; i++) {
      now += 1000;
      await g.tick();
    }
    expect(preferred).toEqual([1, 0]); // one good reading is not enough
    now += 1000;
    await g.tick();
    expect(preferred).toEqual([1, 0, 1]);
    expect(g.cap('c1')).toBeUndefined();
  });

  it('never caps layer 0, a paused consumer, or a consumer at full frame rate', async () => {
    let now = 0;
    const g = new LayerGovernor({ now: () => now });
    const { c, consumer, preferred } = fakeConsumer();
    g.track(consumer, () => Promise.resolve(null));
    c.currentLayers = { spatialLayer: 0, temporalLayer: 0 };
    await g.setWanted('c1', 0);
    for (let i = 0; i < 5; i++) {
      now += 1000;
      await g.tick();
    }
    c.currentLayers = { spatialLayer: 2, temporalLayer: 2 };
    await g.setWanted('c1', 2);
    for (let i = 0; i < 5; i++) {
      now += 1000;
      await g.tick();
    }
    c.paused = true;
    c.currentLayers = { spatialLayer: 2, temporalLayer: 0 };
    for (let i = 0; i < 5; i++) {
      now += 1000;
      await g.tick();
    }
    expect(preferred).toEqual([0, 2]);
  });

  it('a new wish at or below the cap clears it', async () => {
    let now = 0;
    const g = new LayerGovernor({ now: () => now });
    const { c, consumer, preferred } = fakeConsumer();
    g.track(consumer, () => Promise.resolve(null));
    c.currentLayers = { spatialLayer: 2, temporalLayer: 1 };
    for (let i = 0; i < STARVED_TICKS; i++) {
      now += 1000;
      await g.tick();
    }
    expect(g.cap('c1')).toBe(1);
    await g.setWanted('c1', 1); // the tile shrank
    expect(g.cap('c1')).toBeUndefined();
    expect(preferred).toEqual([1, 1]);
  });

  it('a step up that starves again soon doubles the next hold (up to its ceiling): no flapping under a lasting cap', async () => {
    const { c, consumer, preferred, g, clock, tickFor, starve } = harness();
    // An estimate that swings: rich while the small layer runs (a probe), poor once the large one starves.
    const rich = { availableBps: 900_000, neededBps: 450_000 };
    const poor = { availableBps: 300_000, neededBps: 450_000 };
    g.track(consumer, () => Promise.resolve(c.currentLayers?.temporalLayer === 0 ? poor : rich));
    await g.setWanted('c1', 1);
    /** Ticks each second until the governor steps up; returns how long it held. */
    const heldFor = async () => {
      const from = clock.now;
      const n = preferred.length;
      while (preferred.length === n) await tickFor(1000);
      return clock.now - from;
    };
    const extra = (CLIMB_TICKS - 1) * 1000; // the readings after the hold
    const held: number[] = [];
    for (let i = 0; i < 6; i++) {
      await starve(); // each step up fails at once
      held.push((await heldFor()) - extra);
    }
    expect(held).toEqual([HOLD_MS, HOLD_MS * 2, HOLD_MS * 4, HOLD_MS * 8, MAX_HOLD_MS, MAX_HOLD_MS]);
    expect(preferred.filter((l) => l === 0)).toHaveLength(6);
  });

  it('after a failed step up, the estimate must show more headroom', async () => {
    const { c, consumer, preferred, g, tickFor, starve } = harness();
    let bw = { availableBps: 300_000, neededBps: 450_000 };
    g.track(consumer, () => Promise.resolve(c.currentLayers?.temporalLayer === 0 ? { availableBps: 300_000, neededBps: 450_000 } : bw));
    await g.setWanted('c1', 1);
    await starve();
    bw = { availableBps: 540_000, neededBps: 450_000 }; // 1.2x: enough the first time
    await tickFor(HOLD_MS + 1000 * CLIMB_TICKS);
    expect(preferred).toEqual([1, 0, 1]);
    await starve(); // it failed
    await tickFor(60_000);
    expect(preferred).toEqual([1, 0, 1, 0]); // 1.2x is not enough now
    bw = { availableBps: 700_000, neededBps: 450_000 }; // 1.56x
    await tickFor(1000 * CLIMB_TICKS);
    expect(preferred).toEqual([1, 0, 1, 0, 1]);
  });
});
