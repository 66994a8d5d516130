/** The in-memory form of a labelled image set (grey or RGB), whatever it was read from. */

/**
 * A labelled image set held as typed arrays: `images` is [n, height, width, channels] bytes
 * (0..255), channels interleaved.
 */
export interface ImageSet {
  /** Pixel bytes, row-major, `n * height * width * channels` long. */
  images: Uint8Array;
  /** Class index per image. */
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  /** Channels per pixel: 1 (grey, the default when absent) or 3 (RGB). */
  channels?: number;
  /** Class names, indexed by label. */
  classNames: readonly string[];
  /** SHA-256 of the two gzipped source files (images, labels), for model cards. */
  checksum: string;
}

/** The number of channels of an image set (1 when {@link ImageSet.channels} is absent). */
export function imageChannels(set: Pick<ImageSet, 'channels'>): number {
  return set.channels ?? 1;
}

/** Pixel bytes 0..255 as floats in [0, 1] (the input scale of the Fashion-MNIST models): a new array. */
export function unitPixels(bytes: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  return out;
}

/**
 * Images `[start, end)` of a set, pixels in [0, 1] (`[n, height, width, channels]` row-major, a new array).
 * @param who the caller's name, for the error
 * @throws naming the range if it is not within the set
 */
export function unitPixelRange(set: Pick<ImageSet, 'images' | 'height' | 'width' | 'n' | 'channels'>, start: number, end: number, who: string): Float32Array {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= set.n)) {
    throw new Error(`${who}: range [${start}, ${end}) is not within [0, ${set.n}]`);
  }
  const px = set.height * set.width * imageChannels(set);
  return unitPixels(set.images.subarray(start * px, end * px));
}

/**
 * The images at `indices`, pixels in [0, 1] (`[indices.length, height, width, channels]`, a new array).
 * @param who the caller's name, for the error
 * @throws naming the first index that is not an image of the set
 */
export function unitPixelsAt(set: Pick<ImageSet, 'images' | 'height' | 'width' | 'n' | 'channels'>, indices: ArrayLike<number>, who: string): Float32Array {
  const px = set.height * set.width * imageChannels(set);
  const out = new Float32Array(indices.length * px);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    if (!(Number.isInteger(i) && i >= 0 && i < set.n)) throw new Error(`${who}: image index ${i} is not within [0, ${set.n})`);
    out.set(unitPixels(set.images.subarray(i * px, (i + 1) * px)), j * px);
  }
  return out;
}
