/**
 * The pure core of every CAM method (docs/method.md, Pipeline step 1): `cam = relu(sum_c weight * A_c)`, then
 * bilinear upsampling (src/cam/upsample.ts convention) and per-image min-max normalisation.
 * Pure: typed arrays in, new typed arrays out; inputs are never modified.
 */
import type { CamShape, CamWeighting } from './types';
import { upsampleBilinear } from './upsample';

/** Why a heatmap cannot be normalised: all zero, constant non-zero, or containing NaN/Infinity. */
export type HeatmapDefect = 'zero' | 'constant' | 'nonFinite';

/**
 * Combines activations and weights into one map per image: `relu(sum_c w * A_c)`.
 * @param acts activations, NHWC, length `n*h*w*c`
 * @param weights `n*c` values (`'channel'`) or `n*h*w*c` (`'element'`)
 * @param weighting layout of `weights`
 * @param shape batch shape
 * @returns `n*h*w` values, row-major per image
 * @throws {Error} if a length does not match the shape
 */
export function combineCam(acts: Float32Array, weights: Float32Array, weighting: CamWeighting, shape: CamShape): Float32Array {
  const { n, h, w, c } = shape;
  const hw = h * w;
  if (acts.length !== n * hw * c) throw new Error(`combineCam: acts has length ${acts.length}, expected n*h*w*c = ${n * hw * c}`);
  const expected = weighting === 'channel' ? n * c : n * hw * c;
  if (weights.length !== expected) throw new Error(`combineCam: ${weighting} weights have length ${weights.length}, expected ${expected}`);
  const out = new Float32Array(n * hw);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < hw; p++) {
      const base = (b * hw + p) * c;
      const wBase = weighting === 'channel' ? b * c : base;
      let acc = 0;
      for (let f = 0; f < c; f++) acc += weights[wBase + f] * acts[base + f];
      // relu that keeps NaN, so that a broken map is flagged rather than silently zeroed
      out[b * hw + p] = acc > 0 || Number.isNaN(acc) ? acc : 0;
    }
  }
  return out;
}

/**
 * Finds why a map cannot be min-max normalised, if it cannot.
 * @param map values of one image
 * @returns the defect, or null for a usable map
 */
export function heatmapDefect(map: ArrayLike<number>): HeatmapDefect | null {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (!Number.isFinite(v)) return 'nonFinite';
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === min) return max === 0 ? 'zero' : 'constant';
  return null;
}

/**
 * Min-max normalises one map to [0, 1]; a defective map (see {@link heatmapDefect}) becomes all zero.
 * @param map values of one image (not modified)
 * @returns a new normalised array
 */
export function normaliseMinMax(map: ArrayLike<number>): Float32Array {
  const out = new Float32Array(map.length);
  if (heatmapDefect(map) != null) return out;
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < map.length; i++) { min = Math.min(min, map[i]); max = Math.max(max, map[i]); }
  const scale = 1 / (max - min);
  for (let i = 0; i < map.length; i++) out[i] = (map[i] - min) * scale;
  return out;
}

/** One image's heatmaps from {@link camHeatmaps}. */
export interface CamHeatmap {
  /** `relu(sum_c w A_c)` at layer resolution `[h*w]`, not normalised. */
  layerMap: Float32Array;
  /** Upsampled to `[outH*outW]` and (if asked) min-max normalised; all zero when `defect` is set. */
  heatmap: Float32Array;
  /** Set when the map is all zero, constant or not finite. */
  defect: HeatmapDefect | null;
}

/** Options of {@link camHeatmaps}. */
export interface CamHeatmapOptions {
  /** Output `[height, width]`. Default: the layer resolution. */
  outputSize?: readonly [number, number];
  /** `'minmax'` (default) or `'none'`. */
  normalise?: 'minmax' | 'none';
}

/**
 * From activations and method weights to per-image heatmaps: combine, upsample, normalise.
 * @param acts activations, NHWC
 * @param weights method weights (see {@link combineCam})
 * @param weighting their layout
 * @param shape batch shape
 * @param options see {@link CamHeatmapOptions}
 * @returns one entry per image
 */
export function camHeatmaps(
  acts: Float32Array, weights: Float32Array, weighting: CamWeighting, shape: CamShape, options: CamHeatmapOptions = {},
): CamHeatmap[] {
  const [outH, outW] = options.outputSize ?? [shape.h, shape.w];
  const normalise = options.normalise ?? 'minmax';
  if (normalise !== 'minmax' && normalise !== 'none') throw new Error(`camHeatmaps: normalise must be 'minmax' or 'none', got ${String(normalise)}`);
  const maps = combineCam(acts, weights, weighting, shape);
  const hw = shape.h * shape.w;
  const result: CamHeatmap[] = [];
  for (let b = 0; b < shape.n; b++) {
    const layerMap = maps.slice(b * hw, (b + 1) * hw);
    const defect = heatmapDefect(layerMap);
    let heatmap: Float32Array;
    if (defect === 'nonFinite' || defect === 'zero') {
      heatmap = new Float32Array(outH * outW);
    } else {
      const up = outH === shape.h && outW === shape.w ? layerMap.slice() : upsampleBilinear(layerMap, 1, shape.h, shape.w, outH, outW);
      heatmap = normalise === 'minmax' ? normaliseMinMax(up) : up;
    }
    result.push({ layerMap, heatmap, defect });
  }
  return result;
}
