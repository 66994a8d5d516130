/**
 * Where a dataset run reads its images: any labelled set that can hand out float pixel batches.
 */
import * as crypto from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import { imageChannels, unitPixelRange, type ImageSet } from '../data/image-set';

/** A labelled image set for {@link extractDataset}. */
export interface ExtractDataSource {
  /** A name for manifests, e.g. `fashion-mnist-test`. */
  name: string;
  /** Identifies the content (e.g. a SHA-256 of the files); part of the run fingerprint. */
  checksum: string;
  /** Number of images. */
  n: number;
  /** `[height, width, channels]` of every image. */
  shape: [number, number, number];
  /** True class per image. */
  labels: ArrayLike<number>;
  /** Images `[start, end)` as `[end-start, H, W, C]` floats, as the model expects them. */
  pixels(start: number, end: number): Float32Array;
  /** How to rebuild this source in a worker thread (set by {@link imageSetSource}). */
  imageSet?: { set: ImageSet; name: string; limit: number };
}

/**
 * A data source over an {@link ImageSet} (pixels scaled to [0, 1], its channels), as
 * `imageBatch` makes them.
 * @param name e.g. `fashion-mnist-test`
 * @param limit keep only the first `limit` images
 */
export function imageSetSource(set: ImageSet, name: string, limit = set.n): ExtractDataSource {
  const n = Math.min(limit, set.n);
  return {
    name: limit < set.n ? `${name}[:${n}]` : name,
    imageSet: { set, name, limit },
    checksum: set.checksum,
    n,
    shape: [set.height, set.width, imageChannels(set)],
    labels: set.labels.subarray(0, n),
    pixels(start, end) {
      return unitPixelRange({ ...set, n }, start, end, 'imageSetSource');
    },
  };
}

/**
 * A fingerprint of a model's weights: SHA-256 over every weight's name, shape and float bytes.
 * Part of a run's fingerprint, so results of a retrained model are never mixed with old ones.
 */
export function modelFingerprint(model: tf.LayersModel): string {
  const hash = crypto.createHash('sha256');
  hash.update(model.name);
  for (const w of model.weights) {
    const v = w.read();
    const data = v.dataSync() as Float32Array;
    hash.update(`${w.originalName}:${w.shape.join('x')}:${v.dtype};`);
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}
