/**
 * Training batches from uint8 images, with optional seeded augmentation (random shifts with zero
 * fill, random horizontal flips). Pure typed-array code: no tfjs.
 */
import type { Rng } from '../util/rng';

/** Augmentation settings. */
export interface AugmentOptions {
  /** Largest shift in pixels along each axis (uniform in [-maxShift, maxShift]); 0 = none. */
  maxShift?: number;
  /** Flip each image left-right with probability 1/2. */
  flip?: boolean;
}

/** The augmentation used to train the shipped models. */
export const defaultAugment: Required<AugmentOptions> = { maxShift: 1, flip: true };

/**
 * Gathers images at `indices` into one float batch in [0, 1] (`[n, h, w, channels]` row-major,
 * channels interleaved), augmenting each when `r` is given.
 * @param images `count * h * w * channels` bytes
 * @param h image height
 * @param w image width
 * @param indices which images, in batch order
 * @param r a seeded generator (draws 3 numbers per image), or null for no augmentation
 * @param channels channels per pixel (default 1)
 * @returns a new Float32Array of `indices.length * h * w * channels`; `images` is not modified
 * @throws if an index is out of range or `maxShift` is negative
 */
export function assembleBatch(
  images: Uint8Array, h: number, w: number, indices: ArrayLike<number>, r: Rng | null,
  augment: AugmentOptions = defaultAugment, channels = 1,
): Float32Array {
  const a = { maxShift: 0, flip: false, ...augment };
  if (!(Number.isInteger(a.maxShift) && a.maxShift >= 0)) throw new Error(`assembleBatch: maxShift must be a non-negative integer, got ${a.maxShift}`);
  const px = h * w * channels;
  const count = Math.floor(images.length / px);
  const out = new Float32Array(indices.length * px);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!(Number.isInteger(i) && i >= 0 && i < count)) throw new Error(`assembleBatch: index ${i} is not within [0, ${count})`);
    let dy = 0, dx = 0, flip = false;
    if (r) {
      dy = a.maxShift > 0 ? r.int(2 * a.maxShift + 1) - a.maxShift : 0;
      dx = a.maxShift > 0 ? r.int(2 * a.maxShift + 1) - a.maxShift : 0;
      flip = a.flip && r.next() < 0.5;
    }
    const src = i * px;
    const dst = j * px;
    // out(y, x) = in(y - dy, x' - dx) where x' = flipped x; zero outside the source image.
    for (let y = 0; y < h; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < w; x++) {
        const fx = flip ? w - 1 - x : x;
        const sx = fx - dx;
        if (sx < 0 || sx >= w) continue;
        for (let c = 0; c < channels; c++) out[dst + (y * w + x) * channels + c] = images[src + (sy * w + sx) * channels + c] / 255;
      }
    }
  }
  return out;
}

/**
 * One-hot float labels.
 * @returns a new Float32Array of `indices.length * classes`
 * @throws if a label is not in [0, classes)
 */
export function oneHot(labels: Uint8Array, indices: ArrayLike<number>, classes: number): Float32Array {
  const out = new Float32Array(indices.length * classes);
  for (let j = 0; j < indices.length; j++) {
    const c = labels[indices[j]];
    if (!(c < classes)) throw new Error(`oneHot: label ${c} of image ${indices[j]} is not within [0, ${classes})`);
    out[j * classes + c] = 1;
  }
  return out;
}


/**
 * Cosine learning-rate decay from `base` at step 0 to `base * floor` at the last step.
 * @param step current step, 0-based
 * @param total total number of steps
 */
export function cosineLearningRate(step: number, total: number, base: number, floor = 0.05): number {
  if (total <= 1) return base;
  const t = Math.min(1, Math.max(0, step / (total - 1)));
  return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * t)));
}
