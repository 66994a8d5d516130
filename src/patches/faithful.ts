/**
 * The faithfulness stopping rule (docs/method.md, Pipeline step 2), pure part: build cumulatively occluded
 * copies of an image, turn logits into drops, and count the patches to keep.
 */
import type { PatchWindow } from './heatmap';

/** The paper's stopping threshold on the drop increment. */
export const DEFAULT_FAITHFUL_THRESHOLD = 0.1;

/**
 * How many patches to keep given the cumulative-occlusion drops `d_1..d_n`
 * (`d_i = 1 - logit(occluded 1..i) / logit(original)`, with `d_0 = 0`): stop at the first `i`
 * with `d_i - d_(i-1) < threshold` and keep `1..i-1`, but at least one patch. If no `i` stops,
 * all `n` are kept; with no patches, 0. A non-finite increment counts as a stop.
 * @param drops `d_1..d_n`
 * @param threshold the minimum increment a patch must add (paper: 0.1)
 * @returns the number of leading patches to keep
 * @example faithfulCount([0.5, 0.55], 0.1) // 1: the second patch adds only 0.05
 */
export function faithfulCount(drops: ArrayLike<number>, threshold: number = DEFAULT_FAITHFUL_THRESHOLD): number {
  if (!Number.isFinite(threshold)) throw new Error(`faithfulCount: threshold must be a finite number, got ${threshold}`);
  const n = drops.length;
  if (n === 0) return 0;
  let prev = 0;
  for (let i = 1; i <= n; i++) {
    const inc = drops[i - 1] - prev;
    if (!(inc >= threshold)) return Math.max(1, i - 1);
    prev = drops[i - 1];
  }
  return n;
}

/**
 * Drops `d_i = 1 - occluded[i] / original` of the predicted-class logit.
 * @param original the logit on the unoccluded image
 * @param occluded the logits with patches `1..i` occluded, `i = 1..n`
 */
export function occlusionDrops(original: number, occluded: ArrayLike<number>): Float64Array {
  const out = new Float64Array(occluded.length);
  for (let i = 0; i < occluded.length; i++) out[i] = 1 - occluded[i] / original;
  return out;
}

/**
 * Whether the stopping rule is already decided by the drops evaluated so far: true when some
 * evaluated increment is below `threshold` (or not finite), or when all `total` drops are known.
 * Lets callers evaluate the occlusions lazily, a few at a time.
 */
export function faithfulDecided(drops: ArrayLike<number>, total: number, threshold: number = DEFAULT_FAITHFUL_THRESHOLD): boolean {
  if (drops.length >= total) return true;
  let prev = 0;
  for (let i = 0; i < drops.length; i++) {
    if (!(drops[i] - prev >= threshold)) return true;
    prev = drops[i];
  }
  return false;
}

/** Options of {@link cumulativeOcclusions}. */
export interface OcclusionRangeOptions {
  /** First variant to emit (0-based; windows before it are applied but not emitted). Default 0. */
  from?: number;
  /** One past the last variant to emit. Default `windows.length`. */
  to?: number;
}

/**
 * Cumulatively occluded copies of one image: copy `i` (0-based) has windows `0..i` set to zero in
 * every channel. The input image is not modified.
 * @param image `height * width * channels` values, row-major HWC
 * @param options emit only variants `[from, to)`
 * @returns the variants back to back, `[to - from, height, width, channels]`
 * @throws if the image length does not match, a window is outside the image, or the range is bad
 */
export function cumulativeOcclusions(
  image: Float32Array, height: number, width: number, channels: number, windows: readonly PatchWindow[],
  options: OcclusionRangeOptions = {},
): Float32Array {
  const px = height * width * channels;
  const from = options.from ?? 0, to = options.to ?? windows.length;
  if (image.length !== px) throw new Error(`cumulativeOcclusions: image has ${image.length} values, expected ${height}*${width}*${channels} = ${px}`);
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= windows.length)) {
    throw new Error(`cumulativeOcclusions: range [${from}, ${to}) is not within [0, ${windows.length}]`);
  }
  const out = new Float32Array((to - from) * px);
  const current = Float32Array.from(image);
  for (let i = 0; i < to; i++) {
    const w = windows[i];
    if (!(w.x >= 0 && w.y >= 0 && w.x + w.size <= width && w.y + w.size <= height)) {
      throw new Error(`cumulativeOcclusions: window ${i} (x=${w.x}, y=${w.y}, size=${w.size}) is outside the ${width}x${height} image`);
    }
    for (let y = w.y; y < w.y + w.size; y++) {
      current.fill(0, (y * width + w.x) * channels, (y * width + w.x + w.size) * channels);
    }
    if (i >= from) out.set(current, (i - from) * px);
  }
  return out;
}
