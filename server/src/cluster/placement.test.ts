import { EventBus } from '../bus/EventBus.js';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { NodeLoad } from '@lectern/sfu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../bus/MemoryBus.js';
import { createLogger } from '../logger.js';
import { createRedis } from '../runtime.js';
import { SFU_EVENTS_TOPIC } from '../sfu/SfuClient.js';
import { ClusterWatcher } from './ClusterWatcher.js';
import { PeerPlacement } from './PeerPlacement.js';
import { NoSfuNodeError, RoomPlacement } from './RoomPlacement.js';
import { SfuRegistry, type NodeAnnouncement } from './SfuRegistry.js';
import { TestRedis } from './test/testRedis.js';

const logger = createLogger('silent');
const load = (consumers: number, rooms = 0, peers = 0): NodeLoad => ({ workers: [{ index: 0, pid: 1, consumers, rooms }], rooms, peers });
const node = (nodeId: string, l: NodeLoad, extra: Partial<NodeAnnouncement> = {}): NodeAnnouncement => ({
  nodeId,
  load: l,
  draining: false,
  rooms: [],
  at: new Date().toISOString(),
  ...extra,
});

describe('cluster placement on the shared Redis', () => {
  let redis: Redis;
  let registry: SfuRegistry;
  const prefix = `lectern-test-${randomUUID().slice(0, 8)}:`;

  beforeAll(() => {
    redis = createRedis('redis://127.0.0.1:6379', logger, 'placement-test');
    registry = new SfuRegistry(redis, prefix, 10_000);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const placementFor = () => new RoomPlacement({ registry, logger, liveCacheMs: 0 });

  it('RoomPlacement puts a new room on the least-loaded live node and every API node agrees', async () => {
    await registry.announce(node('busy', load(12, 2, 6)));
    await registry.announce(node('quiet', load(2, 1, 2)));
    const [a, b, c] = [placementFor(), placementFor(), placementFor()];
    const room = `room-${randomUUID()}`;
    const answers = await Promise.all([a.nodeFor(room), b.nodeFor(room), c.nodeFor(room)]);
    expect(answers).toEqual(['quiet', 'quiet', 'quiet']);
    expect(await registry.placementOf(room)).toBe('quiet');
  });

  it('RoomPlacement sends no new room to a draining node but keeps its existing room there', async () => {
    const existing = `room-${randomUUID()}`;
    await registry.announce(node('quiet', load(2, 1, 2)));
    await registry.place(existing, null, 'quiet');
    await registry.announce(node('quiet', load(0, 1, 2), { draining: true, rooms: [existing] }));
    await registry.announce(node('busy', load(12, 2, 6)));
    const p = placementFor();
    expect(await p.nodeFor(existing)).toBe('quiet');
    expect(await p.nodeFor(`room-${randomUUID()}`)).toBe('busy');
    // Once the room has ended on the draining node, the next use places it elsewhere.
    await registry.announce(node('quiet', load(0, 0, 0), { draining: true, rooms: [] }));
    expect(await p.nodeFor(existing)).toBe('busy');
  });

  it('PeerPlacement keeps a room on its home node up to the threshold, then uses the least-loaded other node', async () => {
    const reg = new SfuRegistry(redis, `${prefix}peers:`, 10_000);
    await reg.announce(node('h', load(0, 0, 0)));
    await reg.announce(node('x', load(9, 3, 9)));
    await reg.announce(node('y', load(1, 1, 1)));
    await reg.announce(node('z', load(0, 0, 0), { draining: true }));
    const rooms = new RoomPlacement({ registry: reg, logger, liveCacheMs: 0 });
    const peers = new PeerPlacement({ registry: reg, rooms, logger, nodeRoomPeers: 2, peersPerRouter: 150 });
    const room = `room-${randomUUID()}`;
    await reg.place(room, null, 'h');
    expect(await peers.placePeer(room, 'p1')).toBe('h');
    expect(await peers.placePeer(room, 'p2')).toBe('h');
    expect(await peers.placePeer(room, 'p3')).toBe('y'); // h is full, z drains, y is less loaded than x
    expect(await peers.placePeer(room, 'p1')).toBe('h'); // a placed participant stays
    expect(await peers.roomNodes(room)).toEqual(['h', 'y']);
    await peers.forgetPeer(room, 'p2', 'h');
    expect(await peers.placePeer(room, 'p4')).toBe('h');
    expect(await reg.peersOf(room)).toEqual({ p1: 'h', p3: 'y', p4: 'h' });
  });

  it('RoomPlacement refuses clearly when no SFU node is alive', async () => {
    const lonely = new SfuRegistry(redis, `${prefix}empty:`, 600);
    const p = new RoomPlacement({ registry: lonely, logger, liveCacheMs: 0 });
    await expect(p.nodeFor('r')).rejects.toBeInstanceOf(NoSfuNodeError);
  });
});

describe('cluster failover on a private Redis', () => {
  let server: TestRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await TestRedis.start();
    redis = createRedis(server.url, logger, 'failover-test');
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('ClusterWatcher reaps a silent node once and announces its rooms closed so they are placed again', async () => {
    const registry = new SfuRegistry(redis, 'f:', 300);
    const bus = new MemoryBus();
    const events: unknown[] = [];
    await bus.subscribe(SFU_EVENTS_TOPIC, (m) => events.push(m));
    await registry.announce(node('a', load(0)));
    await registry.announce(node('b', load(5)));
    const p1 = new RoomPlacement({ registry, logger, liveCacheMs: 0 });
    const p2 = new RoomPlacement({ registry, logger, liveCacheMs: 0 });
    expect(await p1.nodeFor('r1')).toBe('a');
    const w1 = await ClusterWatcher.create({ registry, placement: p1, bus: new EventBus(bus), logger, intervalMs: 60_000 });
    const w2 = await ClusterWatcher.create({ registry, placement: p2, bus: new EventBus(bus), logger, intervalMs: 60_000 });
    try {
      // 'b' keeps announcing, 'a' falls silent.
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await registry.announce(node('b', load(5)));
      }
      await Promise.all([w1.sweep(), w2.sweep()]);
      await new Promise((r) => setTimeout(r, 10));
      expect(events).toEqual([{ type: 'roomClosed', roomId: 'r1', reason: 'worker_died', nodeId: 'a' }]);
      expect(await registry.placementOf('r1')).toBeNull();
      expect(await p2.nodeFor('r1')).toBe('b');
      expect(await p1.nodeFor('r1')).toBe('b');
    } finally {
      await w1.close();
      await w2.close();
      await bus.close();
    }
  });

  it('ClusterWatcher tells only a dead node’s participants of a room that goes on elsewhere', async () => {
    const registry = new SfuRegistry(redis, 'p:', 300);
    const bus = new MemoryBus();
    const events: unknown[] = [];
    await bus.subscribe(SFU_EVENTS_TOPIC, (m) => events.push(m));
    await registry.announce(node('a', load(0)));
    await registry.announce(node('b', load(0), { rooms: ['span'] }));
    await registry.place('span', null, 'a');
    await registry.placePeer('span', 'p1', 'a', null);
    await registry.placePeer('span', 'p2', 'b', null);
    const placement = new RoomPlacement({ registry, logger, liveCacheMs: 0 });
    const w = await ClusterWatcher.create({ registry, placement, bus: new EventBus(bus), logger, intervalMs: 60_000 });
    try {
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await registry.announce(node('b', load(0), { rooms: ['span'] }));
      }
      await w.sweep();
      await new Promise((r) => setTimeout(r, 10));
      expect(events).toEqual([{ type: 'peersLost', roomId: 'span', peerIds: ['p1'], nodeId: 'a' }]);
      expect(await registry.peersOf('span')).toEqual({ p2: 'b' });
      expect(await placement.nodeFor('span')).toBe('b'); // the room's new home is the node that carries it
    } finally {
      await w.close();
      await bus.close();
    }
  });

  it('RoomPlacement keeps answering with the last known node while Redis is away', async () => {
    const registry = new SfuRegistry(redis, 'h:', 5000);
    await registry.announce(node('a', load(0)));
    const p = new RoomPlacement({ registry, logger, liveCacheMs: 0 });
    expect(await p.nodeFor('call')).toBe('a');
    await server.stop();
    for (let i = 0; i < 100 && redis.status === 'ready'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await p.nodeFor('call')).toBe('a');
    await expect(p.nodeFor('never-placed')).rejects.toThrow();
    await server.start();
    for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
  });

  it('SfuRegistry reaps a node whose Redis connection is gone after the grace period, long before its announcement expires', async () => {
    // Each node announces over its own connection, named; the announcements would live a minute.
    const conns = [createRedis(server.url, logger, 'node-a'), createRedis(server.url, logger, 'node-b')];
    const [regA, regB] = conns.map((c) => new SfuRegistry(c, 'k:', 60_000));
    const registry = new SfuRegistry(redis, 'k:', 60_000, 2500);
    try {
      await regA!.announce(node('a', load(0), { rooms: ['kept-room'], connection: regA!.connectionName('a') }));
      await regB!.announce(node('b', load(0), { connection: regB!.connectionName('b') }));
      await registry.place('kept-room', 'a', 'a');
      const t0 = 1_000_000;
      expect(await registry.reapDead(t0)).toEqual([]);
      conns[0]!.disconnect(); // node a's process dies: its socket closes
      await expect.poll(async () => String(await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')).includes(regA!.connectionName('a'))).toBe(false);
      expect(await registry.reapDead(t0 + 100)).toEqual([]); // missing from now on
      expect(await registry.reapDead(t0 + 2000)).toEqual([]); // a reconnect may take this long
      expect(await registry.reapDead(t0 + 2600)).toEqual([{ nodeId: 'a', rooms: ['kept-room'], peers: [] }]);
      expect((await registry.liveNodes()).map((n) => n.nodeId)).toEqual(['b']);
      expect(await registry.placementOf('kept-room')).toBeNull();
      expect(await registry.reapDead(t0 + 10_000)).toEqual([]); // b is connected; a is reaped once
    } finally {
      for (const c of conns) c.disconnect();
    }
  });

  it('SfuRegistry re-claims a node’s rooms when it announces after a Redis restart', async () => {
    const registry = new SfuRegistry(redis, 'g:', 5000);
    await registry.announce(node('a', load(0)));
    await registry.announce(node('b', load(0)));
    const p = new RoomPlacement({ registry, logger, liveCacheMs: 0 });
    const host = await p.nodeFor('live-room');
    await server.restart();
    for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await registry.placementOf('live-room')).toBeNull();
    // The other node happens to announce first; the host re-claims its room when it announces.
    const other = host === 'a' ? 'b' : 'a';
    await registry.announce(node(other, load(0)));
    await registry.announce(node(host, load(9), { rooms: ['live-room'] }));
    expect(await registry.placementOf('live-room')).toBe(host);
    expect(await p.nodeFor('live-room')).toBe(host);
  });
});
