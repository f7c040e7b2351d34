// Serves an SfuNode on the Bus: requests on its RPC topic, events on the shared events
// topic. Used in-process by the `all` role and by `sfu` nodes alike.
import { SfuNode, type SfuApi } from '@lectern/sfu';
import type { Unsubscribe } from '../bus/Bus.js';
import type { EventBus } from '../bus/EventBus.js';
import type { SfuEvent } from '../bus/topics.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { SFU_EVENTS_TOPIC, sfuRpcTopic, type SfuRpcMessage } from './SfuClient.js';

const FORWARDED_EVENTS = ['newProducer', 'producerClosed', 'producerPaused', 'producerResumed', 'consumerClosed', 'producerLayersWanted', 'activeSpeaker'] as const;

export interface SfuHost {
  node: SfuNode;
  nodeId: string;
  /** Rooms this node hosts now (announced to the cluster registry). */
  rooms(): string[];
  close(): Promise<void>;
}

export async function startSfuHost(opts: { config: Config; bus: EventBus; logger: Logger; nodeId: string }): Promise<SfuHost> {
  const { config, bus, logger, nodeId } = opts;
  const node = await SfuNode.create({
    numWorkers: config.sfu.workers,
    ioUring: config.sfu.ioUring,
    listenIp: config.sfu.listenIp,
    announcedAddress: config.sfu.announcedAddress,
    portBase: config.sfu.portBase,
    peersPerRouter: config.sfu.peersPerRouter,
    logger: logger.child({ component: 'sfu', nodeId }),
  });
  let closed = false;
  for (const name of FORWARDED_EVENTS) {
    node.on(name, (payload: object) => {
      // The node's event payloads match the topic's schema by construction (SfuNode's typed events).
      void bus.publish(SFU_EVENTS_TOPIC, { type: name, nodeId, ...payload } as SfuEvent);
    });
  }
  const rooms = new Set<string>();
  const told = new Set<Promise<void>>();
  const tell = (e: SfuEvent) => {
    const p = bus.publish(SFU_EVENTS_TOPIC, e).catch(() => undefined);
    told.add(p);
    void p.finally(() => told.delete(p));
  };
  node.on('roomClosed', ({ roomId, reason, peerIds, remoteNodeIds }) => {
    rooms.delete(roomId);
    // Participants whose media was here lost it for good when this node shuts down (drain
    // time-out), or when the worker of a room that goes on on other nodes died: the gateways
    // tell them, and only them, to reconnect, and they are placed again. For such a linked room
    // that is all the cluster hears (peersLost also unlinks the other nodes from this one); the
    // room itself closing (ended, or its only node's worker died) is roomClosed.
    const linked = remoteNodeIds.length > 0;
    const lost = closed || (reason === 'worker_died' && linked);
    if (lost && (peerIds.length > 0 || linked)) tell({ type: 'peersLost', roomId, peerIds, nodeId });
    if (!lost || !linked) tell({ type: 'roomClosed', roomId, reason, nodeId });
  });
  // A room spanning nodes: what the origin of a producer piped here does, and a node of the
  // room dying or closing its room, reach this node through the shared events topic.
  const unlisten = await bus.subscribe(SFU_EVENTS_TOPIC, (e) => {
    if (e.nodeId === undefined || e.nodeId === nodeId || !rooms.has(e.roomId) || closed) return;
    const { roomId } = e;
    const done = (p: Promise<void>) => void p.catch((err: unknown) => logger.debug({ err: (err as Error).message, roomId }, 'could not follow another node'));
    switch (e.type) {
      case 'producerClosed':
        return done(node.updatePipedProducer({ roomId, producerId: e.producerId, action: 'close' }));
      case 'producerPaused':
        return done(node.updatePipedProducer({ roomId, producerId: e.producerId, action: 'pause' }));
      case 'producerResumed':
        return done(node.updatePipedProducer({ roomId, producerId: e.producerId, action: 'resume' }));
      case 'peersLost':
      case 'roomClosed':
        return done(node.closePipe({ roomId, remoteNodeId: e.nodeId }));
      case 'newProducer':
      case 'consumerClosed':
      case 'producerLayersWanted':
      case 'activeSpeaker':
        return;
    }
  });
  const LOCAL_ONLY = new Set(['constructor', 'close', 'peerIds']);
  const methods = new Set<string>(Object.getOwnPropertyNames(Object.getPrototypeOf(node)).filter((m) => !LOCAL_ONLY.has(m)));
  const unserve: Unsubscribe = await bus.serve(sfuRpcTopic(nodeId), async (message) => {
    const { method, params } = message as SfuRpcMessage;
    if (typeof method !== 'string' || !methods.has(method)) throw Object.assign(new Error(`unknown SFU method ${String(method)}`), { code: 'bad_request' });
    const fn = (node as unknown as Record<string, (p: unknown) => Promise<unknown>>)[method] as (p: unknown) => Promise<unknown>;
    const result = (await fn.call(node, params)) ?? null;
    if (method === 'ensureRoom') rooms.add((params as { roomId: string }).roomId);
    return result;
  });
  return {
    node,
    nodeId,
    rooms: () => [...rooms],
    close: async () => {
      if (closed) return;
      closed = true;
      await unlisten();
      await unserve();
      // Participants still here (drain time-out) are told through the rooms' roomClosed above.
      await node.close();
      await Promise.all(told);
    },
  };
}

export type { SfuApi };
