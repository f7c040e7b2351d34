// Which SFU node carries each participant of a room, shared by every API node through
// Redis (room -> peer -> node). A newcomer goes to the room's home node (RoomPlacement)
// unless that node holds its share of the room already or is draining; then to the
// least-loaded other live node. A room is then on several nodes, linked by RoomMesh.
import type { Logger } from '../logger.js';
import type { SfuRouting } from '../sfu/SfuClient.js';
import type { RoomPlacement } from './RoomPlacement.js';
import { leastLoaded, type NodeAnnouncement, type SfuRegistry } from './SfuRegistry.js';

export class PeerPlacement implements SfuRouting {
  readonly #registry: SfuRegistry;
  readonly #rooms: RoomPlacement;
  readonly #log: Logger;
  readonly #threshold: (node: NodeAnnouncement) => number;
  /** What this process placed or looked up (kept while Redis is away). */
  readonly #known = new Map<string, string>();

  constructor(opts: { registry: SfuRegistry; rooms: RoomPlacement; logger: Logger; nodeRoomPeers: number | undefined; peersPerRouter: number }) {
    this.#registry = opts.registry;
    this.#rooms = opts.rooms;
    this.#log = opts.logger.child({ component: 'peer-placement' });
    const { nodeRoomPeers, peersPerRouter } = opts;
    this.#threshold = (node) => nodeRoomPeers ?? peersPerRouter * Math.max(1, node.load.workers.length);
  }

  home(roomId: string): Promise<string> {
    return this.#rooms.nodeFor(roomId);
  }

  /** Places a participant (again, if its node is gone); its current live node otherwise. */
  async placePeer(roomId: string, peerId: string): Promise<string> {
    const home = await this.home(roomId);
    if (!this.#registry.available) return this.#known.get(key(roomId, peerId)) ?? home;
    const [peers, live] = await Promise.all([this.#registry.peersOf(roomId), this.#rooms.liveNodes()]);
    const current = peers[peerId] ?? null;
    if (current !== null && live.some((n) => n.nodeId === current && !n.draining)) return this.#remember(roomId, peerId, current);
    const counts = new Map<string, number>();
    for (const [p, n] of Object.entries(peers)) if (p !== peerId) counts.set(n, (counts.get(n) ?? 0) + 1);
    const homeNode = live.find((n) => n.nodeId === home);
    const roomy = (n: NodeAnnouncement) => !n.draining && (counts.get(n.nodeId) ?? 0) < this.#threshold(n);
    let target = home;
    if (homeNode && !roomy(homeNode)) {
      // Prefer another node already carrying the room, then the least-loaded one.
      const others = live.filter((n) => n.nodeId !== home && roomy(n));
      const carrying = others.filter((n) => counts.has(n.nodeId));
      target = (leastLoaded(carrying) ?? leastLoaded(others))?.nodeId ?? home;
    }
    await this.#registry.placePeer(roomId, peerId, target, current);
    if (target !== home) this.#log.info({ roomId, peerId, nodeId: target, home }, 'participant placed off the room’s home node');
    return this.#remember(roomId, peerId, target);
  }

  /** The participant's node; the home node for one never placed (e.g. an unknown peer). */
  async peerNode(roomId: string, peerId: string): Promise<string> {
    const k = key(roomId, peerId);
    const last = this.#known.get(k);
    if (last !== undefined) return last;
    const placed = this.#registry.available ? await this.#registry.peerNode(roomId, peerId).catch(() => null) : null;
    return placed ?? this.home(roomId);
  }

  async forgetPeer(roomId: string, peerId: string, nodeId: string): Promise<void> {
    const k = key(roomId, peerId);
    if (this.#known.get(k) === nodeId) this.#known.delete(k);
    await this.#registry.unplacePeer(roomId, peerId, nodeId).catch((err: unknown) => this.#log.debug({ err: (err as Error).message }, 'could not forget a participant’s node'));
  }

  /** Every live node carrying the room: the home node first. */
  async roomNodes(roomId: string): Promise<string[]> {
    const home = await this.home(roomId);
    const nodes = new Set([home]);
    try {
      const [peers, live] = await Promise.all([this.#registry.peersOf(roomId), this.#rooms.liveNodes()]);
      const alive = new Set(live.map((n) => n.nodeId));
      for (const n of Object.values(peers)) if (alive.has(n)) nodes.add(n);
      for (const n of live) if (n.rooms.includes(roomId)) nodes.add(n.nodeId);
    } catch {
      for (const [k, n] of this.#known) if (k.startsWith(`${roomId}\n`)) nodes.add(n);
    }
    return [...nodes];
  }

  /** This process's memory of a room's participants (the room closed, or a node died). */
  forgetRoom(roomId: string, nodeId?: string): void {
    for (const [k, n] of this.#known) if (k.startsWith(`${roomId}\n`) && (nodeId === undefined || n === nodeId)) this.#known.delete(k);
  }

  #remember(roomId: string, peerId: string, nodeId: string): string {
    this.#known.set(key(roomId, peerId), nodeId);
    return nodeId;
  }
}

const key = (roomId: string, peerId: string) => `${roomId}\n${peerId}`;
