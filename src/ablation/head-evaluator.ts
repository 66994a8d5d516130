/**
 * The fast {@link MaskEvaluator} (method.md, "Evaluation"): masks the cached activations at the
 * layer and runs only the head, many (mask, image) pairs per call - masks and images mixed in one
 * batch, so K class masks times n images cost a few head calls instead of K full-model passes.
 */
import * as tf from '@tensorflow/tfjs';
import type { ActivationCache } from './activation-cache';
import { scoreLogits } from './metrics';
import type { MaskEvaluator, MaskPairs } from './scorer';

/** Options of {@link createHeadEvaluator}. */
export interface HeadEvaluatorOptions {
  /** (mask, image) pairs per head call. Default 2048. */
  batchSize?: number;
}

/** The fast {@link MaskEvaluator}; it holds tensors: call `dispose()` when done. */
export interface HeadMaskEvaluator extends MaskEvaluator {
  /**
   * The head's logits for each pair, row-major `[pairs, numClasses]` (what `evaluate` scores).
   * @param masks row-major `[rows, F]` masks
   * @param pairs (mask row, image) pairs
   */
  logits(masks: Float32Array, pairs: MaskPairs): Promise<Float32Array>;
  /** Frees the cached tensors (idempotent). */
  dispose(): void;
}

/**
 * Makes the fast evaluator. The cache is uploaded to the backend once.
 * @param head the split's head: [activation, ...skips] -> logits
 * @param cache the body's outputs ({@link cacheActivations}); not mutated
 * @param labels true class per cached image
 * @param options see {@link HeadEvaluatorOptions}
 * @throws if the labels do not match the cache, or the head's inputs do not match the cache's tensors
 */
export function createHeadEvaluator(head: tf.LayersModel, cache: ActivationCache, labels: ArrayLike<number>, options: HeadEvaluatorOptions = {}): HeadMaskEvaluator {
  const batchSize = options.batchSize ?? 2048;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`createHeadEvaluator: batchSize must be a positive integer, got ${batchSize}`);
  if (labels.length !== cache.n) throw new Error(`createHeadEvaluator: ${labels.length} labels for ${cache.n} cached images`);
  const cached = [cache.activation, ...cache.skips];
  if (head.inputs.length !== cached.length) {
    throw new Error(`createHeadEvaluator: the head takes ${head.inputs.length} inputs but the cache holds ${cached.length} tensors (activation + ${cache.skips.length} skips)`);
  }
  head.inputs.forEach((inp, k) => {
    const want = inp.shape.slice(1).join(',');
    if (want !== cached[k].shape.join(',')) throw new Error(`createHeadEvaluator: head input ${k} has shape [${want}] but the cache has [${cached[k].shape}]`);
  });
  const act = cache.activation.shape;
  const F = act[act.length - 1];
  const outShape = head.outputs[0].shape;
  const numClasses = outShape[outShape.length - 1] as number;
  const tensors = cached.map((c) => tf.tensor(c.data, [cache.n, ...c.shape]));
  const labelArr = Int32Array.from(labels);
  let disposed = false;
  const logitsOf = async (masks: Float32Array, pairs: MaskPairs): Promise<Float32Array> => {
    if (disposed) throw new Error('createHeadEvaluator: the evaluator was disposed');
    if (masks.length % F !== 0) throw new Error(`createHeadEvaluator: masks of length ${masks.length} are not rows of ${F} channels`);
    const total = pairs.mask.length;
    const out = new Float32Array(total * numClasses);
    const maskT = tf.tensor2d(masks, [masks.length / F, F]);
    try {
      for (let s = 0; s < total; s += batchSize) {
        const e = Math.min(total, s + batchSize);
        const img = pairs.image.subarray(s, e), row = pairs.mask.subarray(s, e);
        const logits = tf.tidy(() => {
          const idx = tf.tensor1d(img, 'int32');
          const m = tf.gather(maskT, tf.tensor1d(row, 'int32')).reshape([e - s, ...Array(act.length - 1).fill(1), F]);
          const inputs = [tf.mul(tf.gather(tensors[0], idx), m), ...tensors.slice(1).map((t) => tf.gather(t, idx))];
          return head.predict(inputs.length === 1 ? inputs[0] : inputs, { batchSize: e - s }) as tf.Tensor;
        });
        out.set(await logits.data() as Float32Array, s * numClasses);
        logits.dispose();
      }
    } finally {
      maskT.dispose();
    }
    return out;
  };
  return {
    layerName: cache.layerName, channelCount: F, numClasses, numImages: cache.n, labels: labelArr,
    logits: logitsOf,
    async evaluate(masks: Float32Array, pairs: MaskPairs) {
      const logits = await logitsOf(masks, pairs);
      return scoreLogits(logits, numClasses, Int32Array.from(pairs.image, (i) => labelArr[i]));
    },
    dispose() {
      if (!disposed) tf.dispose(tensors);
      disposed = true;
    },
  };
}
