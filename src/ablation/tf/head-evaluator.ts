/**
 * The fast {@link MaskEvaluator}s (docs/method.md, "Evaluation"): the activations at layer L are
 * cached once per image; masks are applied to the cache and only the head (the part of the model
 * after L) is evaluated. Two strategies, picked by name:
 *
 * - `generic`: builds batches of masked activations (masks and images mixed in one batch, rows
 *   copied from the cache in JavaScript - `tf.gather` on the wasm backend was two orders of
 *   magnitude slower) and runs the head on them. Works for any head, skips included.
 * - `affine`: when the head is affine in the activation (flatten or global average pooling, then
 *   linear dense layers; see {@link affineHeadProblem}), the head's linear map is read off once
 *   (one head pass per input unit), per-filter logit contributions are precomputed, and a mask
 *   costs a few vector subtractions per image (see `contributions.ts`). Exact up to float
 *   rounding; checked against the generic path on sample pairs when created.
 * - `auto` (default): `affine` when the head qualifies and the contributions fit the memory
 *   budget, else `generic`.
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationCache } from './activation-cache';
import { filterContributions, maskedLogitsFromContributions } from '../core/contributions';
import { scoreLogits } from '../core/metrics';
import type { MaskEvaluator, MaskPairs } from '../core/scorer';

/** How the head evaluates masks. */
export type HeadStrategy = 'auto' | 'affine' | 'generic';

/** Options of {@link createHeadEvaluator}. */
export interface HeadEvaluatorOptions {
  /** Strategy (see the module comment). Default `auto`. */
  strategy?: HeadStrategy;
  /** `generic`: (mask, image) pairs per head call. Default 1024. */
  batchSize?: number;
  /** `auto`: largest size in bytes of the per-filter contributions `[n, F, K]` float32 for `affine`. Default 1 GiB. */
  maxContributionBytes?: number;
}

const defaults = { strategy: 'auto' as HeadStrategy, batchSize: 1024, maxContributionBytes: 2 ** 30 };

/** The fast {@link MaskEvaluator}; it may hold tensors: call `dispose()` when done. */
export interface HeadMaskEvaluator extends MaskEvaluator {
  /** The strategy in use (`affine` or `generic`). */
  readonly strategy: 'affine' | 'generic';
  /**
   * The head's logits for each pair, row-major `[pairs, numClasses]` (what `evaluate` scores).
   * @param masks row-major `[rows, F]` masks
   * @param pairs (mask row, image) pairs
   */
  logits(masks: Float32Array, pairs: MaskPairs): Promise<Float32Array>;
  /** Frees what the evaluator holds (idempotent). */
  dispose(): void;
}

/** Layer classes that are affine maps in inference mode (with a linear activation where they have one). */
const AFFINE_LAYERS = new Set([
  'InputLayer', 'Flatten', 'Reshape', 'Permute', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'AveragePooling1D',
  'AveragePooling2D', 'Dropout', 'SpatialDropout1D', 'BatchNormalization', 'Dense', 'Conv1D', 'Conv2D', 'DepthwiseConv2D',
  'Activation', 'Add', 'ZeroPadding2D', 'FilterminePreSoftmaxDense',
]);

/**
 * Why a head is not affine in its activation input, or null if it is: it must have one input
 * (no skip tensors) and only layers of {@link AFFINE_LAYERS} classes with linear activations.
 * @param head the split's head
 */
export function affineHeadProblem(head: tf.LayersModel): string | null {
  if (head.inputs.length !== 1) return `the head has ${head.inputs.length} inputs (skip tensors cross the cut)`;
  for (const layer of head.layers) {
    const cls = layer.getClassName();
    if (!AFFINE_LAYERS.has(cls)) return `layer '${layer.name}' (${cls}) is not affine`;
    const act = (layer.getConfig() as { activation?: unknown }).activation;
    if (act !== undefined && act !== 'linear') return `layer '${layer.name}' (${cls}) has activation '${String(act)}'`;
  }
  return null;
}

interface Shapes { F: number; K: number; perImage: number; actShape: number[] }

