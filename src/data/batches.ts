/**
 * The tfjs boundary of image sets: slices of an {@link ImageSet} as float tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { imageChannels, unitPixelRange, unitPixelsAt, type ImageSet } from './image-set';

/**
 * Images `[start, end)` of an image set as a `[n, height, width, channels]` float32 tensor in [0, 1].
 * @throws if the range is outside the set
 */
export function imageBatch(set: ImageSet, start: number, end: number): tf.Tensor4D {
  return tf.tensor4d(unitPixelRange(set, start, end, 'imageBatch'), [end - start, set.height, set.width, imageChannels(set)]);
}

/** Images at the given indices, as {@link imageBatch} does for a range. */
export function imageBatchAt(set: ImageSet, indices: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(unitPixelsAt(set, indices, 'imageBatchAt'), [indices.length, set.height, set.width, imageChannels(set)]);
}
