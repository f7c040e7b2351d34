// The peers of the large-room bench (largeRoom.ts), all driven through real SfuNodes: one
// publisher (camera in three simulcast layers, mic, screen) fed over a PlainTransport, and
// synthetic subscribers, each a peer of the room: most with one receiving PlainTransport whose
// packets land on one of a few shared UDP sinks that count them by SSRC (largeRoomThreads.ts),
// some (--webrtc) with a WebRtcTransport answered by a headless werift peer connection in a
// child process (sfuWebrtcSubscribers.ts). With two nodes, the room is linked across them as the
// API's RoomMesh links it (linkNodes).
//
// SfuNode's plain transports carry plain RTP (its API has no SRTP option: the recorder is local).
// A browser's media is encrypted, and SRTP is a good part of a worker's cost per packet, so the
// bench turns every receiving PlainTransport the node creates into an SRTP one (AEAD_AES_256_GCM
// by default, as sfu.ts's srtp cases): it wraps the createPlainTransport of each router the
// node's workers make (mediasoup's observer) and the connect of what it returns. The node's own
// code is untouched; `--srtp=none` leaves the transports as they are.
import { randomBytes } from 'node:crypto';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { RtpCapabilities, SfuNode } from '@lectern/sfu';
import type { Sinks } from './largeRoomThreads.js';
import type { RtpStream } from './sfuRtp.js';
import { answerDtls, consumerOffer } from './sfuSdp.js';
import type { WebRtcSubscribers } from './sfuWebrtcSubscribers.js';

export type Suite = 'none' | 'AEAD_AES_256_GCM' | 'AES_CM_128_HMAC_SHA1_80';
const KEY_BYTES = { AEAD_AES_256_GCM: 44, AES_CM_128_HMAC_SHA1_80: 30 } as const;

/** Where the nodes put each subscriber's transport and consumers, and what crosses between nodes (learnt from mediasoup's observer). */
export interface Placement {
  workerOf: Map<string, number>; // peerId -> worker pid
  consumers: Map<number, Set<types.Consumer>>; // worker pid -> consumers on receiving transports (plain or WebRTC)
  pipeOut: Map<number, Set<types.Consumer>>; // worker pid -> consumers on pipe transports towards another node
  pipeIn: Map<number, Set<types.Producer>>; // worker pid -> producers piped in from another node
}

/** Adds `item` to `pid`'s set in `by` until it closes. */
function track<T extends { observer: { once(event: 'close', listener: () => void): unknown } }>(by: Map<number, Set<T>>, pid: number, item: T): void {
  const mine = by.get(pid) ?? new Set<T>();
  by.set(pid, mine);
  mine.add(item);
  item.observer.once('close', () => mine.delete(item));
}

/** Hooks every worker mediasoup starts from now on (call before SfuNode.create). */
export function watchNode(suite: Suite): Placement {
  const placement: Placement = { workerOf: new Map(), consumers: new Map(), pipeOut: new Map(), pipeIn: new Map() };
  mediasoup.observer.on('newworker', (worker) => {
    worker.observer.on('newrouter', (router) => {
      router.observer.on('newtransport', (transport) => {
        const appData = transport.appData as { peerId?: string; direction?: string; remoteNodeId?: string };
        if (appData.remoteNodeId !== undefined) {
          transport.observer.on('newconsumer', (consumer) => track(placement.pipeOut, worker.pid, consumer));
          transport.observer.on('newproducer', (producer) => track(placement.pipeIn, worker.pid, producer));
        } else if (appData.direction === 'recv') {
          placement.workerOf.set(appData.peerId ?? '', worker.pid);
          transport.observer.on('newconsumer', (consumer) => track(placement.consumers, worker.pid, consumer));
        }
      });
      if (suite === 'none') return;
      const create = router.createPlainTransport.bind(router);
      const wrapped = async (options: types.PlainTransportOptions): Promise<types.PlainTransport> => {
        if ((options.appData as { direction?: string } | undefined)?.direction !== 'recv') return create(options);
        const transport = await create({ ...options, enableSrtp: true, srtpCryptoSuite: suite });
        const connect = transport.connect.bind(transport);
        const srtpParameters = { cryptoSuite: suite, keyBase64: randomBytes(KEY_BYTES[suite]).toString('base64') };
        transport.connect = (params) => connect({ ...params, srtpParameters });
        return transport;
      };
      router.createPlainTransport = wrapped as typeof router.createPlainTransport;
    });
  });
  return placement;
}

