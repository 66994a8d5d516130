/**
 * The faithfulness stopping rule (docs/method.md, Pipeline step 2), tfjs adapter: occlude the chosen
 * patches of every image cumulatively, run the model once over all variants of a batch of
 * images, and keep the patches before the drop stops growing by `threshold`.
 */
import * as tf from '@tensorflow/tfjs';
import type { PatchWindow } from './heatmap';
import { cumulativeOcclusions, DEFAULT_FAITHFUL_THRESHOLD, faithfulCount, faithfulDecided, occlusionDrops } from './faithful';

/** Pre-softmax class scores of a batch: `[n, H, W, C]` -> `[n, classes]`. */
export type LogitsFn = (x: tf.Tensor4D) => tf.Tensor2D;

/** Options of {@link faithfulPatches}. */
export interface FaithfulOptions {
  /** The least drop increment a patch must add (paper: 0.1). */
  threshold?: number;
  /** Most images per forward pass (variants of several images are batched together). Default 256. */
  maxBatch?: number;
  /**
   * Occlusion variants evaluated per image per round. The rule stops at the first small
   * increment, so evaluating a few at a time and only continuing for images that have not
   * stopped saves most forward passes (on Fashion-MNIST most images stop after 1-2 patches).
   * The result is the same for any value; `Infinity` evaluates all variants in one round.
   * Default 2.
   */
  lookahead?: number;
  /** The target-class logit of each unoccluded image, if already known (saves one forward pass). */
  originalLogits?: ArrayLike<number>;
}

/** The result for one image. */
export interface FaithfulResult {
  /** How many leading patches to keep. */
  keep: number;
  /** `d_1..d_m` for the variants evaluated (`m >= keep`; all candidates if the rule never stopped). */
  drops: Float64Array;
  /** The target-class logit on the unoccluded image. */
  originalLogit: number;
}

const defaults = { threshold: DEFAULT_FAITHFUL_THRESHOLD, maxBatch: 256, lookahead: 2 } as const;

/**
 * Applies the stopping rule to a batch of images, evaluating cumulative occlusions lazily in
 * rounds of `lookahead` variants per undecided image, all images' variants of a round batched
 * into forward passes of at most `maxBatch` images.
 * @param logits the model as a function to pre-softmax logits
 * @param images `[n, H, W, C]` pixels, row-major (not modified)
 * @param shape `[n, H, W, C]`
 * @param windows the candidate windows of each image, in order of choice
 * @param classes the class whose logit is tracked, per image (the predicted class)
 * @returns one result per image; the tensor count is unchanged afterwards
 * @throws if the lengths disagree or an option is out of range
 */
export async function faithfulPatches(
  logits: LogitsFn, images: Float32Array, shape: readonly [number, number, number, number],
  windows: readonly (readonly PatchWindow[])[], classes: ArrayLike<number>, options: FaithfulOptions = {},
): Promise<FaithfulResult[]> {
  const [n, H, W, C] = shape;
  const threshold = options.threshold ?? defaults.threshold;
  const maxBatch = options.maxBatch ?? defaults.maxBatch;
  const lookahead = options.lookahead ?? defaults.lookahead;
  if (images.length !== n * H * W * C) throw new Error(`faithfulPatches: images has ${images.length} values, expected ${n}*${H}*${W}*${C}`);
  if (windows.length !== n || classes.length !== n) throw new Error(`faithfulPatches: expected ${n} window lists and classes, got ${windows.length} and ${classes.length}`);
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new Error(`faithfulPatches: maxBatch must be a positive integer, got ${maxBatch}`);
  if (!(lookahead >= 1 && (Number.isInteger(lookahead) || lookahead === Infinity))) throw new Error(`faithfulPatches: lookahead must be a positive integer or Infinity, got ${lookahead}`);
  if (options.originalLogits !== undefined && options.originalLogits.length !== n) throw new Error(`faithfulPatches: expected ${n} original logits, got ${options.originalLogits.length}`);
  const px = H * W * C;
  const image = (b: number) => images.subarray(b * px, (b + 1) * px);
  const original = options.originalLogits !== undefined
    ? Float64Array.from(options.originalLogits)
    : await targetLogits(logits, Array.from({ length: n }, (_, b) => image(b)), Array.from({ length: n }, (_, b) => classes[b]), [H, W, C], maxBatch);
  const drops: number[][] = windows.map(() => []);
  for (;;) {
    const parts: Float32Array[] = [], owner: number[] = [];
    for (let b = 0; b < n; b++) {
      const total = windows[b].length, from = drops[b].length;
      if (faithfulDecided(drops[b], total, threshold)) continue;
      const to = Math.min(total, from + lookahead);
      parts.push(cumulativeOcclusions(image(b), H, W, C, windows[b], { from, to }));
      for (let i = from; i < to; i++) owner.push(b);
    }
    if (owner.length === 0) break;
    const variants = parts.flatMap((p) => Array.from({ length: p.length / px }, (_, i) => p.subarray(i * px, (i + 1) * px)));
    const values = await targetLogits(logits, variants, owner.map((b) => classes[b]), [H, W, C], maxBatch);
    owner.forEach((b, v) => drops[b].push(occlusionDrops(original[b], [values[v]])[0]));
  }
  return drops.map((d, b) => ({ keep: faithfulCount(d, threshold), drops: Float64Array.from(d), originalLogit: original[b] }));
}

/** The logit of `classes[i]` for each image, in forward passes of at most `maxBatch` images. */
async function targetLogits(
  logits: LogitsFn, imgs: Float32Array[], classes: number[], [H, W, C]: [number, number, number], maxBatch: number,
): Promise<Float64Array> {
  const px = H * W * C;
  const out = new Float64Array(imgs.length);
  for (let start = 0; start < imgs.length; start += maxBatch) {
    const end = Math.min(imgs.length, start + maxBatch);
    const buf = new Float32Array((end - start) * px);
    for (let i = start; i < end; i++) buf.set(imgs[i], (i - start) * px);
    const t = tf.tidy(() => logits(tf.tensor4d(buf, [end - start, H, W, C])));
    const data = await t.data();
    const k = t.shape[1];
    t.dispose();
    for (let i = start; i < end; i++) out[i] = data[(i - start) * k + classes[i]];
  }
  return out;
}
