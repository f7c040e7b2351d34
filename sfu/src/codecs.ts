import type { types as ms } from 'mediasoup';

/**
 * The codecs every room's router offers: Opus, VP8 and constrained-baseline H264. Opus asks
 * for in-band FEC (a lost packet is rebuilt from the next one's redundancy) and DTX (near
 * silence costs almost nothing), so speech holds up on lossy links. RED (audio/red) is not
 * offered: mediasoup 3.19's supported capabilities do not include it.
 */
export const MEDIA_CODECS: readonly ms.RouterRtpCodecCapability[] = Object.freeze([
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 } },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    parameters: { 'x-google-start-bitrate': 1000 },
  },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: {
      'packetization-mode': 1,
      'profile-level-id': '42e01f',
      'level-asymmetry-allowed': 1,
      'x-google-start-bitrate': 1000,
    },
  },
]);

/** Simulcast layers the client publishes the camera with (low, mid, high). */
export const SIMULCAST_LAYERS = 3;

/**
 * Maps the size a receiver renders a video at to the spatial layer worth sending:
 * up to 320px wide -> 0, up to 640px -> 1, larger -> 2. Only the width decides (the
 * height is accepted so callers can pass the element's box as-is).
 */
export function spatialLayerForViewport(width: number, _height: number): number {
  const w = Number.isFinite(width) ? width : 0;
  if (w <= 320) return 0;
  if (w <= 640) return 1;
  return SIMULCAST_LAYERS - 1;
}
