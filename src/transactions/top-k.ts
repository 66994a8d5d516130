/**
 * Top-k filters of a patch (docs/method.md, Pipeline step 3): the transaction items, best first.
 * Pure: no tfjs import.
 */

/**
 * Indices of the `k` largest scores, best first; ties go to the lower index, NaN ranks last.
 * @param scores the scores (e.g. one row of the per-patch filter scores)
 * @param k how many (clamped to the number of scores)
 * @param offset where the row starts in `scores`; `length` its length (default: to the end)
 * @throws if k is not a non-negative integer
 * @example topKIndices(Float32Array.of(1, 3, 3, 2), 2) // Int32Array [1, 2]
 */
export function topKIndices(scores: ArrayLike<number>, k: number, offset = 0, length = scores.length - offset): Int32Array {
  if (!(Number.isInteger(k) && k >= 0)) throw new Error(`topKIndices: k must be a non-negative integer, got ${k}`);
  const n = Math.min(k, length);
  const idx = new Int32Array(n);
  const val = new Float64Array(n);
  let m = 0;
  // Insertion into a sorted list of size k: O(F k), fast for the small k of transactions.
  for (let f = 0; f < length; f++) {
    const v0 = scores[offset + f];
    const v = Number.isNaN(v0) ? -Infinity : v0;
    if (m === n && !(v > val[n - 1])) continue; // equal value: the lower index already in wins
    let p = m < n ? m++ : n - 1;
    while (p > 0 && v > val[p - 1]) { val[p] = val[p - 1]; idx[p] = idx[p - 1]; p--; }
    val[p] = v; idx[p] = f;
  }
  return idx;
}
