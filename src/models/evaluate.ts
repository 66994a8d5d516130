/**
 * Batched inference over an image set: predicted classes and accuracy (inference mode, so batch
 * norm uses its moving statistics).
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/image-set';
import { imageBatch } from '../data/batches';
import { accuracyOf, type Accuracy } from './card';

/** Options of {@link predictClasses}. */
export interface PredictOptions {
  /** Images per forward pass. Default 250. */
  batchSize?: number;
}

const defaults: Required<PredictOptions> = { batchSize: 250 };

/**
 * The top-1 class of every image of `set` (argmax of the model's output).
 * @returns a new Int32Array of length `set.n`
 */
export async function predictClasses(model: tf.LayersModel, set: ImageSet, options: PredictOptions = {}): Promise<Int32Array> {
  const o = { ...defaults, ...options };
  const out = new Int32Array(set.n);
  for (let start = 0; start < set.n; start += o.batchSize) {
    const end = Math.min(set.n, start + o.batchSize);
    const arg = tf.tidy(() => tf.argMax(model.predict(imageBatch(set, start, end)) as tf.Tensor2D, 1));
    out.set(await arg.data() as Int32Array, start);
    arg.dispose();
  }
  return out;
}

/** Top-1 accuracy of `model` on `set`, overall and per class. */
export async function evaluateAccuracy(model: tf.LayersModel, set: ImageSet, options: PredictOptions = {}): Promise<Accuracy> {
  return accuracyOf(await predictClasses(model, set, options), set.labels, set.classNames.length);
}
