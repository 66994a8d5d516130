/** The in-memory form of a labelled grey image set, whatever it was read from. */

/** A labelled image set held as typed arrays: `images` is [n, height, width] bytes (0..255). */
export interface ImageSet {
  /** Pixel bytes, row-major, `n * height * width` long. */
  images: Uint8Array;
  /** Class index per image. */
  labels: Uint8Array;
  n: number;
  height: number;
  width: number;
  /** Class names, indexed by label. */
  classNames: readonly string[];
  /** SHA-256 of the two gzipped source files (images, labels), for model cards. */
  checksum: string;
}
