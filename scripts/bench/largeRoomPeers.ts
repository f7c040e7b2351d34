// The peers of the large-room bench (largeRoom.ts), all driven through a real SfuNode: one
// publisher (camera in three simulcast layers, mic, screen) fed over a PlainTransport, and
// synthetic subscribers, each a peer of the room with one receiving PlainTransport whose packets
// land on one of a few shared UDP sinks that count them by SSRC (largeRoomThreads.ts).
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

export type Suite = 'none' | 'AEAD_AES_256_GCM' | 'AES_CM_128_HMAC_SHA1_80';
const KEY_BYTES = { AEAD_AES_256_GCM: 44, AES_CM_128_HMAC_SHA1_80: 30 } as const;

/** Where the node put each subscriber's transport and consumers (learnt from mediasoup's observer). */
export interface Placement {
  workerOf: Map<string, number>; // peerId -> worker pid
  consumers: Map<number, Set<types.Consumer>>; // worker pid -> consumers on receiving plain transports
}

/** Hooks every worker mediasoup starts from now on (call before SfuNode.create). */
export function watchNode(suite: Suite): Placement {
  const placement: Placement = { workerOf: new Map(), consumers: new Map() };
  mediasoup.observer.on('newworker', (worker) => {
    worker.observer.on('newrouter', (router) => {
      const create = router.createPlainTransport.bind(router);
      const wrapped = async (options: types.PlainTransportOptions): Promise<types.PlainTransport> => {
        const appData = (options.appData ?? {}) as { peerId?: string; direction?: string };
        if (appData.direction !== 'recv') return create(options);
        const transport = await create(suite === 'none' ? options : { ...options, enableSrtp: true, srtpCryptoSuite: suite });
        if (suite !== 'none') {
          const connect = transport.connect.bind(transport);
          const srtpParameters = { cryptoSuite: suite, keyBase64: randomBytes(KEY_BYTES[suite]).toString('base64') };
          transport.connect = (params) => connect({ ...params, srtpParameters });
        }
        placement.workerOf.set(appData.peerId ?? '', worker.pid);
        const mine = placement.consumers.get(worker.pid) ?? new Set();
        placement.consumers.set(worker.pid, mine);
        transport.observer.on('newconsumer', (consumer) => {
          mine.add(consumer);
          consumer.observer.once('close', () => mine.delete(consumer));
        });
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

export interface Subscriber {
  peerId: string;
  /** Camera layer asked for (0: a thumbnail, 2: full size). */
  layer: number;
  /** The SSRC of each of its consumers, camera first. */
  ssrcs: { camera: number; mic: number; screen: number };
  /** When its first consume request went out (performance.now()). */
  consumeAt: number;
}

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
): Promise<Subscriber> {
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
  return { peerId, layer, ssrcs, consumeAt };
}
