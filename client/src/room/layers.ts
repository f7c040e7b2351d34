// Which simulcast layer a rendered video needs: small tiles get the small layer.

export type SpatialLayer = 0 | 1 | 2;

/** Rendered CSS width of the <video> -> spatial layer (<=320 -> 0, <=640 -> 1, else 2). */
export function spatialLayerForWidth(cssWidth: number): SpatialLayer {
  if (cssWidth <= 320) return 0;
  if (cssWidth <= 640) return 1;
  return 2;
}
