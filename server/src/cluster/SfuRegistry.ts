// Which SFU nodes are alive, how loaded they are, and which rooms they carry — all in
// Redis, all rebuildable: a node re-announces itself (and re-claims its rooms) every
// interval, and an announcement expires on its own when the node falls silent.
import type { Redis } from 'ioredis';
import type { NodeLoad } from '@lectern/sfu';

export interface NodeAnnouncement {
  nodeId: string;
  load: NodeLoad;
  /** A draining node takes no new rooms; its existing rooms continue. */
  draining: boolean;
  /** Rooms this node currently hosts. */
  rooms: string[];
  /** Sender's wall clock, for humans reading Redis (liveness is the key's expiry). */
  at: string;
  /**
   * The name the node gives its Redis connection (CLIENT SETNAME). A process that dies loses
   * its connections at once (the kernel closes them), so a name missing from CLIENT LIST for
   * longer than a reconnect takes says the node is dead well before its announcement expires.
   */
  connection?: string;
}

/** A node found dead: the rooms it was home to, and its participants room by room. */
export interface DeadNode {
  nodeId: string;
  rooms: string[];
  peers: { roomId: string; peerIds: string[] }[];
}

/** Lower is less loaded: consumers per worker, then rooms per worker, then peers. */
export function loadScore(load: NodeLoad): [number, number, number] {
  const workers = Math.max(1, load.workers.length);
  const consumers = load.workers.reduce((n, w) => n + w.consumers, 0);
  return [consumers / workers, load.rooms / workers, load.peers];
}

export function leastLoaded(nodes: NodeAnnouncement[]): NodeAnnouncement | undefined {
  const candidates = nodes.filter((n) => !n.draining);
  candidates.sort((a, b) => {
    const sa = loadScore(a.load);
    const sb = loadScore(b.load);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return (sa[i] ?? 0) - (sb[i] ?? 0);
    return a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0;
  });
  return candidates[0];
}

// KEYS[1] placement key, ARGV[1] expected node: delete only if it still names that node.
const COMPARE_AND_DELETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// KEYS[1] placement key, ARGV[1] expected (or '' for none), ARGV[2] new node, ARGV[3] ttl s.
const COMPARE_AND_SET = `local cur = redis.call('GET', KEYS[1])
if (cur == false and ARGV[1] == '') or cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return ARGV[2] end
if cur == false then return false end
return cur`;

// KEYS[1] hash, ARGV[1] field, ARGV[2] expected value: HDEL only if it still holds that value.
const COMPARE_AND_HDEL = `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) else return 0 end`;

/** A placement lives at most this long without being re-claimed by its node. */
export const PLACEMENT_TTL_SECONDS = 24 * 3600;

/** How long a node's connection may be missing before it counts as dead: longer than a reconnect (runtime.ts tries after 200, 400, 600 ms...). */
export const CONNECTION_GRACE_MS = 1500;

