import type { types } from 'mediasoup-client';
import { describe, expect, it } from 'vitest';
import { ConnectionQuality } from './ConnectionQuality.js';
import { RECOVER_MS } from './quality.js';
import type { RemoteConsumer } from './RoomMedia.js';
import type { Signaling } from './Signaling.js';

/** A signaling stub: records requests, lets the test fire notifications. */
function fakeSig() {
  const handlers = new Map<string, (p: unknown) => void>();
  const sent: { name: string; payload: unknown }[] = [];
  const sig = {
    on: (name: string, fn: (p: unknown) => void) => handlers.set(name, fn),
    request: (name: string, payload: unknown) => {
      sent.push({ name, payload });
      return Promise.resolve({});
    },
  } as unknown as Signaling;
  return { sig, sent, fire: (name: string, p: unknown) => handlers.get(name)?.(p) };
}

/** A producer whose SFU receiver reports `loss` (a fraction). */
function producer(id: string, loss: { value: number }): types.Producer {
  return {
    id,
    closed: false,
    paused: false,
    getStats: () => Promise.resolve(new Map([['r', { type: 'remote-inbound-rtp', fractionLost: loss.value, roundTripTime: 0.03 }]])),
  } as unknown as types.Producer;
}

/** A video consumer of `peerId` whose counters move by `step` each reading. */
function consumer(peerId: string, step: { received: number; lost: number; frames: number }): RemoteConsumer {
  const c = { packetsReceived: 0, packetsLost: 0, framesDecoded: 0 };
  return {
    peerId,
    producerId: `${peerId}-cam`,
    kind: 'video',
    source: 'webcam',
    type: 'simulcast',
    consumer: {
      id: `${peerId}-consumer`,
      closed: false,
      paused: false,
      getStats: () => {
        c.packetsReceived += step.received;
        c.packetsLost += step.lost;
        c.framesDecoded += step.frames;
        return Promise.resolve(new Map([['i', { type: 'inbound-rtp', kind: 'video', ...c, totalFreezesDuration: 0 }]]));
      },
    } as unknown as types.Consumer,
  };
}

function setup() {
  let now = 0;
  const { sig, sent, fire } = fakeSig();
  const loss = { value: 0 };
  const bob = { received: 200, lost: 0, frames: 50 };
  let changes = 0;
  const bobCamera = consumer('bob', bob);
  const mic = producer('mic', loss);
  const q = new ConnectionQuality(sig, {
    consumers: () => [bobCamera],
    producers: () => [mic],
    producerPaused: () => false,
    joined: () => true,
    onChange: () => changes++,
    now: () => now,
  });
  const tick = async (ms = 2000) => {
    now += ms;
    await q.sample();
  };
  return { q, sent, fire, loss, bob, tick, changes: () => changes };
}

const reports = (sent: { name: string; payload: unknown }[]) => sent.filter((s) => s.name === 'reportQuality').map((s) => s.payload);

describe('ConnectionQuality', () => {
  it('ConnectionQuality rates each peer from what we receive, and our own link from what we send', async () => {
    const t = setup();
    t.q.joined();
    await t.tick();
    expect(t.q.peer('bob')).toBeNull(); // one reading: no window yet
    await t.tick();
    expect(t.q.peer('bob')).toBe('good');
    expect(t.q.own).toBe('good');
    t.bob.lost = 20; // about 9% lost
    t.bob.frames = 6; // 3 fps
    await t.tick();
    expect(t.q.peer('bob')).toBe('poor');
    expect(t.changes()).toBeGreaterThan(0);
  });

  it('ConnectionQuality reports our level to the server on change only, and better only after the hysteresis', async () => {
    const t = setup();
    t.q.joined();
    await t.tick();
    await t.tick();
    expect(reports(t.sent)).toEqual([]); // good is what the server assumes
    t.loss.value = 0.08;
    await t.tick();
    expect(t.q.own).toBe('poor');
    await t.tick();
    expect(reports(t.sent)).toEqual([{ level: 'poor' }]);
    t.loss.value = 0;
    await t.tick();
    expect(t.q.own).toBe('poor');
    for (let ms = 0; ms <= RECOVER_MS; ms += 2000) await t.tick();
    expect(t.q.own).toBe('good');
    expect(reports(t.sent)).toEqual([{ level: 'poor' }, { level: 'good' }]);
  });

  it('ConnectionQuality tells a new join the level again when it was not good', async () => {
    const t = setup();
    t.q.joined();
    t.loss.value = 0.08;
    await t.tick();
    expect(reports(t.sent)).toEqual([{ level: 'poor' }]);
    t.q.joined(); // a reconnect: a new socket
    await Promise.resolve();
    expect(reports(t.sent)).toEqual([{ level: 'poor' }, { level: 'poor' }]);
  });

  it('ConnectionQuality keeps what hosts are told of each peer, and forgets who left', () => {
    const t = setup();
    t.fire('peerQuality', { peerId: 'carol', level: 'fair' });
    expect(t.q.reported('carol')).toBe('fair');
    t.fire('peerLeft', { peerId: 'carol' });
    expect(t.q.reported('carol')).toBeNull();
    // A new socket starts afresh: the join tells hosts again.
    t.fire('peerQuality', { peerId: 'dan', level: 'poor' });
    t.fire('welcome', {});
    expect(t.q.reported('dan')).toBeNull();
  });
});
