/**
 * The tfjs boundary of image sets: slices of an {@link ImageSet} as float tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { imageChannels, type ImageSet } from './fashion-mnist';

/**
 * Images `[start, end)` of an image set as a `[n, height, width, channels]` float32 tensor in [0, 1].
 * @throws if the range is outside the set
 */
export function imageBatch(set: ImageSet, start: number, end: number): tf.Tensor4D {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= set.n)) {
    throw new Error(`imageBatch: range [${start}, ${end}) is not within [0, ${set.n}]`);
  }
  const px = set.height * set.width * imageChannels(set);
  const src = set.images.subarray(start * px, end * px);
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = src[i] / 255;
  return tf.tensor4d(data, [end - start, set.height, set.width, imageChannels(set)]);
}

/** Images at the given indices, as {@link imageBatch} does for a range. */
export function imageBatchAt(set: ImageSet, indices: ArrayLike<number>): tf.Tensor4D {
  const px = set.height * set.width * imageChannels(set);
  const data = new Float32Array(indices.length * px);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!(Number.isInteger(i) && i >= 0 && i < set.n)) throw new Error(`imageBatchAt: index ${i} is not within [0, ${set.n})`);
    const src = set.images.subarray(i * px, (i + 1) * px);
    for (let p = 0; p < px; p++) data[j * px + p] = src[p] / 255;
  }
  return tf.tensor4d(data, [indices.length, set.height, set.width, imageChannels(set)]);
}