/** The publisher's streams: the camera's three layers, the mic and the screen (rates per second at --rate=1). */
export function publisherStreams(rate: number): { camera: RtpStream[]; mic: RtpStream; screen: RtpStream } {
  const s = (ssrc: number, pt: number, bytes: number, pps: number, video: boolean): RtpStream => ({ port: 0, ssrc, pt, bytes, pps: pps * rate, video });
  return {
    camera: [s(0x2001, 101, 600, 20, true), s(0x2002, 101, 1100, 50, true), s(0x2003, 101, 1100, 150, true)],
    mic: s(0x3001, 100, 120, 50, false),
    screen: s(0x4001, 101, 1100, 30, true),
  };
}

export interface Published {
  camera: string;
  mic: string;
  screen: string;
}

/** Adds the publisher peer and its three producers on one comedia PlainTransport; sets every stream's port. */
export async function publish(node: SfuNode, roomId: string, streams: ReturnType<typeof publisherStreams>): Promise<Published> {
  const peerId = 'publisher';
  await node.addPeer({ roomId, peerId });
  const t = await node.createPlainTransport({ roomId, peerId, direction: 'send', comedia: true });
  for (const stream of [...streams.camera, streams.mic, streams.screen]) [stream.port, stream.rtcpPort] = [t.port, t.rtcpPort];
  const vp8 = [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }];
  const produce = async (kind: 'audio' | 'video', source: 'webcam' | 'mic' | 'screen', rtpParameters: types.RtpParameters) =>
    (await node.produce({ roomId, peerId, transportId: t.id, kind, rtpParameters, appData: { source } })).id;
  return {
    camera: await produce('video', 'webcam', { codecs: vp8, encodings: streams.camera.map((c) => ({ ssrc: c.ssrc })) }),
    mic: await produce('audio', 'mic', { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: streams.mic.ssrc }] }),
    screen: await produce('video', 'screen', { codecs: vp8, encodings: [{ ssrc: streams.screen.ssrc }] }),
  };
}

/**
 * What a subscriber announces: the room's codecs and header extensions but for transport-cc
 * and abs-send-time. A plain-RTP receiver never sends the feedback a bandwidth estimator needs;
 * without it mediasoup would cap the simulcast layers at its initial estimate instead of
 * forwarding the preferred one.
 */
export function subscriberCaps(room: RtpCapabilities): RtpCapabilities {
  return {
    codecs: room.codecs ?? [],
    headerExtensions: (room.headerExtensions ?? []).filter((e) => !/transport-wide-cc|abs-send-time/.test(e.uri)),
  };
}

/**
 * What a headless WebRTC subscriber announces, as a browser would but for what it does not need
 * here: VP8 with RTX, NACK, PLI, FIR and transport-cc (mediasoup estimates its bandwidth), Opus;
 * the mid, abs-send-time and transport-cc header extensions on video, mid on audio.
 */
export function webrtcCaps(room: RtpCapabilities): RtpCapabilities {
  const wanted = { video: /sdes:mid|abs-send-time|transport-wide-cc/, audio: /sdes:mid/ };
  return {
    codecs: (room.codecs ?? []).filter((c) => ['video/VP8', 'video/rtx', 'audio/opus'].includes(c.mimeType)),
    headerExtensions: (room.headerExtensions ?? []).filter((e) => wanted[e.kind].test(e.uri)),
  };
}

interface SubscriberBase {
  peerId: string;
  /** Camera layer asked for (0: a thumbnail, 2: full size). */
  layer: number;
  /** When its first consume request went out (performance.now()). */
  consumeAt: number;
}
/** A PlainTransport subscriber: camera, mic and screen to a shared sink, by SSRC. */
export interface PlainSubscriber extends SubscriberBase {
  kind: 'plain';
  /** The SSRC of each of its consumers, camera first. */
  ssrcs: { camera: number; mic: number; screen: number };
}
/** A WebRTC subscriber: camera (layer 0) and mic to werift peer connection `id` of the subscribers' process. */
export interface WebRtcSubscriber extends SubscriberBase {
  kind: 'webrtc';
  id: number;
}
export type Subscriber = PlainSubscriber | WebRtcSubscriber;

