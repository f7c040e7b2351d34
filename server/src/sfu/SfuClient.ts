// The gateway's view of the SFU: every call is a JSON request over the Bus to the node
// that hosts the room, so the same code drives an in-process SFU and a remote one.
import type { SfuApi } from '@lectern/sfu';
import type { Bus } from '../bus/Bus.js';

export type MediaKind = 'audio' | 'video';
export type Source = 'mic' | 'webcam' | 'screen';

/** The SFU's request surface (from @lectern/sfu); every call is JSON in and out. */
export type SfuMethodName = keyof SfuApi;
export type SfuParams<M extends SfuMethodName> = Parameters<SfuApi[M]>[0];
export type SfuResult<M extends SfuMethodName> = Awaited<ReturnType<SfuApi[M]>>;

/** Events the SFU publishes (all carry roomId). */
export type SfuEvent =
  | { type: 'newProducer'; roomId: string; peerId: string; producerId: string; kind: MediaKind; source: Source }
  | { type: 'producerClosed'; roomId: string; peerId: string; producerId: string }
  | { type: 'producerPaused'; roomId: string; peerId: string; producerId: string; source: Source }
  | { type: 'producerResumed'; roomId: string; peerId: string; producerId: string; source: Source }
  | { type: 'consumerClosed'; roomId: string; peerId: string; consumerId: string; producerId: string }
  | { type: 'activeSpeaker'; roomId: string; peerId: string | null }
  | { type: 'roomClosed'; roomId: string; reason: 'closed' | 'worker_died' };

export const sfuRpcTopic = (nodeId: string) => `lectern:sfu:${nodeId}:rpc`;
export const SFU_EVENTS_TOPIC = 'lectern:sfu:events';

export interface SfuRpcMessage {
  method: SfuMethodName;
  params: unknown;
}

export class SfuClient {
  constructor(
    readonly bus: Bus,
    /** Which node hosts a room; a single node answers 'local'. */
    readonly placement: (roomId: string) => Promise<string>,
    readonly timeoutMs = 10_000,
  ) {}

  async call<M extends SfuMethodName>(method: M, params: SfuParams<M>): Promise<SfuResult<M>> {
    const nodeId = await this.placement((params as { roomId: string }).roomId);
    return this.bus.request<SfuResult<M>>(sfuRpcTopic(nodeId), { method, params } satisfies SfuRpcMessage, this.timeoutMs);
  }
}
