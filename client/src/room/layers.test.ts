import { describe, expect, it } from 'vitest';
import { spatialLayerForWidth } from './layers.js';

describe('spatialLayerForWidth', () => {
  it('spatialLayerForWidth picks the layer by rendered width', () => {
    expect(spatialLayerForWidth(0)).toBe(0);
    expect(spatialLayerForWidth(320)).toBe(0);
    expect(spatialLayerForWidth(321)).toBe(1);
    expect(spatialLayerForWidth(640)).toBe(1);
    expect(spatialLayerForWidth(641)).toBe(2);
    expect(spatialLayerForWidth(1920)).toBe(2);
  });
});
