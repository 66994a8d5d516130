/** Minimum-support thresholds (absolute counts or fractions of the transaction count), and the frequent single items every miner starts from. */
import type { Transactions } from './transactions';

/**
 * Turns a minimum support into an absolute transaction count.
 * An integer >= 1 is absolute; a number in (0, 1) is relative to `n` (rounded up, so an itemset
 * is frequent when its support is >= minSupport * n).
 * @param minSupport the threshold
 * @param n the number of transactions it is relative to
 * @returns the absolute count (>= 1)
 * @throws if minSupport is not a positive integer nor in (0, 1)
 */
export function absoluteSupport(minSupport: number, n: number): number {
  if (typeof minSupport !== 'number' || !Number.isFinite(minSupport) || minSupport <= 0 || (minSupport >= 1 && !Number.isInteger(minSupport))) {
    throw new Error(`minimum support must be an integer >= 1 (absolute) or a fraction in (0, 1) (relative), got ${String(minSupport)}`);
  }
  if (minSupport >= 1) return minSupport;
  return Math.max(1, Math.ceil(minSupport * n - 1e-9));
}

/**
 * Checks a maximum itemset length (a positive integer or Infinity).
 * @throws if it is neither
 */
export function checkMaxLength(maxLength: number, who: string): number {
  if (maxLength !== Infinity && (!Number.isInteger(maxLength) || maxLength < 1)) {
    throw new Error(`${who}: maxLength must be a positive integer or Infinity, got ${String(maxLength)}`);
  }
  return maxLength;
}

/**
 * `{...defaults, ...options}` except that options set to `undefined` keep the default (so callers
 * can pass optional flags straight through).
 */
export function withDefaults<T extends object>(defaults: Required<T>, options: T): Required<T> {
  const out = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
  return out as Required<T>;
}

/** The frequent single items of a database, the first pass of every itemset miner. */
export interface FrequentItems {
  /** Support of every item id (frequent or not). */
  support: Int32Array;
  /** The frequent items, by support in the requested order, ties by item id. */
  items: number[];
  /** Position of each item id in `items`, -1 for an infrequent item. */
  rank: Int32Array;
}

/**
 * Counts item supports and orders the frequent items.
 * @param tx the transactions
 * @param minCount absolute minimum support
 * @param order `ascending` (Eclat: rarest first, smallest bitsets deep in the search) or
 *   `descending` (FP-Growth: most frequent first, the most shared tree prefixes)
 */
export function frequentItems(tx: Transactions, minCount: number, order: 'ascending' | 'descending'): FrequentItems {
  const support = new Int32Array(tx.nItems);
  for (let j = 0; j < tx.items.length; j++) support[tx.items[j]]++;
  const items: number[] = [];
  for (let i = 0; i < tx.nItems; i++) if (support[i] >= minCount) items.push(i);
  const sign = order === 'ascending' ? 1 : -1;
  items.sort((a, b) => sign * (support[a] - support[b]) || a - b);
  const rank = new Int32Array(tx.nItems).fill(-1);
  items.forEach((item, r) => { rank[item] = r; });
  return { support, items, rank };
}
