/**
 * Heatmaps as plain typed arrays (docs/method.md, Pipeline steps 1-2): a row-major `Float32Array` of
 * `height * width` values with its size, plus the square patch windows cut from it.
 */

/** A single-channel map over the input image, row-major (`data[y * width + x]`). */
export interface Heatmap {
  /** `height * width` values, row-major. */
  data: Float32Array;
  width: number;
  height: number;
}

/** A square window of an image, in input pixels, always fully inside the image. */
export interface PatchWindow {
  /** Left column (inclusive). */
  x: number;
  /** Top row (inclusive). */
  y: number;
  /** Side length; the window covers columns `x .. x+size-1` and rows `y .. y+size-1`. */
  size: number;
  /** Mean heatmap value inside the window at the moment it was chosen. */
  score: number;
}

/** What a heatmap holds: usable values, nothing (all zero or negative), or NaN somewhere. */
export type HeatmapStatus = 'ok' | 'zero' | 'nan';

/**
 * Checks that a heatmap has the declared shape.
 * @throws naming the size mismatch or a non-positive size
 */
export function checkHeatmap(heatmap: Heatmap, what = 'heatmap'): void {
  const { data, width, height } = heatmap;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`${what}: width and height must be positive integers, got ${width}x${height}`);
  }
  if (!(data instanceof Float32Array)) throw new Error(`${what}: data must be a Float32Array`);
  if (data.length !== width * height) {
    throw new Error(`${what}: data has ${data.length} values, expected width*height = ${width}*${height} = ${width * height}`);
  }
}

/**
 * Classifies a heatmap: `'nan'` if any value is not finite, `'zero'` if no value is positive
 * (nothing to extract), else `'ok'`. Extraction skips the first two and counts them.
 */
export function heatmapStatus(heatmap: Heatmap): HeatmapStatus {
  const d = heatmap.data;
  let positive = false;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!Number.isFinite(v)) return 'nan';
    if (v > 0) positive = true;
  }
  return positive ? 'ok' : 'zero';
}

/**
 * Summed-area table of a heatmap: `(height+1) x (width+1)` float64 values with
 * `sat[(y)*(width+1) + x] = sum of data over rows < y and columns < x`, so any window sum is
 * four look-ups.
 */
export function summedAreaTable(data: Float32Array, width: number, height: number): Float64Array {
  const w1 = width + 1;
  const sat = new Float64Array((height + 1) * w1);
  for (let y = 0; y < height; y++) {
    let row = 0;
    const src = y * width, dst = (y + 1) * w1, up = y * w1;
    for (let x = 0; x < width; x++) {
      row += data[src + x];
      sat[dst + x + 1] = sat[up + x + 1] + row;
    }
  }
  return sat;
}

/** Sum of the window `[x, x+w) x [y, y+h)` from a summed-area table of a map `width` wide. */
export function windowSum(sat: Float64Array, width: number, x: number, y: number, w: number, h: number): number {
  const w1 = width + 1;
  return sat[(y + h) * w1 + x + w] - sat[y * w1 + x + w] - sat[(y + h) * w1 + x] + sat[y * w1 + x];
}

/** Intersection over union of two square windows. */
export function windowIoU(a: { x: number; y: number; size: number }, b: { x: number; y: number; size: number }): number {
  const ix = Math.max(0, Math.min(a.x + a.size, b.x + b.size) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.size, b.y + b.size) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.size * a.size + b.size * b.size - inter;
  return union > 0 ? inter / union : 0;
}

/** The default window side for an input of side `inputSize`: a quarter, rounded (56 at 224, 7 at 28). */
export function defaultWindowSize(inputSize: number): number {
  return Math.max(1, Math.round(inputSize / 4));
}

/** The default suppression inset for a window side: 10 px at 56, scaled (`round(size*10/56)`). */
export function defaultInset(windowSize: number): number {
  return Math.round((windowSize * 10) / 56);
}
