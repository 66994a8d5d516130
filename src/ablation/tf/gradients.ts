/**
 * The tfjs adapter of the baseline rankings: per image, the gradient of the image's class logit
 * with respect to the cached activations at the layer (the head run on the cache, skip tensors
 * held fixed), reduced at once to the per-filter statistics of `filterStatistics`
 * (src/baselines). Tensors live only inside one batch.
 */
import * as tf from '@tensorflow/tfjs';
import { filterStatistics, type FilterStatistics } from '../../baselines/statistics';
import type { ActivationCache } from './activation-cache';

/** Options of {@link classGradientStatistics}. */
export interface GradientStatisticsOptions {
  /** Images per head pass. Default 256. */
  batchSize?: number;
}

/**
 * Mean activation, Grad-CAM channel weight and gradient x activation per image and filter.
 * @param head the split's head: [activation, ...skips] -> logits
 * @param cache the cached body outputs
 * @param labels the class whose logit is differentiated, per image (its true label)
 * @param options see {@link GradientStatisticsOptions}
 * @throws if the labels do not match the cache or a label is not a logit column
 */
export async function classGradientStatistics(head: tf.LayersModel, cache: ActivationCache, labels: ArrayLike<number>,
  options: GradientStatisticsOptions = {}): Promise<FilterStatistics> {
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`classGradientStatistics: batchSize must be a positive integer, got ${batchSize}`);
  if (labels.length !== cache.n) throw new Error(`classGradientStatistics: ${labels.length} labels for ${cache.n} cached images`);
  const shape = cache.activation.shape, F = shape[shape.length - 1];
  const perImage = cache.activation.data.length / cache.n;
  const K = head.outputs[0].shape[head.outputs[0].shape.length - 1] as number;
  for (let i = 0; i < labels.length; i++) {
    if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < K)) throw new Error(`classGradientStatistics: label ${labels[i]} of image ${i} is not in [0, ${K})`);
  }
  const n = cache.n;
  const out = { n, filters: F, meanActivation: new Float32Array(n * F), gradcamWeight: new Float32Array(n * F), gradTimesActivation: new Float32Array(n * F) };
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize), b = e - s;
    const act = cache.activation.data.subarray(s * perImage, e * perImage);
    const grad = tf.tidy(() => {
      const x = tf.tensor(act, [b, ...shape]);
      const skips = cache.skips.map((k) => {
        const size = k.data.length / n;
        return tf.tensor(k.data.subarray(s * size, e * size), [b, ...k.shape]);
      });
      const onehot = tf.oneHot(tf.tensor1d(Int32Array.from({ length: b }, (_, t) => labels[s + t]), 'int32'), K);
      const f = (a: tf.Tensor) => {
        const logits = head.apply(skips.length ? [a, ...skips] : a, { training: false }) as tf.Tensor;
        return tf.sum(tf.mul(logits, onehot));
      };
      return tf.grad(f)(x);
    });
    const g = await grad.data() as Float32Array;
    grad.dispose();
    const st = filterStatistics(act, g, b, F);
    out.meanActivation.set(st.meanActivation, s * F);
    out.gradcamWeight.set(st.gradcamWeight, s * F);
    out.gradTimesActivation.set(st.gradTimesActivation, s * F);
  }
  return out;
}
