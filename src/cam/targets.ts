/**
 * CAM targets: functions from a batch of logits to the weights of the score to explain
 * (pytorch-grad-cam's `ClassifierOutputTarget`, as a plain function). The explained score of image
 * `i` is `sum_k mask[i, k] * logits[i, k]` (a one-hot mask selects one pre-softmax logit; a multiply
 * rather than `gather`, which cannot be differentiated on the wasm backend).
 */
import * as tf from '@tensorflow/tfjs';

/** Where a batch sits in the images given to `explain` (which processes them in chunks). */
export interface CamTargetContext {
  /** Index of the batch's first image among all images explained in the call. */
  start: number;
}

/**
 * A target: maps logits `[n, K]` to a mask `[n, K]` of score weights. It receives a tensor that is
 * detached from the gradient tape, so it may use any op. The caller disposes the returned mask.
 */
export type CamTarget = (logits: tf.Tensor2D, context: CamTargetContext) => tf.Tensor2D;

/**
 * Explains the predicted class of each image (the paper's choice, docs/method.md, Pipeline step 1).
 * @returns a target selecting the arg-max logit per image
 */
export function predictedClass(): CamTarget {
  return (logits) => tf.tidy(() => tf.oneHot(tf.argMax(logits, 1), logits.shape[1]).toFloat() as tf.Tensor2D);
}

/**
 * Explains class `k` for every image.
 * @param k class index
 * @returns a target selecting logit `k`
 * @throws {Error} (when applied) if `k` is not a valid class index
 */
export function classTarget(k: number): CamTarget {
  if (!Number.isInteger(k) || k < 0) throw new Error(`classTarget: class must be a non-negative integer, got ${k}`);
  return (logits) => {
    const numClasses = logits.shape[1];
    if (k >= numClasses) throw new Error(`classTarget: class ${k} is out of range for ${numClasses} logits`);
    return tf.tidy(() => tf.oneHot(tf.fill([logits.shape[0]], k, 'int32') as tf.Tensor1D, numClasses).toFloat() as tf.Tensor2D);
  };
}

/**
 * Explains a given class per image (e.g. the true labels).
 * @returns a target selecting `classes[i]` for image `i`
 * @param classes one class index per image, in the order of the images given to `explain`
 * @throws {Error} (when applied) if there are too few classes or an index is out of range
 */
export function classTargets(classes: ArrayLike<number>): CamTarget {
  const all = Int32Array.from(classes);
  return (logits, context) => {
    const [n, numClasses] = logits.shape;
    const start = context?.start ?? 0;
    if (start + n > all.length) throw new Error(`classTargets: got ${all.length} classes, but images ${start}..${start + n - 1} were explained`);
    const ks = all.subarray(start, start + n);
    const bad = ks.findIndex((k) => !(k >= 0 && k < numClasses));
    if (bad >= 0) throw new Error(`classTargets: class ${ks[bad]} (image ${start + bad}) is out of range for ${numClasses} logits`);
    return tf.tidy(() => tf.oneHot(tf.tensor1d(ks, 'int32'), numClasses).toFloat() as tf.Tensor2D);
  };
}
