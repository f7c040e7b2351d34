// Links the nodes of a room that spans SFU nodes: before a participant consumes a producer
// of another node, the room's two nodes get one SRTP PipeTransport pair (created once; the
// SFU side is idempotent, so API nodes racing each other agree) and the producer is piped
// through it under its own id. Knows each producer's node from the SFU events.
import type { Unsubscribe } from '../bus/Bus.js';
import type { EventBus } from '../bus/EventBus.js';
import type { SfuEvent } from '../bus/topics.js';
import type { Logger } from '../logger.js';
import { SFU_EVENTS_TOPIC, type NodeCall, type SfuMesh, type SfuRouting } from '../sfu/SfuClient.js';

/** Where a producer of the room is, and what it carries. */
interface ProducerPlace {
  nodeId: string;
  kind: 'audio' | 'video';
}

export class RoomMesh implements SfuMesh {
  readonly #call: NodeCall;
  readonly #routing: SfuRouting;
  readonly #log: Logger;
  readonly #maxPeersOf: (roomId: string) => number | undefined;
  /** roomId -> producerId -> its node and kind. */
  readonly #producers = new Map<string, Map<string, ProducerPlace>>();
  /** `${roomId}\n${nodeA}\n${nodeB}` (nodes sorted) -> the pair being or already linked. */
  readonly #pairs = new Map<string, Promise<void>>();
  #unsubscribe: Unsubscribe | undefined;

  private constructor(opts: { call: NodeCall; routing: SfuRouting; logger: Logger; maxPeersOf?: (roomId: string) => number | undefined }) {
    this.#call = opts.call;
    this.#maxPeersOf = opts.maxPeersOf ?? (() => undefined);
    this.#routing = opts.routing;
    this.#log = opts.logger.child({ component: 'room-mesh' });
  }

  static async create(opts: { call: NodeCall; routing: SfuRouting; bus: EventBus; logger: Logger; maxPeersOf?: (roomId: string) => number | undefined }): Promise<RoomMesh> {
    const mesh = new RoomMesh(opts);
    mesh.#unsubscribe = await opts.bus.subscribe(SFU_EVENTS_TOPIC, (e) => mesh.onEvent(e));
    return mesh;
  }

