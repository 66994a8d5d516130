/**
 * Eclat (Zaki 2000) on tid bitsets: depth-first over equivalence classes of itemsets sharing a
 * prefix, where the support of `P ∪ {a, b}` is the popcount of `bits(P ∪ {a}) & bits(P ∪ {b})`.
 * This is the miner of docs/method.md, Pipeline step 4 (the authors used Eclat too).
 */
import { andCount, wordsFor } from './bitset';
import type { ItemsetSink } from './itemset-list';
import { transactionCount, type Transactions } from './transactions';
import { frequentItems } from './support';

/**
 * Emits every itemset with support >= minCount and at most maxLength items.
 * Items are explored in ascending support order (the usual Eclat heuristic: small tid-lists
 * first keep the intersections small).
 * @param tx the transactions (classes ignored)
 * @param minCount absolute minimum support (>= 1)
 * @param maxLength maximum itemset size (Infinity for none)
 * @param emit receives each frequent itemset (item ids) and its support
 */
export function eclat(tx: Transactions, minCount: number, maxLength: number, emit: ItemsetSink): void {
  const n = transactionCount(tx);
  const words = wordsFor(n);
  const { support, items: freq, rank } = frequentItems(tx, minCount, 'ascending');
  const m = freq.length;
  if (m === 0 || maxLength < 1) return;

  // Per depth d: a flat buffer of up to m bitsets, their items and supports (reused across siblings).
  const bits: Uint32Array[] = [new Uint32Array(m * words)];
  const ids: Int32Array[] = [Int32Array.from(freq)];
  const sups: Int32Array[] = [Int32Array.from(freq, (i) => support[i])];
  for (let t = 0; t < n; t++) {
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) {
      const r = rank[tx.items[j]];
      if (r >= 0) bits[0][r * words + (t >>> 5)] |= 1 << (t & 31);
    }
  }
  const prefix = new Int32Array(m);

  const visit = (d: number, size: number): void => {
    const B = bits[d], I = ids[d], S = sups[d];
    for (let a = 0; a < size; a++) {
      prefix[d] = I[a];
      emit(prefix, d + 1, S[a]);
      if (d + 1 >= maxLength || a + 1 >= size) continue;
      if (bits.length <= d + 1) {
        bits.push(new Uint32Array(m * words));
        ids.push(new Int32Array(m));
        sups.push(new Int32Array(m));
      }
      const NB = bits[d + 1], NI = ids[d + 1], NS = sups[d + 1];
      let cnt = 0;
      for (let b = a + 1; b < size; b++) {
        const c = andCount(B, a * words, B, b * words, NB, cnt * words, words);
        if (c >= minCount) { NI[cnt] = I[b]; NS[cnt] = c; cnt++; }
      }
      if (cnt > 0) visit(d + 1, cnt);
    }
  };
  visit(0, m);
}
