/**
 * A prepared transaction database for the paper's procedure: the global vertical index (tid-lists
 * and bitsets of every filter over all transactions) and the transactions grouped by class. Built
 * once and reused by every threshold setting of a sweep.
 */
import { verticalIndex, type VerticalIndex } from './bitset';
import { checkTransactions, transactionCount, type Transactions } from './transactions';

/** Transactions plus the indexes the class-rule miner, filter tables and groups share. */
export interface MiningContext {
  /** The transactions. */
  readonly tx: Transactions;
  /** Number of transactions. */
  readonly n: number;
  /** Global tid-lists and bitsets per item (filter). */
  readonly index: VerticalIndex;
  /** The distinct classes, ascending. */
  readonly classIds: Int32Array;
  /** Transactions of `classIds[c]` are `classRows[classStart[c] .. classStart[c+1])` (ascending). */
  readonly classStart: Int32Array;
  /** Transaction indices grouped by class. */
  readonly classRows: Int32Array;
  /**
   * count_all({a, b}) at `[a * nItems + b]` (both orders), for nItems <= {@link PAIR_COUNT_MAX_ITEMS};
   * makes every 2-filter rule's confidence a lookup. Null for larger item spaces.
   */
  readonly pairCounts: Int32Array | null;
}

/** Largest item count for which {@link MiningContext.pairCounts} is built (2048^2 ints = 16 MB). */
export const PAIR_COUNT_MAX_ITEMS = 2048;

/**
 * Validates the transactions and builds their {@link MiningContext} (linear time).
 * @throws if the transactions are malformed (see `checkTransactions`)
 */
export function prepareMining(tx: Transactions): MiningContext {
  checkTransactions(tx, 'prepareMining');
  const n = transactionCount(tx);
  let maxClass = -1;
  for (let t = 0; t < n; t++) if (tx.classes[t] > maxClass) maxClass = tx.classes[t];
  const counts = new Int32Array(maxClass + 1);
  for (let t = 0; t < n; t++) counts[tx.classes[t]]++;
  const ids: number[] = [];
  for (let c = 0; c <= maxClass; c++) if (counts[c] > 0) ids.push(c);
  const slot = new Int32Array(maxClass + 1);
  const classStart = new Int32Array(ids.length + 1);
  ids.forEach((c, k) => { slot[c] = k; classStart[k + 1] = classStart[k] + counts[c]; });
  const fill = classStart.slice(0, ids.length);
  const classRows = new Int32Array(n);
  for (let t = 0; t < n; t++) classRows[fill[slot[tx.classes[t]]]++] = t;
  return { tx, n, index: verticalIndex(tx), classIds: Int32Array.from(ids), classStart, classRows, pairCounts: pairCounts(tx) };
}

/** All pair co-occurrence counts in one pass over the transactions (sum of k_t^2 work). */
function pairCounts(tx: Transactions): Int32Array | null {
  const m = tx.nItems;
  if (m > PAIR_COUNT_MAX_ITEMS) return null;
  const out = new Int32Array(m * m);
  const n = transactionCount(tx);
  for (let t = 0; t < n; t++) {
    const a = tx.offsets[t], b = tx.offsets[t + 1];
    for (let x = a; x < b; x++) {
      const rx = tx.items[x] * m;
      for (let y = a; y < b; y++) out[rx + tx.items[y]]++;
    }
  }
  return out;
}

/** `x` itself when it is already a context, else {@link prepareMining}(x). */
export function asMiningContext(x: Transactions | MiningContext): MiningContext {
  return 'index' in x && 'classRows' in x ? x : prepareMining(x);
}
