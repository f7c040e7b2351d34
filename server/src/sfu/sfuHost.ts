// Serves an SfuNode on the Bus: requests on its RPC topic, events on the shared events
// topic. Used in-process by the `all` role and by `sfu` nodes alike.
import { SfuNode, type SfuApi } from '@lectern/sfu';
import type { Unsubscribe } from '../bus/Bus.js';
import type { EventBus } from '../bus/EventBus.js';
import type { SfuEvent } from '../bus/topics.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { SFU_EVENTS_TOPIC, sfuRpcTopic, type SfuRpcMessage } from './SfuClient.js';

const FORWARDED_EVENTS = ['newProducer', 'producerClosed', 'producerPaused', 'producerResumed', 'consumerClosed', 'producerLayersWanted', 'activeSpeaker', 'roomClosed'] as const;

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
      // Rooms still open when the node shuts down (drain time-out) are gone for good: tell the
      // gateways so their clients reconnect, and the rooms are placed on another node.
      const extra = name === 'roomClosed' && closed ? { reason: 'worker_died' } : {};
      // The node's event payloads match the topic's schema by construction (SfuNode's typed events).
      void bus.publish(SFU_EVENTS_TOPIC, { type: name, nodeId, ...payload, ...extra } as SfuEvent);
    });
  }
  const rooms = new Set<string>();
  node.on('roomClosed', ({ roomId }) => rooms.delete(roomId));
  const methods = new Set<string>(Object.getOwnPropertyNames(Object.getPrototypeOf(node)).filter((m) => m !== 'constructor' && m !== 'close'));
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
      await unserve();
      await node.close();
    },
  };
}

export type { SfuApi };