/** One subscriber: a peer, a receiving PlainTransport to a shared sink, and a consumer per producer (camera first). */
export async function subscribe(
  node: SfuNode,
  roomId: string,
  peerId: string,
  layer: number,
  sinks: Sinks,
  sinkIndex: number,
  caps: RtpCapabilities,
  published: Published,
): Promise<PlainSubscriber> {
  await node.addPeer({ roomId, peerId });
  const t = await node.createPlainTransport({ roomId, peerId, direction: 'recv', comedia: false });
  await node.connectPlainTransport({ roomId, peerId, transportId: t.id, ip: '127.0.0.1', port: sinks.port(sinkIndex), rtcpPort: sinks.rtcpPort });
  const consumeAt = performance.now();
  const ssrcs = { camera: 0, mic: 0, screen: 0 };
  for (const source of ['camera', 'mic', 'screen'] as const) {
    const c = await node.consume({ roomId, peerId, transportId: t.id, producerId: published[source], rtpCapabilities: caps });
    const ssrc = c.rtpParameters.encodings?.[0]?.ssrc;
    if (ssrc === undefined) throw new Error(`consumer ${c.id} has no SSRC`);
    ssrcs[source] = ssrc;
    sinks.watch(ssrc);
    if (source === 'camera') await node.setPreferredLayers({ roomId, peerId, consumerId: c.id, spatialLayer: layer });
    await node.resumeConsumer({ roomId, peerId, consumerId: c.id });
  }
  return { kind: 'plain', peerId, layer, ssrcs, consumeAt };
}

/**
 * One WebRTC subscriber, as a browser joins: a peer, a receiving WebRtcTransport, consumers of
 * the camera (preferring layer 0) and the mic, an offer for both to werift peer connection `id`,
 * the transport connected with its answer's DTLS parameters, then the consumers resumed.
 */
export async function subscribeWebRtc(
  node: SfuNode,
  roomId: string,
  peerId: string,
  subscribers: WebRtcSubscribers,
  id: number,
  caps: RtpCapabilities,
  published: Published,
): Promise<WebRtcSubscriber> {
  await node.addPeer({ roomId, peerId });
  const t = await node.createWebRtcTransport({ roomId, peerId, direction: 'recv' });
  const consumeAt = performance.now();
  const camera = await node.consume({ roomId, peerId, transportId: t.id, producerId: published.camera, rtpCapabilities: caps });
  await node.setPreferredLayers({ roomId, peerId, consumerId: camera.id, spatialLayer: 0 });
  const mic = await node.consume({ roomId, peerId, transportId: t.id, producerId: published.mic, rtpCapabilities: caps });
  const answer = await subscribers.open(id, consumerOffer(t, [camera, mic]));
  await node.connectTransport({ roomId, peerId, transportId: t.id, dtlsParameters: answerDtls(answer) });
  for (const c of [camera, mic]) await node.resumeConsumer({ roomId, peerId, consumerId: c.id });
  return { kind: 'webrtc', peerId, layer: 0, id, consumeAt };
}

/**
 * Links the room on node `from` (the publisher's) to the same room on node `to` as the API's
 * RoomMesh does: a pipe created on both, each connected to the other's end, then each of the
 * publisher's producers piped out of `from` and in to `to`.
 */
export async function linkNodes(roomId: string, from: { id: string; node: SfuNode }, to: { id: string; node: SfuNode }, published: Published): Promise<void> {
  const [endFrom, endTo] = await Promise.all([from.node.createPipe({ roomId, remoteNodeId: to.id }), to.node.createPipe({ roomId, remoteNodeId: from.id })]);
  await Promise.all([from.node.connectPipe({ roomId, remoteNodeId: to.id, ...endTo }), to.node.connectPipe({ roomId, remoteNodeId: from.id, ...endFrom })]);
  for (const producerId of [published.camera, published.mic, published.screen]) {
    const out = await from.node.pipeProducerOut({ roomId, remoteNodeId: to.id, producerId });
    await to.node.pipeProducerIn({ roomId, remoteNodeId: from.id, producerId, ...out });
  }
}