export class SfuRegistry {
  /** Per node: since when (ms) its named connection has been missing. */
  readonly #missingSince = new Map<string, number>();
  /** False once CLIENT LIST is refused (a managed Redis may forbid it): expiry alone tells then. */
  #listClients = true;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    readonly nodeTtlMs: number,
    readonly connectionGraceMs = CONNECTION_GRACE_MS,
  ) {}

  /** The Redis connection name an SFU node announces itself under. */
  connectionName(nodeId: string): string {
    return `${this.prefix}sfu:${nodeId}`.replace(/[^\w:.-]/g, '_');
  }

  nodeKey = (nodeId: string) => `${this.prefix}lectern:sfu:node:${nodeId}`;
  nodeRoomsKey = (nodeId: string) => `${this.prefix}lectern:sfu:node-rooms:${nodeId}`;
  placementKey = (roomId: string) => `${this.prefix}lectern:room:${roomId}:node`;
  /** Hash peerId -> nodeId: where each participant of a room has its media. */
  peersKey = (roomId: string) => `${this.prefix}lectern:room:${roomId}:peers`;
  /** Set of "roomId\npeerId" placed on a node (what to re-place when it dies). */
  nodePeersKey = (nodeId: string) => `${this.prefix}lectern:sfu:node-peers:${nodeId}`;
  /** False while the Redis connection is down (commands would wait in the offline queue). */
  get available(): boolean {
    return this.redis.status === 'ready';
  }

  get nodesKey(): string {
    return `${this.prefix}lectern:sfu:nodes`;
  }

  /** Publishes a node's heartbeat and re-claims its rooms (restores placement after a Redis restart). */
  async announce(a: NodeAnnouncement): Promise<void> {
    // Named on every announcement: a reconnect gives the connection its configured name back.
    // Where naming is refused, the node is announced without a name: expiry alone tells then.
    let { connection } = a;
    if (connection !== undefined) await this.redis.client('SETNAME', connection).catch(() => (connection = undefined));
    const m = this.redis.multi();
    m.set(this.nodeKey(a.nodeId), JSON.stringify({ ...a, connection }), 'PX', this.nodeTtlMs);
    m.sadd(this.nodesKey, a.nodeId);
    for (const roomId of a.rooms) {
      m.set(this.placementKey(roomId), a.nodeId, 'EX', PLACEMENT_TTL_SECONDS, 'NX');
      m.sadd(this.nodeRoomsKey(a.nodeId), roomId);
    }
    await m.exec();
  }

  /** A node leaving cleanly: gone at once rather than after the expiry. */
  async withdraw(nodeId: string): Promise<void> {
    await this.redis.multi().del(this.nodeKey(nodeId)).exec();
  }

  async liveNodes(): Promise<NodeAnnouncement[]> {
    const ids = await this.redis.smembers(this.nodesKey);
    if (ids.length === 0) return [];
    const raw = await this.redis.mget(...ids.map(this.nodeKey));
    const out: NodeAnnouncement[] = [];
    for (const r of raw) {
      if (r === null) continue;
      try {
        out.push(JSON.parse(r) as NodeAnnouncement);
      } catch {
        // a malformed announcement counts as silence
      }
    }
    return out;
  }

  async placementOf(roomId: string): Promise<string | null> {
    return this.redis.get(this.placementKey(roomId));
  }

  /** Sets the room's node if it still is `expected` (null: unplaced); returns the node that holds it now. */
  async place(roomId: string, expected: string | null, nodeId: string): Promise<string | null> {
    const res = (await this.redis.eval(COMPARE_AND_SET, 1, this.placementKey(roomId), expected ?? '', nodeId, PLACEMENT_TTL_SECONDS)) as string | null;
    if (res === nodeId) await this.redis.sadd(this.nodeRoomsKey(nodeId), roomId);
    return res;
  }

  /** Each participant's node in a room (peerId -> nodeId). */
  async peersOf(roomId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.peersKey(roomId));
  }

  async peerNode(roomId: string, peerId: string): Promise<string | null> {
    return this.redis.hget(this.peersKey(roomId), peerId);
  }

  async placePeer(roomId: string, peerId: string, nodeId: string, previous: string | null): Promise<void> {
    const m = this.redis.multi();
    if (previous !== null && previous !== nodeId) m.srem(this.nodePeersKey(previous), `${roomId}\n${peerId}`);
    m.hset(this.peersKey(roomId), peerId, nodeId);
    m.expire(this.peersKey(roomId), PLACEMENT_TTL_SECONDS);
    m.sadd(this.nodePeersKey(nodeId), `${roomId}\n${peerId}`);
    await m.exec();
  }

  /** Forgets a participant's node if it still is `nodeId`. */
  async unplacePeer(roomId: string, peerId: string, nodeId: string): Promise<void> {
    await this.redis.eval(COMPARE_AND_HDEL, 1, this.peersKey(roomId), peerId, nodeId);
    await this.redis.srem(this.nodePeersKey(nodeId), `${roomId}\n${peerId}`);
  }

  async forgetRoomPeers(roomId: string): Promise<void> {
    await this.redis.del(this.peersKey(roomId));
  }

  /** Forgets the room's placement if it still names `nodeId`. */
  async release(roomId: string, nodeId: string): Promise<void> {
    await this.redis.eval(COMPARE_AND_DELETE, 1, this.placementKey(roomId), nodeId);
    await this.redis.srem(this.nodeRoomsKey(nodeId), roomId);
  }

  /**
   * Nodes that were announced and have fallen silent, or whose named connection is gone.
   * Exactly one caller (across all API nodes) gets each dead node — the one whose SREM
   * removed it — with the rooms placed on it.
   */
  async reapDead(now = Date.now()): Promise<DeadNode[]> {
    const ids = await this.redis.smembers(this.nodesKey);
    if (ids.length === 0) return [];
    const alive = await this.redis.mget(...ids.map(this.nodeKey));
    const disconnected = await this.#disconnected(ids, alive, now);
    const out: DeadNode[] = [];
    for (const [i, nodeId] of ids.entries()) {
      if (alive[i] !== null && !disconnected.has(nodeId)) continue;
      const removed = await this.redis.srem(this.nodesKey, nodeId);
      if (removed !== 1) continue; // another API node reaps it
      this.#missingSince.delete(nodeId);
      await this.redis.del(this.nodeKey(nodeId));
      const rooms = await this.redis.smembers(this.nodeRoomsKey(nodeId));
      const orphaned: string[] = [];
      for (const roomId of rooms) {
        const deleted = (await this.redis.eval(COMPARE_AND_DELETE, 1, this.placementKey(roomId), nodeId)) as number;
        if (deleted === 1) orphaned.push(roomId);
      }
      await this.redis.del(this.nodeRoomsKey(nodeId));
      // Its participants: each room's entries that still name it.
      const peers = new Map<string, string[]>();
      for (const entry of await this.redis.smembers(this.nodePeersKey(nodeId))) {
        const [roomId, peerId] = entry.split('\n');
        if (roomId === undefined || peerId === undefined) continue;
        const deleted = (await this.redis.eval(COMPARE_AND_HDEL, 1, this.peersKey(roomId), peerId, nodeId)) as number;
        if (deleted === 1) peers.set(roomId, [...(peers.get(roomId) ?? []), peerId]);
      }
      await this.redis.del(this.nodePeersKey(nodeId));
      out.push({ nodeId, rooms: orphaned, peers: [...peers].map(([roomId, peerIds]) => ({ roomId, peerIds })) });
    }
    return out;
  }

  /** Announced nodes whose named connection has been missing from CLIENT LIST for the grace period. */
  async #disconnected(ids: string[], announcements: (string | null)[], now: number): Promise<Set<string>> {
    const named = new Map<string, string>();
    for (const [i, raw] of announcements.entries()) {
      const connection = raw === null ? undefined : parseConnection(raw);
      if (connection !== undefined) named.set(ids[i]!, connection);
    }
    if (named.size === 0 || !this.#listClients) return new Set();
    let list: string;
    try {
      list = String(await this.redis.call('CLIENT', 'LIST', 'TYPE', 'normal'));
    } catch {
      this.#listClients = false;
      return new Set();
    }
    const present = new Set([...list.matchAll(/ name=(\S+)/g)].map((m) => m[1]));
    const gone = new Set<string>();
    for (const [nodeId, connection] of named) {
      if (present.has(connection)) {
        this.#missingSince.delete(nodeId);
        continue;
      }
      const since = this.#missingSince.get(nodeId) ?? now;
      this.#missingSince.set(nodeId, since);
      if (now - since >= this.connectionGraceMs) gone.add(nodeId);
    }
    return gone;
  }
}

function parseConnection(raw: string): string | undefined {
  try {
    const c = (JSON.parse(raw) as Partial<NodeAnnouncement>).connection;
    return typeof c === 'string' ? c : undefined;
  } catch {
    return undefined;
  }
}
