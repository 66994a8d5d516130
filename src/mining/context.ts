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
}

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
  return { tx, n, index: verticalIndex(tx), classIds: Int32Array.from(ids), classStart, classRows };
}

/** `x` itself when it is already a context, else {@link prepareMining}(x). */
export function asMiningContext(x: Transactions | MiningContext): MiningContext {
  return 'index' in x && 'classRows' in x ? x : prepareMining(x);
}
