/**
 * Pads with zeros where an amount is positive and crops where it is negative, per axis.
 * Convolution gradients need both: 'same' padding adds rows, while 'valid' with a stride that does
 * not divide the input leaves trailing rows unused.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * @param x the tensor
 * @param amounts `[before, after]` per axis; positive pads with zeros, negative removes
 * @returns a new tensor (or `x` itself when all amounts are zero)
 * @throws when `amounts` does not have one pair per axis
 */
export function padOrCrop<T extends tf.Tensor>(x: T, amounts: ReadonlyArray<readonly [number, number]>): T {
  if (amounts.length !== x.rank) {
    throw new Error(`padOrCrop: need ${x.rank} [before, after] pairs for shape [${x.shape}], got ${amounts.length}`);
  }
  let out: T = x;
  if (amounts.some(([b, a]) => b > 0 || a > 0)) {
    out = tf.pad(out, amounts.map(([b, a]) => [Math.max(0, b), Math.max(0, a)] as [number, number]));
  }
  if (amounts.some(([b, a]) => b < 0 || a < 0)) {
    const begin = amounts.map(([b]) => Math.max(0, -b));
    const size = out.shape.map((d, i) => d - begin[i] - Math.max(0, -amounts[i][1]));
    out = tf.slice(out, begin, size);
  }
  return out;
}
