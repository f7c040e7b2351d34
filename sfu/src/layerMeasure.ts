import type { types as ms } from 'mediasoup';

/**
 * The bandwidth picture for `consumer` on spatial layer `toLayer` at its full frame rate: the
 * transport's estimate, and what the transport would send then (its current send rate, with
 * what this consumer sends now swapped for the producer's whole stream of that layer).
 */
export async function measureStep(
  transport: ms.WebRtcTransport,
  producer: ms.Producer,
  consumer: ms.Consumer,
  toLayer: number,
): Promise<{ availableBps: number; neededBps: number } | null> {
  if (transport.closed || producer.closed || consumer.closed) return null;
  const [[t], streams, own] = await Promise.all([transport.getStats(), producer.getStats(), consumer.getStats()]);
  const available = t?.availableOutgoingBitrate;
  if (available === undefined || t === undefined) return null;
  const encodings = producer.rtpParameters.encodings ?? [];
  const bitrateOf = (layer: number | undefined) => {
    const e = layer === undefined ? undefined : encodings[layer];
    if (!e) return 0;
    return streams.find((s) => (e.rid !== undefined && s.rid === e.rid) || (e.ssrc !== undefined && s.ssrc === e.ssrc))?.bitrate ?? 0;
  };
  const target = bitrateOf(toLayer);
  if (target === 0) return null; // that layer is not running (yet)
  const sending = own.find((x) => x.type === 'outbound-rtp')?.bitrate ?? bitrateOf(consumer.currentLayers?.spatialLayer);
  return { availableBps: available, neededBps: Math.max(0, t.sendBitrate - sending) + target };
}
