/**
 * Filter scores of a patch (docs/method.md, Pipeline step 3): for each filter `f` of layer `L`, the sum of
 * its activation map, bilinearly upsampled to input size, inside the patch window.
 *
 * The upsample is linear and separable (`U_f = Wy · A_f · Wxᵀ`, see src/cam/upsample.ts for the
 * shared convention), so the window sum is `ryᵀ · A_f · cx` with `ry` = the column sums of the
 * window's rows of `Wy` (length h) and `cx` likewise (length w). With prefix sums of `Wy`/`Wx`
 * these coefficient vectors cost O(h + w) per window and the scores of all F filters one pass
 * over the small `[h, w, F]` map - instead of materialising F maps of `H x W`.
 *
 * Pure: no tfjs import.
 */
import { bilinearPrefixWeights, upsampleBilinear } from '../cam/upsample';

/** One image's activations at a layer, NHWC without the batch axis: `data[(i * width + j) * channels + f]`. */
export interface ActivationMaps {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** A square window in input pixels. */
export interface ScoreWindow { x: number; y: number; size: number }

/** Computes filter scores of windows for activation maps of one fixed shape (weights are cached). */
export interface WindowScorer {
  /**
   * Scores of every filter for one window.
   * @param acts `height * width * channels` activations (NHWC, one image); `offset` lets it be a slice of a batch
   * @param out optional `channels`-long output to fill
   */
  scores(acts: Float32Array, window: ScoreWindow, out?: Float32Array, offset?: number): Float32Array;
}

/**
 * Makes a scorer for activation maps of `actHeight x actWidth x channels` and an input of
 * `inputHeight x inputWidth` pixels.
 * @throws if a size is not a positive integer
 */
export function createWindowScorer(
  actHeight: number, actWidth: number, channels: number, inputHeight: number, inputWidth: number,
): WindowScorer {
  for (const [n, v] of Object.entries({ actHeight, actWidth, channels, inputHeight, inputWidth })) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`createWindowScorer: ${n} must be a positive integer, got ${v}`);
  }
  const py = bilinearPrefixWeights(actHeight, inputHeight);
  const px = bilinearPrefixWeights(actWidth, inputWidth);
  const ry = new Float64Array(actHeight), cx = new Float64Array(actWidth);
  const acc = new Float64Array(channels);
  const h = actHeight, w = actWidth, F = channels;
  return {
    scores(acts, win, out = new Float32Array(F), offset = 0) {
      if (!(Number.isInteger(win.x) && Number.isInteger(win.y) && Number.isInteger(win.size) && win.size >= 1 &&
            win.x >= 0 && win.y >= 0 && win.x + win.size <= inputWidth && win.y + win.size <= inputHeight)) {
        throw new Error(`windowScorer: window (x=${win.x}, y=${win.y}, size=${win.size}) is not inside the ${inputWidth}x${inputHeight} input`);
      }
      if (acts.length < offset + h * w * F) throw new Error(`windowScorer: activations too short (${acts.length} < ${offset} + ${h}*${w}*${F})`);
      if (out.length !== F) throw new Error(`windowScorer: out has length ${out.length}, expected ${F}`);
      for (let i = 0; i < h; i++) ry[i] = py[(win.y + win.size) * h + i] - py[win.y * h + i];
      for (let j = 0; j < w; j++) cx[j] = px[(win.x + win.size) * w + j] - px[win.x * w + j];
      acc.fill(0);
      for (let i = 0; i < h; i++) {
        if (ry[i] === 0) continue; // a window touches only a few source rows
        for (let j = 0; j < w; j++) {
          const c = ry[i] * cx[j];
          if (c === 0) continue;
          const base = offset + (i * w + j) * F;
          for (let f = 0; f < F; f++) acc[f] += c * acts[base + f];
        }
      }
      for (let f = 0; f < F; f++) out[f] = acc[f];
      return out;
    },
  };
}

/**
 * Filter scores of one window, the fast way (see the module comment).
 * @returns `channels` scores
 */
export function windowFilterScores(acts: ActivationMaps, window: ScoreWindow, inputHeight: number, inputWidth: number): Float32Array {
  checkMaps(acts);
  return createWindowScorer(acts.height, acts.width, acts.channels, inputHeight, inputWidth).scores(acts.data, window);
}

/**
 * Reference for {@link windowFilterScores}: upsample every filter map to input size, then sum
 * the window. O(F * H * W); for tests and benchmarks.
 */
export function windowFilterScoresNaive(acts: ActivationMaps, window: ScoreWindow, inputHeight: number, inputWidth: number): Float32Array {
  checkMaps(acts);
  const { height: h, width: w, channels: F, data } = acts;
  const planar = new Float32Array(F * h * w); // NHWC -> one [h x w] map per filter
  for (let p = 0; p < h * w; p++) for (let f = 0; f < F; f++) planar[f * h * w + p] = data[p * F + f];
  const up = upsampleBilinear(planar, F, h, w, inputHeight, inputWidth);
  const out = new Float32Array(F);
  for (let f = 0; f < F; f++) {
    let s = 0;
    const base = f * inputHeight * inputWidth;
    for (let y = window.y; y < window.y + window.size; y++) {
      for (let x = window.x; x < window.x + window.size; x++) s += up[base + y * inputWidth + x];
    }
    out[f] = s;
  }
  return out;
}

function checkMaps(a: ActivationMaps): void {
  if (a.data.length !== a.height * a.width * a.channels) {
    throw new Error(`activation maps: data has ${a.data.length} values, expected ${a.height}*${a.width}*${a.channels}`);
  }
}
