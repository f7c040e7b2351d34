import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuNode } from './SfuNode.js';
import { LISTEN_IP, RTC_PORTS, testLogger, testPortBase } from './test/helpers.js';

describe('SfuNode workerStats', () => {
  let node: SfuNode;
  const portBase = testPortBase();
  beforeAll(async () => {
    node = await SfuNode.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase, logger: testLogger(), ...RTC_PORTS });
  });
  afterAll(() => node.close());

  it('SfuNode workerStats counts rooms and peers on the worker that hosts them, and CPU time per worker', async () => {
    const idle = await node.workerStats();
    expect(idle.map((w) => [w.index, w.rooms, w.peers, w.producers, w.consumers])).toEqual([
      [0, 0, 0, 0, 0],
      [1, 0, 0, 0, 0],
    ]);
    await node.ensureRoom({ roomId: 'r', maxPeers: 5 });
    await node.addPeer({ roomId: 'r', peerId: 'a' });
    await node.addPeer({ roomId: 'r', peerId: 'b' });
    const { workerIndex } = await node.getStats({ roomId: 'r' });
    const stats = await node.workerStats();
    const host = stats.find((w) => w.index === workerIndex);
    const other = stats.find((w) => w.index !== workerIndex);
    expect(host).toMatchObject({ rooms: 1, peers: 2, producers: 0, consumers: 0 });
    expect(other).toMatchObject({ rooms: 0, peers: 0 });
    for (const w of stats) {
      expect(w.pid).toBeGreaterThan(0);
      // A started worker has used some CPU, and far less than a minute of it.
      expect(w.cpu!.userSeconds + w.cpu!.systemSeconds).toBeGreaterThan(0);
      expect(w.cpu!.userSeconds).toBeLessThan(60);
    }
  });

  it('SfuNode workers send through io_uring where the kernel allows it, and not when told not to', async () => {
    // The project's worker build compiles io_uring in on Linux >= 6 (scripts/worker); a kernel
    // with io_uring disabled (kernel.io_uring_disabled) makes the worker fall back by itself.
    const sysctl = '/proc/sys/kernel/io_uring_disabled';
    const kernelAllows = Number(release().split('.')[0]) >= 6 && (!existsSync(sysctl) || readFileSync(sysctl, 'utf8').trim() === '0');
    const stats = await node.workerStats();
    if (kernelAllows && process.env.CI) expect(stats.map((w) => w.ioUring)).toEqual([true, true]);
    else for (const w of stats) expect(typeof w.ioUring).toBe('boolean');

    const off = await SfuNode.create({ numWorkers: 1, ioUring: false, listenIp: LISTEN_IP, portBase: portBase + 5, logger: testLogger(), ...RTC_PORTS });
    try {
      expect((await off.workerStats()).map((w) => w.ioUring)).toEqual([false]);
    } finally {
      await off.close();
    }
  });
});
