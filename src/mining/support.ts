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

/**
 * A minimum support named explicitly: `{ count: 20 }` (transactions of the class) or
 * `{ fraction: 0.05 }` (of the class's transactions). A plain number keeps the miner's reading:
 * an integer >= 1 is a count, a number in (0, 1) a fraction.
 */
export type SupportThreshold = number | { count: number } | { fraction: number };

/**
 * Checks a {@link SupportThreshold} and returns it in the miner's plain-number form.
 * @throws naming the value when a count is not a whole number >= 1 or a fraction is not in (0, 1)
 */
export function minerSupport(s: SupportThreshold): number {
  if (typeof s === 'number') {
    absoluteSupport(s, 1);
    return s;
  }
  if (s && typeof s === 'object' && 'count' in s) {
    if (!(typeof s.count === 'number' && Number.isInteger(s.count) && s.count >= 1)) {
      throw new Error(`minimum support count must be a whole number of transactions >= 1, got ${String(s.count)}; for a share of the class write { fraction: ${String(s.count)} }`);
    }
    return s.count;
  }
  if (s && typeof s === 'object' && 'fraction' in s) {
    if (!(typeof s.fraction === 'number' && s.fraction > 0 && s.fraction < 1)) {
      throw new Error(`minimum support fraction must be in (0, 1) (a share of the class's transactions), got ${String(s.fraction)}`);
    }
    return s.fraction;
  }
  throw new Error(`minimum support must be { count: n } or { fraction: f } (or a number), got ${JSON.stringify(s)}`);
}

/** The threshold as text: '20 transactions' or '5% of the class'. */
export function describeSupport(s: SupportThreshold): string {
  const v = minerSupport(s);
  return v >= 1 ? `${v} transaction${v === 1 ? '' : 's'}` : `${+(v * 100).toPrecision(4)}% of the class`;
}

/**
 * Checks a transaction size against what is available.
 * @param k the requested top-k
 * @param max the largest k available (the layer's filters, or the largest k extracted)
 * @param what what `max` is, for the message (e.g. 'the 128 filters of block3_conv2')
 * @throws naming k when it is not a whole number in [1, max]
 */
export function checkTopK(k: number, max: number, what: string): number {
  if (!(typeof k === 'number' && Number.isInteger(k) && k >= 1)) throw new Error(`k must be a whole number >= 1, got ${String(k)}`);
  if (k > max) throw new Error(`k = ${k} is above ${what}; choose k <= ${max}`);
  return k;
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
