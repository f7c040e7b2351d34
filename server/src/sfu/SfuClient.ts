// The gateway's view of the SFU: every call is a JSON request over the Bus to the node
// that hosts the room, so the same code drives an in-process SFU and a remote one.
import type { SfuApi } from '@lectern/sfu';
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

export class SfuClient {
  constructor(
    readonly bus: Pick<EventBus, 'request'>,
    /** Which node hosts a room; a single node answers 'local'. */
    readonly placement: (roomId: string) => Promise<string>,
    readonly timeoutMs = 10_000,
  ) {}

  async call<M extends SfuMethodName>(method: M, params: SfuParams<M>): Promise<SfuResult<M>> {
    const nodeId = await this.placement((params as { roomId: string }).roomId);
    return this.bus.request<SfuResult<M>>(sfuRpcTopic(nodeId), { method, params } satisfies SfuRpcMessage, this.timeoutMs);
  }
}
