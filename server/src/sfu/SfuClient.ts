// The gateway's view of the SFU: every call is a JSON request over the Bus to the node
// that carries it, so the same code drives an in-process SFU and remote ones. A room may
// span nodes: a participant's calls go to its node, room-wide ones to every node of the
// room, and consuming a producer of another node links the two first (RoomMesh).
import type { ProducerInfo, SfuApi } from '@lectern/sfu';
import type { EventBus } from '../bus/EventBus.js';
export type { SfuEvent } from '../bus/topics.js';

/** The SFU's request surface (from @lectern/sfu); every call is JSON in and out. */
export type SfuMethodName = keyof SfuApi;
export type SfuParams<M extends SfuMethodName> = Parameters<SfuApi[M]>[0];
export type SfuResult<M extends SfuMethodName> = Awaited<ReturnType<SfuApi[M]>>;

export const sfuRpcTopic = (nodeId: string) => `lectern:sfu:${nodeId}:rpc`;
export const SFU_EVENTS_TOPIC = 'lectern:sfu:events' as const;

export interface SfuRpcMessage {
  method: SfuMethodName;
  params: unknown;
}

/** Where a room and its participants are (PeerPlacement; one fixed node without a cluster). */
export interface SfuRouting {
  /** The room's home node (placing the room if needed). */
  home(roomId: string): Promise<string>;
  /** Places a participant (a join); answers its node. */
  placePeer(roomId: string, peerId: string): Promise<string>;
  peerNode(roomId: string, peerId: string): Promise<string>;
  forgetPeer(roomId: string, peerId: string, nodeId: string): Promise<void>;
  /** Every node carrying the room, the home node first. */
  roomNodes(roomId: string): Promise<string[]>;
}

export function singleNode(nodeId: string): SfuRouting {
  const node = () => Promise.resolve(nodeId);
  return { home: node, placePeer: node, peerNode: node, forgetPeer: () => Promise.resolve(), roomNodes: () => Promise.resolve([nodeId]) };
}

/** Links a room's nodes so a consumer on one can receive a producer of another. */
export interface SfuMesh {
  /** The node carrying `producerId`, or undefined when no node of the room has it. */
  producerNode(roomId: string, producerId: string): Promise<string | undefined>;
  link(roomId: string, producerId: string, from: string, to: string): Promise<void>;
}

export type NodeCall = <M extends SfuMethodName>(nodeId: string, method: M, params: SfuParams<M>) => Promise<SfuResult<M>>;

/** A room's maxPeers when ensureRoom must be repeated on another node before we saw it. */
const FALLBACK_MAX_PEERS = 1000;

export class SfuClient {
  readonly #maxPeers = new Map<string, number>();
  mesh: SfuMesh | undefined;

  constructor(
    readonly bus: Pick<EventBus, 'request'>,
    readonly routing: SfuRouting,
    readonly timeoutMs = 10_000,
  ) {}

  /** The participant limit this API node last set for a room's SFU copies (undefined: it never did). */
  maxPeersOf(roomId: string): number | undefined {
    return this.#maxPeers.get(roomId);
  }

  /** One node, no routing. */
  readonly callNode: NodeCall = (nodeId, method, params) =>
    this.bus.request(sfuRpcTopic(nodeId), { method, params } satisfies SfuRpcMessage, this.timeoutMs);

  async call<M extends SfuMethodName>(method: M, params: SfuParams<M>): Promise<SfuResult<M>> {
    const { roomId, peerId } = params as { roomId: string; peerId?: string };
    const r = this.routing;
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- only the methods routed specially are listed
    switch (method) {
      case 'ensureRoom':
        this.#maxPeers.set(roomId, (params as SfuParams<'ensureRoom'>).maxPeers);
        // The home node's room tells who speaks (the room's other nodes pipe their audio there).
        return this.callNode(await r.home(roomId), 'ensureRoom', { ...(params as SfuParams<'ensureRoom'>), observeSpeakers: true }) as Promise<SfuResult<M>>;
      case 'addPeer': {
        const [node, home] = await Promise.all([r.placePeer(roomId, peerId ?? ''), r.home(roomId)]);
        if (node !== home) await this.callNode(node, 'ensureRoom', { roomId, maxPeers: this.#maxPeers.get(roomId) ?? FALLBACK_MAX_PEERS, observeSpeakers: false });
        return this.callNode(node, method, params);
      }
      case 'removePeer': {
        const node = await r.peerNode(roomId, peerId ?? '');
        const result = await this.callNode(node, method, params);
        await r.forgetPeer(roomId, peerId ?? '', node);
        return result;
      }
      case 'closeRoom': {
        this.#maxPeers.delete(roomId);
        const nodes = await r.roomNodes(roomId);
        await Promise.all(nodes.map((n) => this.callNode(n, 'closeRoom', { roomId })));
        return undefined as SfuResult<M>;
      }
      case 'listProducers': {
        const nodes = await r.roomNodes(roomId);
        // A node of the room may not have its room yet (nobody arrived there): it lists nothing.
        const lists = await Promise.all(nodes.map((n) => this.callNode(n, 'listProducers', params as SfuParams<'listProducers'>).catch(notOnNode)));
        return lists.flat() as SfuResult<M>;
      }
      case 'consume': {
        const node = await r.peerNode(roomId, peerId ?? '');
        const { producerId } = params as SfuParams<'consume'>;
        const from = this.mesh && (await this.mesh.producerNode(roomId, producerId));
        if (this.mesh && from !== undefined && from !== node) await this.mesh.link(roomId, producerId, from, node);
        return this.callNode(node, method, params);
      }
      default: // every other method: the peer's node, else the room's home node
        return this.callNode(peerId === undefined ? await r.home(roomId) : await r.peerNode(roomId, peerId), method, params);
    }
  }
}

function notOnNode(err: unknown): ProducerInfo[] {
  if ((err as { code?: unknown }).code === 'room_not_found') return [];
  throw err;
}