function checkInputs(head: tf.LayersModel, cache: ActivationCache, labels: ArrayLike<number>): Shapes {
  if (labels.length !== cache.n) throw new Error(`createHeadEvaluator: ${labels.length} labels for ${cache.n} cached images`);
  const cached = [cache.activation, ...cache.skips];
  if (head.inputs.length !== cached.length) {
    throw new Error(`createHeadEvaluator: the head takes ${head.inputs.length} inputs but the cache holds ${cached.length} tensors (activation + ${cache.skips.length} skips)`);
  }
  head.inputs.forEach((inp, k) => {
    const want = inp.shape.slice(1).join(',');
    if (want !== cached[k].shape.join(',')) throw new Error(`createHeadEvaluator: head input ${k} has shape [${want}] but the cache has [${cached[k].shape}]`);
  });
  const actShape = cache.activation.shape;
  const out = head.outputs[0].shape;
  return { F: actShape[actShape.length - 1], K: out[out.length - 1] as number, perImage: actShape.reduce((a, b) => a * b, 1), actShape };
}

/** Row-major masked activations for pairs [s, e): row t = act[image[t]] * mask[mask[t]] (channel last). */
function maskedRows(act: Float32Array, perImage: number, F: number, masks: Float32Array, pairs: MaskPairs, s: number, e: number): Float32Array {
  const out = new Float32Array((e - s) * perImage);
  for (let t = s; t < e; t++) {
    const src = pairs.image[t] * perImage, dst = (t - s) * perImage, m = pairs.mask[t] * F;
    for (let p = 0; p < perImage; p += F) {
      for (let f = 0; f < F; f++) out[dst + p + f] = act[src + p + f] * masks[m + f];
    }
  }
  return out;
}

function genericLogits(head: tf.LayersModel, cache: ActivationCache, sh: Shapes, batchSize: number) {
  return async (masks: Float32Array, pairs: MaskPairs): Promise<Float32Array> => {
    const total = pairs.mask.length;
    const out = new Float32Array(total * sh.K);
    for (let s = 0; s < total; s += batchSize) {
      const e = Math.min(total, s + batchSize);
      const logits = tf.tidy(() => {
        const inputs = [tf.tensor(maskedRows(cache.activation.data, sh.perImage, sh.F, masks, pairs, s, e), [e - s, ...sh.actShape])];
        for (const skip of cache.skips) {
          const size = skip.shape.reduce((a, b) => a * b, 1);
          const rows = new Float32Array((e - s) * size);
          for (let t = s; t < e; t++) rows.set(skip.data.subarray(pairs.image[t] * size, (pairs.image[t] + 1) * size), (t - s) * size);
          inputs.push(tf.tensor(rows, [e - s, ...skip.shape]));
        }
        return head.predict(inputs.length === 1 ? inputs[0] : inputs, { batchSize: e - s }) as tf.Tensor;
      });
      out.set(await logits.data() as Float32Array, s * sh.K);
      logits.dispose();
    }
    return out;
  };
}

/** The head's linear map `[D, K]` and bias `[K]`, read off by evaluating it on 0 and on each unit input. */
async function linearMap(head: tf.LayersModel, sh: Shapes, batchSize: number): Promise<{ jacobian: Float32Array; bias: Float32Array }> {
  const D = sh.perImage, K = sh.K;
  const zero = tf.zeros([1, ...sh.actShape]);
  const b = head.predict(zero) as tf.Tensor;
  const bias = await b.data() as Float32Array;
  tf.dispose([zero, b]);
  const jacobian = new Float32Array(D * K);
  for (let s = 0; s < D; s += batchSize) {
    const e = Math.min(D, s + batchSize);
    const basis = new Float32Array((e - s) * D);
    for (let d = s; d < e; d++) basis[(d - s) * D + d] = 1;
    const x = tf.tensor(basis, [e - s, ...sh.actShape]);
    const y = head.predict(x, { batchSize: e - s }) as tf.Tensor;
    const data = await y.data();
    tf.dispose([x, y]);
    for (let t = 0; t < (e - s) * K; t++) jacobian[s * K + t] = data[t] - bias[t % K];
  }
  return { jacobian, bias };
}

