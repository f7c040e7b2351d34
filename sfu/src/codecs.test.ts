import { describe, expect, it } from 'vitest';
import { MEDIA_CODECS, spatialLayerForViewport } from './codecs.js';

describe('codecs', () => {
  it('spatialLayerForViewport maps the rendered width to a simulcast layer', () => {
    expect(spatialLayerForViewport(0, 0)).toBe(0);
    expect(spatialLayerForViewport(160, 90)).toBe(0);
    expect(spatialLayerForViewport(320, 180)).toBe(0);
    expect(spatialLayerForViewport(321, 180)).toBe(1);
    expect(spatialLayerForViewport(640, 360)).toBe(1);
    expect(spatialLayerForViewport(641, 360)).toBe(2);
    expect(spatialLayerForViewport(1920, 1080)).toBe(2);
    expect(spatialLayerForViewport(Number.NaN, 100)).toBe(0);
  });

  it('MEDIA_CODECS offers opus stereo (with in-band FEC and DTX), VP8 and H264 constrained baseline', () => {
    expect(MEDIA_CODECS.map((c) => c.mimeType)).toEqual(['audio/opus', 'video/VP8', 'video/H264']);
    expect(MEDIA_CODECS[0]?.parameters).toEqual({ useinbandfec: 1, usedtx: 1 });
    expect(MEDIA_CODECS[2]?.parameters).toMatchObject({ 'packetization-mode': 1, 'profile-level-id': '42e01f' });
  });
});
