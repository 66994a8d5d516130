/**
 * Tid-list bitsets: a set of transaction indices as a `Uint32Array` with bit `t & 31` of word
 * `t >>> 5` set for transaction `t`. Intersection is a word-wise AND and support a popcount, which
 * is what makes Eclat (and the per-rule counts of docs/method.md, Pipeline step 4) fast.
 */
import { transactionCount, type Transactions } from './transactions';

/** Number of set bits of a 32-bit integer (SWAR popcount). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of 32-bit words needed for `n` bits. */
export function wordsFor(n: number): number {
  return (n + 31) >>> 5;
}

/**
 * `out[off..off+words) = a[aOff..) & b[bOff..)` and returns the popcount of the result.
 * Written with explicit offsets so callers can keep many bitsets in one flat buffer.
 */
export function andCount(a: Uint32Array, aOff: number, b: Uint32Array, bOff: number, out: Uint32Array, off: number, words: number): number {
  let c = 0;
  for (let w = 0; w < words; w++) {
    const v = a[aOff + w] & b[bOff + w];
    out[off + w] = v;
    if (v !== 0) c += popcount32(v);
  }
  return c;
}

/** Tests bit `t` of the bitset stored at `bits[off..]`. */
export function hasBit(bits: Uint32Array, off: number, t: number): boolean {
  return (bits[off + (t >>> 5)] & (1 << (t & 31))) !== 0;
}

/**
 * The vertical layout of a transaction database over all its transactions: per item its
 * tid-list both as a sorted array and as a bitset. Built once per data set and shared by the
 * per-class miners, the rule counts and the pattern groups.
 */
export interface VerticalIndex {
  /** Number of transactions. */
  readonly n: number;
  /** Words per bitset (`ceil(n / 32)`). */
  readonly words: number;
  /** Number of items. */
  readonly nItems: number;
  /** Item `i`'s bitset is `bits[i * words .. (i + 1) * words)`. */
  readonly bits: Uint32Array;
  /** Item `i`'s sorted tid-list is `tids[tidStart[i] .. tidStart[i + 1])`. */
  readonly tidStart: Int32Array;
  /** All tid-lists concatenated. */
  readonly tids: Int32Array;
}

/** Builds the {@link VerticalIndex} of a transaction database (linear time). */
export function verticalIndex(tx: Transactions): VerticalIndex {
  const n = transactionCount(tx);
  const words = wordsFor(n);
  const m = tx.nItems;
  const tidStart = new Int32Array(m + 1);
  for (let j = 0; j < tx.items.length; j++) tidStart[tx.items[j] + 1]++;
  for (let i = 0; i < m; i++) tidStart[i + 1] += tidStart[i];
  const fill = tidStart.slice(0, m);
  const tids = new Int32Array(tx.items.length);
  const bits = new Uint32Array(m * words);
  for (let t = 0; t < n; t++) {
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) {
      const i = tx.items[j];
      tids[fill[i]++] = t;
      bits[i * words + (t >>> 5)] |= 1 << (t & 31);
    }
  }
  return { n, words, nItems: m, bits, tidStart, tids };
}

/**
 * The tid-list of transactions containing every item of `set` (sorted), intersecting the shortest
 * item list with the others' bitsets.
 */
export function tidsContaining(index: VerticalIndex, set: ArrayLike<number>): Int32Array {
  if (set.length === 0) {
    const all = new Int32Array(index.n);
    for (let t = 0; t < index.n; t++) all[t] = t;
    return all;
  }
  let best = set[0];
  for (let j = 1; j < set.length; j++) {
    const i = set[j];
    if (index.tidStart[i + 1] - index.tidStart[i] < index.tidStart[best + 1] - index.tidStart[best]) best = i;
  }
  const out: number[] = [];
  outer: for (let p = index.tidStart[best]; p < index.tidStart[best + 1]; p++) {
    const t = index.tids[p];
    for (let j = 0; j < set.length; j++) {
      if (set[j] !== best && !hasBit(index.bits, set[j] * index.words, t)) continue outer;
    }
    out.push(t);
  }
  return Int32Array.from(out);
}
