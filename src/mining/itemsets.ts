/**
 * Frequent itemset mining with pluggable algorithms (`eclat`, `fpgrowth`), absolute or relative
 * minimum support, a maximum itemset length, and all / closed / maximal results.
 */
import { aq, type ColumnTable } from '../util/arquero';
import { filterItemsets, type ItemsetKind } from './closed';
import { eclat } from './eclat';
import { fpGrowth } from './fpgrowth';
import { ItemsetBuilder, itemsetAt, sortItemsets, type ItemsetList, type ItemsetSink } from './itemset-list';
import { absoluteSupport, checkMaxLength, withDefaults } from './support';
import { compactItems, transactionCount, type Transactions } from './transactions';
import { createRegistry } from '../util/registry';

/** A frequent-itemset algorithm: emits every itemset with support >= minCount, size <= maxLength. */
export interface ItemsetAlgorithm {
  /** Registry name, e.g. 'eclat'. */
  name: string;
  /** One line for help texts. */
  description: string;
  /** Runs the algorithm; must not mutate `tx`. */
  mine(tx: Transactions, minCount: number, maxLength: number, emit: ItemsetSink): void;
}

const algorithms = createRegistry<ItemsetAlgorithm>('itemset algorithm', { registerName: 'registerItemsetAlgorithm' });

/**
 * Registers a frequent-itemset algorithm under its name.
 * @throws if the name is taken and `override` is not set
 */
export function registerItemsetAlgorithm(def: ItemsetAlgorithm, options: { override?: boolean } = {}): void {
  algorithms.register(def.name, def, options);
}

/** The names of the registered itemset algorithms. */
export function itemsetAlgorithmNames(): string[] {
  return algorithms.names();
}

/**
 * The registered algorithm of that name.
 * @throws naming the known algorithms when there is none
 */
export function getItemsetAlgorithm(name: string): ItemsetAlgorithm {
  return algorithms.get(name);
}

registerItemsetAlgorithm({ name: 'eclat', description: 'Eclat on tid bitsets (depth-first, vertical)', mine: eclat });
registerItemsetAlgorithm({ name: 'fpgrowth', description: 'FP-Growth (prefix tree, conditional pattern bases)', mine: fpGrowth });

/** Options of {@link mineItemsets}. */
export interface MineItemsetsOptions {
  /** Minimum support: an integer >= 1 is a transaction count, a number in (0, 1) a fraction. Default 2. */
  minSupport?: number;
  /** Maximum itemset size. Default Infinity. */
  maxLength?: number;
  /** 'all' frequent itemsets, only 'closed' ones, or only 'maximal' ones. Default 'all'. */
  kind?: ItemsetKind;
  /** A registered algorithm name: 'eclat' (default) or 'fpgrowth'. */
  algorithm?: string;
}

const defaults: Required<MineItemsetsOptions> = { minSupport: 2, maxLength: Infinity, kind: 'all', algorithm: 'eclat' };

/**
 * Mines the frequent (or closed, or maximal) itemsets of a transaction database.
 * @param tx the transactions (their classes are ignored)
 * @param options thresholds, kind and algorithm
 * @returns the itemsets in canonical order (by size, then lexicographically) with supports
 * @throws on a minimum support outside its range, a bad maxLength, an unknown kind or algorithm
 * @example mineItemsets(fromFimi('1 2\n1 2 3\n'), { minSupport: 2 })
 */
export function mineItemsets(tx: Transactions, options: MineItemsetsOptions = {}): ItemsetList {
  const o = withDefaults<MineItemsetsOptions>(defaults, options);
  const minCount = absoluteSupport(o.minSupport, transactionCount(tx));
  checkMaxLength(o.maxLength, 'mineItemsets');
  if (o.kind !== 'all' && o.kind !== 'closed' && o.kind !== 'maximal') {
    throw new Error(`mineItemsets: unknown kind '${String(o.kind)}'; expected all, closed or maximal`);
  }
  const algo = getItemsetAlgorithm(o.algorithm);
  const builder = new ItemsetBuilder();
  const { tx: dense, itemIds } = compactItems(tx);
  algo.mine(dense, minCount, o.maxLength, originalItems(builder.sink, itemIds));
  return sortItemsets(filterItemsets(builder.build(), o.kind));
}

/** A sink that renames dense item ids back to the original ones (see `compactItems`) before `sink`. */
function originalItems(sink: ItemsetSink, itemIds: Int32Array | null): ItemsetSink {
  if (!itemIds) return sink;
  let scratch = new Int32Array(16);
  return (items, len, support) => {
    if (len > scratch.length) scratch = new Int32Array(len);
    for (let j = 0; j < len; j++) scratch[j] = itemIds[items[j]];
    sink(scratch, len, support);
  };
}

/**
 * Counts the frequent itemsets without storing them (all kinds only), for large outputs.
 * @returns the number of itemsets with support >= minSupport and size <= maxLength
 */
export function countItemsets(tx: Transactions, options: Omit<MineItemsetsOptions, 'kind'> = {}): number {
  const o = withDefaults<MineItemsetsOptions>(defaults, options);
  const minCount = absoluteSupport(o.minSupport, transactionCount(tx));
  checkMaxLength(o.maxLength, 'countItemsets');
  let count = 0;
  getItemsetAlgorithm(o.algorithm).mine(compactItems(tx).tx, minCount, o.maxLength, () => { count++; });
  return count;
}

/**
 * An itemset list as an arquero table with columns `itemset` (number[]), `size` and `support`
 * (absolute), plus `relSupport` when `n` (the transaction count) is given.
 */
export function itemsetsTable(list: ItemsetList, n?: number): ColumnTable {
  const itemset: number[][] = new Array(list.count);
  const size = new Int32Array(list.count);
  for (let s = 0; s < list.count; s++) { itemset[s] = itemsetAt(list, s); size[s] = itemset[s].length; }
  const cols: Record<string, unknown> = { itemset, size, support: Array.from(list.supports) };
  if (n !== undefined) cols.relSupport = Array.from(list.supports, (v) => v / n);
  return aq.table(cols);
}
