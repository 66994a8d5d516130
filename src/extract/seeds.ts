/**
 * Per-image seeds: every image's patch sampler is seeded from the run seed and the image's index
 * alone, so batching, chunking, sharding and resuming never change which windows are drawn.
 */

/**
 * A 32-bit seed for image `index` of a run with seed `seed` (a murmur3-style mix of both).
 * @throws if either is not a finite integer
 */
export function imageSeed(seed: number, index: number): number {
  if (!Number.isInteger(seed) || !Number.isInteger(index) || index < 0) {
    throw new Error(`imageSeed: seed must be an integer and index a non-negative integer, got ${seed} and ${index}`);
  }
  let h = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = (h ^ Math.imul(index >>> 0, 0xcc9e2d51)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h + Math.imul(Math.floor(index / 2 ** 32), 0x1b873593)) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
