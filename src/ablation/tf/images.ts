/**
 * Image sources for ablation: random access to a labelled image set as tensors, by index. The
 * tfjs boundary of the area's inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatchAt } from '../../data/batches';
import type { ImageSet } from '../../data/fashion-mnist';

/** Images addressable by index. */
export interface IndexedImages {
  /** Number of images. */
  readonly n: number;
  /**
   * The images at `indices` as one batch tensor (the caller disposes it).
   * @throws if an index is outside [0, n)
   */
  take(indices: ArrayLike<number>): tf.Tensor;
}

/**
 * An {@link IndexedImages} over an {@link ImageSet} (grey images scaled to [0, 1], `[b, h, w, 1]`).
 * @param set the image set; not copied, not mutated
 */
export function indexedImagesFromSet(set: ImageSet): IndexedImages {
  return { n: set.n, take: (indices) => imageBatchAt(set, indices) };
}

/**
 * An {@link IndexedImages} over a batch tensor `[n, ...]`. The tensor stays owned by the caller.
 * @param images the batch
 */
export function indexedImagesFromTensor(images: tf.Tensor): IndexedImages {
  const n = images.shape[0];
  return {
    n,
    take: (indices) => {
      for (let i = 0; i < indices.length; i++) {
        if (!(Number.isInteger(indices[i]) && indices[i] >= 0 && indices[i] < n)) throw new Error(`indexedImagesFromTensor: index ${indices[i]} is not in [0, ${n})`);
      }
      return tf.tidy(() => tf.gather(images, tf.tensor1d(Array.from(indices), 'int32')));
    },
  };
}

/** `[start, start+1, ..., end-1]` as an Int32Array. */
export function indexRange(start: number, end: number): Int32Array {
  return Int32Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