/**
 * Makes the fast evaluator for a split's head over cached activations.
 * @param head the split's head: [activation, ...skips] -> logits
 * @param cache the body's outputs ({@link cacheActivations}); not mutated
 * @param labels true class per cached image
 * @param options see {@link HeadEvaluatorOptions}
 * @throws if the labels or the head's inputs do not match the cache; if `affine` is forced on a
 *   head that is not affine (naming the layer); if the affine map disagrees with the head on
 *   sample pairs (never silently wrong)
 * @example const ev = await createHeadEvaluator(split.head, cache, labels);
 */
export async function createHeadEvaluator(head: tf.LayersModel, cache: ActivationCache, labels: ArrayLike<number>, options: HeadEvaluatorOptions = {}): Promise<HeadMaskEvaluator> {
  const o = { ...defaults, ...options };
  if (!(Number.isInteger(o.batchSize) && o.batchSize > 0)) throw new Error(`createHeadEvaluator: batchSize must be a positive integer, got ${o.batchSize}`);
  if (!['auto', 'affine', 'generic'].includes(o.strategy)) throw new Error(`createHeadEvaluator: strategy must be 'auto', 'affine' or 'generic', got '${o.strategy}'`);
  const sh = checkInputs(head, cache, labels);
  const labelArr = Int32Array.from(labels);
  const generic = genericLogits(head, cache, sh, o.batchSize);
  let strategy: 'affine' | 'generic' = 'generic';
  const problem = affineHeadProblem(head);
  if (o.strategy === 'affine' && problem) throw new Error(`createHeadEvaluator: strategy 'affine' needs an affine head, but ${problem}`);
  if (o.strategy === 'affine' || (o.strategy === 'auto' && !problem && cache.n * sh.F * sh.K * 4 <= o.maxContributionBytes)) strategy = 'affine';
  let logitsOf = generic;
  if (strategy === 'affine') {
    const { jacobian, bias } = await linearMap(head, sh, o.batchSize);
    const contributions = filterContributions(cache.activation.data, cache.n, sh.F, jacobian, sh.K);
    const full = new Float64Array(cache.n * sh.K);
    for (let i = 0; i < cache.n; i++) {
      for (let k = 0; k < sh.K; k++) {
        let z = bias[k];
        for (let f = 0; f < sh.F; f++) z += contributions[(i * sh.F + f) * sh.K + k];
        full[i * sh.K + k] = z;
      }
    }
    logitsOf = async (masks, pairs) => maskedLogitsFromContributions(contributions, full, sh.F, sh.K, masks, pairs.mask, pairs.image);
    // Check against the head itself on a few images: unmasked and with every other channel ablated.
    const m = Math.min(cache.n, 8);
    const probe = new Float32Array(2 * sh.F).fill(1);
    for (let f = 0; f < sh.F; f += 2) probe[sh.F + f] = 0;
    const pairs = { mask: Int32Array.from({ length: 2 * m }, (_, t) => t % 2), image: Int32Array.from({ length: 2 * m }, (_, t) => t >> 1) };
    const [a, g] = [await logitsOf(probe, pairs), await generic(probe, pairs)];
    let scale = 1, worst = 0;
    for (let t = 0; t < g.length; t++) { scale = Math.max(scale, Math.abs(g[t])); worst = Math.max(worst, Math.abs(a[t] - g[t])); }
    if (!(worst <= 1e-3 * scale)) throw new Error(`createHeadEvaluator: the affine map of the head differs from the head by ${worst} on sample pairs; the head is not affine`);
  }
  let disposed = false;
  const ev: HeadMaskEvaluator = {
    strategy,
    layerName: cache.layerName, channelCount: sh.F, numClasses: sh.K, numImages: cache.n, labels: labelArr,
    async logits(masks: Float32Array, pairs: MaskPairs) {
      if (disposed) throw new Error('createHeadEvaluator: the evaluator was disposed');
      if (masks.length % sh.F !== 0) throw new Error(`createHeadEvaluator: masks of length ${masks.length} are not rows of ${sh.F} channels`);
      return logitsOf(masks, pairs);
    },
    async evaluate(masks: Float32Array, pairs: MaskPairs) {
      const logits = await ev.logits(masks, pairs);
      return scoreLogits(logits, sh.K, Int32Array.from(pairs.image, (i) => labelArr[i]));
    },
    dispose() { disposed = true; },
  };
  return ev;
}