  onEvent(e: SfuEvent): void {
    switch (e.type) {
      case 'newProducer':
        if (e.nodeId === undefined) return;
        this.#room(e.roomId).set(e.producerId, { nodeId: e.nodeId, kind: e.kind });
        if (e.kind === 'audio') void this.#toHome(e.roomId, e.producerId, e.nodeId);
        return;
      case 'producerClosed':
        if (this.#producers.get(e.roomId)?.get(e.producerId)?.nodeId === e.nodeId) this.#producers.get(e.roomId)?.delete(e.producerId);
        return;
      case 'roomClosed':
        if (e.nodeId !== undefined) this.forgetNode(e.roomId, e.nodeId);
        return;
      case 'peersLost':
        // The room goes on without that node; if it was the home, the new one must hear everyone.
        this.forgetNode(e.roomId, e.nodeId);
        void this.#rehome(e.roomId, e.nodeId);
        return;
      case 'producerPaused':
      case 'producerResumed':
      case 'consumerClosed':
      case 'producerLayersWanted':
      case 'activeSpeaker':
        return;
    }
  }

  /** A node left a room (its room closed, or the node died): its pipes and producers there are gone. */
  forgetNode(roomId: string, nodeId: string): void {
    for (const k of [...this.#pairs.keys()]) {
      const [r, a, b] = k.split('\n');
      if (r === roomId && (a === nodeId || b === nodeId)) this.#pairs.delete(k);
    }
    const producers = this.#producers.get(roomId);
    for (const [id, p] of producers ?? []) if (p.nodeId === nodeId) producers?.delete(id);
  }

  async producerNode(roomId: string, producerId: string): Promise<string | undefined> {
    const known = this.#producers.get(roomId)?.get(producerId)?.nodeId;
    if (known !== undefined) return known;
    // Not seen (this API node started after it, or the event is still on its way): ask the room's nodes.
    const nodes = await this.#routing.roomNodes(roomId);
    const lists = await Promise.all(nodes.map((n) => this.#call(n, 'listProducers', { roomId }).then((ps) => ({ n, ps }), () => ({ n, ps: [] }))));
    for (const { n, ps } of lists) {
      for (const p of ps) this.#room(roomId).set(p.producerId, { nodeId: n, kind: p.kind });
    }
    return this.#producers.get(roomId)?.get(producerId)?.nodeId;
  }

  async link(roomId: string, producerId: string, from: string, to: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await this.#pair(roomId, from, to);
      try {
        const out = await this.#call(from, 'pipeProducerOut', { roomId, remoteNodeId: to, producerId });
        await this.#call(to, 'pipeProducerIn', { roomId, remoteNodeId: from, producerId, ...out });
        return;
      } catch (err) {
        // A pipe one side no longer has (its room was created again): link the pair again, once.
        if (attempt > 0 || (err as { code?: unknown }).code !== 'invalid_request') throw err;
        this.#pairs.delete(pairKey(roomId, from, to));
      }
    }
  }

  /** Audio of a node other than the room's home is piped there: the home node's observer tells who speaks. */
  async #toHome(roomId: string, producerId: string, nodeId: string): Promise<void> {
    try {
      const home = await this.#routing.home(roomId);
      if (home !== nodeId) await this.link(roomId, producerId, nodeId, home);
    } catch (err) {
      this.#log.debug({ err: (err as Error).message, roomId, producerId }, 'could not pipe audio to the room’s home node');
    }
  }

  /**
   * After `lost` left a room that goes on: if it was the room's home, the room has a new one
   * (the placement moves to a node carrying the room), whose copy now tells who speaks, and the
   * audio of the other nodes is piped there so that its observer hears everyone. Idempotent,
   * like every link (every API node does it).
   */
  async #rehome(roomId: string, lost: string): Promise<void> {
    try {
      // A node shutting down tells of its participants before its placement and announcement are
      // gone (it releases them as it closes): until then the room's home may still name it.
      let home = await this.#routing.home(roomId);
      for (let attempt = 0; home === lost && attempt < 20; attempt++) {
        await new Promise((r) => setTimeout(r, 300));
        home = await this.#routing.home(roomId);
      }
      if (home === lost) return;
      // Its copy of the room tells who speaks from now on (an API node that set the room's limit says so).
      const maxPeers = this.#maxPeersOf(roomId);
      if (maxPeers !== undefined) await this.#call(home, 'ensureRoom', { roomId, maxPeers, observeSpeakers: true });
      for (const [producerId, p] of this.#producers.get(roomId) ?? []) {
        if (p.kind === 'audio' && p.nodeId !== home) await this.link(roomId, producerId, p.nodeId, home);
      }
    } catch (err) {
      this.#log.debug({ err: (err as Error).message, roomId }, 'could not pipe audio to the room’s new home node');
    }
  }

  async close(): Promise<void> {
    await this.#unsubscribe?.();
    this.#pairs.clear();
    this.#producers.clear();
  }

  #pair(roomId: string, a: string, b: string): Promise<void> {
    const k = pairKey(roomId, a, b);
    let pending = this.#pairs.get(k);
    if (!pending) {
      pending = (async () => {
        const [endA, endB] = await Promise.all([this.#call(a, 'createPipe', { roomId, remoteNodeId: b }), this.#call(b, 'createPipe', { roomId, remoteNodeId: a })]);
        await Promise.all([this.#call(a, 'connectPipe', { roomId, remoteNodeId: b, ...endB }), this.#call(b, 'connectPipe', { roomId, remoteNodeId: a, ...endA })]);
        this.#log.info({ roomId, nodes: [a, b] }, 'room linked across SFU nodes');
      })();
      const made = pending;
      made.catch(() => {
        if (this.#pairs.get(k) === made) this.#pairs.delete(k);
      });
      this.#pairs.set(k, made);
    }
    return pending;
  }

  #room(roomId: string): Map<string, ProducerPlace> {
    let m = this.#producers.get(roomId);
    if (!m) this.#producers.set(roomId, (m = new Map<string, ProducerPlace>()));
    return m;
  }
}

const pairKey = (roomId: string, a: string, b: string) => (a < b ? `${roomId}\n${a}\n${b}` : `${roomId}\n${b}\n${a}`);
