/**
 * The faithfulness stopping rule (method.md, Pipeline 2), tfjs adapter: occlude the chosen
 * patches of every image cumulatively, run the model once over all variants of a batch of
 * images, and keep the patches before the drop stops growing by `threshold`.
 */
import * as tf from '@tensorflow/tfjs';
import type { PatchWindow } from './heatmap';
import { cumulativeOcclusions, DEFAULT_FAITHFUL_THRESHOLD, faithfulCount, occlusionDrops } from './faithful';

/** Pre-softmax class scores of a batch: `[n, H, W, C]` -> `[n, classes]`. */
export type LogitsFn = (x: tf.Tensor4D) => tf.Tensor2D;

/** Options of {@link faithfulPatches}. */
export interface FaithfulOptions {
  /** The least drop increment a patch must add (paper: 0.1). */
  threshold?: number;
  /** Most images per forward pass (variants of several images are batched together). Default 256. */
  maxBatch?: number;
  /** The predicted-class logit of each unoccluded image, if already known (saves one forward pass). */
  originalLogits?: ArrayLike<number>;
}

/** The result for one image. */
export interface FaithfulResult {
  /** How many leading patches to keep. */
  keep: number;
  /** `d_1..d_n` for all candidate patches. */
  drops: Float64Array;
  /** The target-class logit on the unoccluded image. */
  originalLogit: number;
}

const defaults = { threshold: DEFAULT_FAITHFUL_THRESHOLD, maxBatch: 256 } as const;

/**
 * Applies the stopping rule to a batch of images.
 * @param logits the model as a function to pre-softmax logits
 * @param images `[n, H, W, C]` pixels, row-major (not modified)
 * @param shape `[n, H, W, C]`
 * @param windows the candidate windows of each image, in order of choice
 * @param classes the class whose logit is tracked, per image (the predicted class)
 * @returns one result per image; the tensor count is unchanged afterwards
 * @throws if the lengths disagree
 */
export async function faithfulPatches(
  logits: LogitsFn, images: Float32Array, shape: readonly [number, number, number, number],
  windows: readonly (readonly PatchWindow[])[], classes: ArrayLike<number>, options: FaithfulOptions = {},
): Promise<FaithfulResult[]> {
  const [n, H, W, C] = shape;
  const threshold = options.threshold ?? defaults.threshold;
  const maxBatch = options.maxBatch ?? defaults.maxBatch;
  if (images.length !== n * H * W * C) throw new Error(`faithfulPatches: images has ${images.length} values, expected ${n}*${H}*${W}*${C}`);
  if (windows.length !== n || classes.length !== n) throw new Error(`faithfulPatches: expected ${n} window lists and classes, got ${windows.length} and ${classes.length}`);
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new Error(`faithfulPatches: maxBatch must be a positive integer, got ${maxBatch}`);
  const px = H * W * C;
  const withOriginals = options.originalLogits === undefined;
  // Variant list: per image, optionally the original, then its cumulative occlusions.
  const owner: number[] = [];
  const parts: Float32Array[] = [];
  for (let b = 0; b < n; b++) {
    const img = images.subarray(b * px, (b + 1) * px);
    if (withOriginals) { parts.push(img); owner.push(b); }
    if (windows[b].length) {
      parts.push(cumulativeOcclusions(img, H, W, C, windows[b]));
      for (let i = 0; i < windows[b].length; i++) owner.push(b);
    }
  }
  const all = new Float32Array(owner.length * px);
  let at = 0;
  for (const p of parts) { all.set(p, at); at += p.length; }
  const target = new Float64Array(owner.length);
  for (let start = 0; start < owner.length; start += maxBatch) {
    const end = Math.min(owner.length, start + maxBatch);
    const out = tf.tidy(() => logits(tf.tensor4d(all.subarray(start * px, end * px), [end - start, H, W, C])));
    const data = await out.data();
    const k = out.shape[1];
    out.dispose();
    for (let v = start; v < end; v++) target[v] = data[(v - start) * k + classes[owner[v]]];
  }
  const results: FaithfulResult[] = [];
  let v = 0;
  for (let b = 0; b < n; b++) {
    const original = withOriginals ? target[v++] : options.originalLogits![b];
    const occluded = target.subarray(v, v + windows[b].length);
    v += windows[b].length;
    const drops = occlusionDrops(original, occluded);
    results.push({ keep: faithfulCount(drops, threshold), drops, originalLogit: original });
  }
  return results;
}
