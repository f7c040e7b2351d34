import { createSocket } from 'node:dgram';
import { Writable } from 'node:stream';
import * as mediasoup from 'mediasoup';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MEDIA_CODECS } from './codecs.js';
import { SfuError } from './SfuError.js';
import { WorkerPool } from './WorkerPool.js';
import { LISTEN_IP, RTC_PORTS, isAlive, nextEvent, testLogger, testPortBase, waitFor } from './test/helpers.js';

async function webRtcServerPorts(pool: WorkerPool, index: number): Promise<{ udp: number[]; tcp: number[] }> {
  const dump = await pool.worker(index)!.webRtcServer.dump();
  return { udp: dump.udpSockets.map((s) => s.port), tcp: dump.tcpServers.map((s) => s.port) };
}

describe('WorkerPool', () => {
  let pool: WorkerPool | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('WorkerPool creates one worker per slot, each with a WebRtcServer on portBase + index', async () => {
    const portBase = testPortBase();
    pool = await WorkerPool.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase, logger: testLogger(), ...RTC_PORTS });
    const workers = pool.workers();
    expect(workers.map((w) => w.index)).toEqual([0, 1]);
    expect(new Set(workers.map((w) => w.pid)).size).toBe(2);
    expect(workers.every((w) => isAlive(w.pid))).toBe(true);
    expect(await webRtcServerPorts(pool, 0)).toEqual({ udp: [portBase], tcp: [portBase] });
    expect(await webRtcServerPorts(pool, 1)).toEqual({ udp: [portBase + 1], tcp: [portBase + 1] });

    // The port is really bound by the worker.
    const probe = createSocket('udp4');
    const bindError = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      probe.once('error', resolve);
      probe.bind(portBase + 1, LISTEN_IP, () => resolve(undefined));
    });
    probe.close();
    expect(bindError?.code).toBe('EADDRINUSE');
  });

  it('WorkerPool leastLoaded picks the worker with the fewest consumers', async () => {
    pool = await WorkerPool.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
    // With no consumers anywhere, rooms spread by room count.
    const a = await pool.createRouter('room-a', MEDIA_CODECS);
    const b = await pool.createRouter('room-b', MEDIA_CODECS);
    expect(new Set([a.workerIndex, b.workerIndex])).toEqual(new Set([0, 1]));

    for (let i = 0; i < 3; i++) a.countConsumer(1);
    expect(pool.leastLoaded().index).toBe(b.workerIndex);
    const c = await pool.createRouter('room-c', MEDIA_CODECS);
    expect(c.workerIndex).toBe(b.workerIndex);

    for (let i = 0; i < 5; i++) b.countConsumer(1);
    expect(pool.leastLoaded().index).toBe(a.workerIndex);
    for (let i = 0; i < 5; i++) b.countConsumer(-1);
    expect(pool.leastLoaded().index).toBe(b.workerIndex);
    expect(pool.worker(a.workerIndex)!.consumers).toBe(3);
  });

  it('WorkerPool replaces a dead worker with a new process on the same port', async () => {
    const portBase = testPortBase();
    pool = await WorkerPool.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase, logger: testLogger(), ...RTC_PORTS });
    const lease = await pool.createRouter('doomed', MEDIA_CODECS);
    const victim = pool.worker(lease.workerIndex)!;
    const survivor = pool.worker(1 - lease.workerIndex)!;
    const oldPid = victim.pid;

    const died = nextEvent(pool, 'workerDied');
    const replaced = nextEvent(pool, 'workerReplaced');
    process.kill(oldPid, 'SIGKILL');

    const [deathEvent] = await died;
    expect(deathEvent).toEqual({ workerIndex: lease.workerIndex, roomIds: ['doomed'] });
    expect(lease.router.closed).toBe(true);
    const [replacedEvent] = await replaced;
    expect(replacedEvent.workerIndex).toBe(lease.workerIndex);
    expect(replacedEvent.pid).not.toBe(oldPid);
    expect(isAlive(oldPid)).toBe(false);

    const fresh = pool.worker(lease.workerIndex)!;
    expect(fresh.pid).toBe(replacedEvent.pid);
    expect(fresh.rooms).toBe(0);
    expect(fresh.consumers).toBe(0);
    expect(await webRtcServerPorts(pool, lease.workerIndex)).toEqual({
      udp: [portBase + lease.workerIndex],
      tcp: [portBase + lease.workerIndex],
    });
    expect(pool.worker(survivor.index)!.pid).toBe(survivor.pid);
  });

  it('WorkerPool createRouter waits for the replacement when no worker is alive', async () => {
    pool = await WorkerPool.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
    const oldPid = pool.worker(0)!.pid;
    const died = nextEvent(pool, 'workerDied');
    process.kill(oldPid, 'SIGKILL');
    await died;
    expect(pool.workers()).toHaveLength(0);
    expect(() => pool!.leastLoaded()).toThrow(SfuError);
    const lease = await pool.createRouter('after-death', MEDIA_CODECS);
    expect(lease.router.closed).toBe(false);
    expect(pool.worker(0)!.pid).not.toBe(oldPid);
  });

  it('WorkerPool close is idempotent, emits closed once and leaves no worker process', async () => {
    pool = await WorkerPool.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase: testPortBase(), logger: testLogger(), ...RTC_PORTS });
    const pids = pool.workers().map((w) => w.pid);
    let closedEvents = 0;
    pool.on('closed', () => closedEvents++);
    const first = pool.close();
    expect(pool.close()).toBe(first);
    await first;
    await pool.close();
    expect(closedEvents).toBe(1);
    expect(pool.workers()).toHaveLength(0);
    await waitFor(() => pids.every((pid) => !isAlive(pid)), 3000, 'worker processes to exit');
    await expect(pool.createRouter('late', MEDIA_CODECS)).rejects.toMatchObject({ code: 'closed' });
  });

  it('WorkerPool create fails without leaking workers when a port is taken', async () => {
    const portBase = testPortBase();
    const blocker = createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(portBase + 1, LISTEN_IP, () => resolve()));
    const spawned: number[] = [];
    const onWorker = (worker: { pid: number }): void => void spawned.push(worker.pid);
    mediasoup.observer.on('newworker', onWorker);
    try {
      await expect(
        WorkerPool.create({ numWorkers: 2, listenIp: LISTEN_IP, portBase, logger: testLogger(), ...RTC_PORTS }),
      ).rejects.toThrow();
    } finally {
      mediasoup.observer.off('newworker', onWorker);
      blocker.close();
    }
    expect(spawned.length).toBe(2);
    await waitFor(() => spawned.every((pid) => !isAlive(pid)), 3000, 'worker processes to exit');
  });

  it('WorkerPool routes mediasoup logs into the given logger', async () => {
    const lines: { namespace?: string; component?: string; msg?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    });
    pool = await WorkerPool.create({ numWorkers: 1, listenIp: LISTEN_IP, portBase: testPortBase(), logger: pino({ level: 'debug' }, sink), ...RTC_PORTS });
    await pool.createRouter('logged', MEDIA_CODECS);
    await waitFor(() => lines.some((l) => l.component === 'mediasoup' && l.namespace?.startsWith('mediasoup:') === true), 2000, 'a mediasoup log line');
  });
});
