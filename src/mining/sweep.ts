/**
 * Threshold sweeps: the paper's procedure over a grid of (k, minimum support, minimum confidence),
 * one summary row per cell - the table a notebook plots while the user tunes thresholds.
 */
import { performance } from 'node:perf_hooks';
import { aq, type ColumnTable } from '../util/arquero';
import { prepareMining, type MiningContext } from './context';
import { resolveClassRuleOptions } from './class-rules';
import { minePaperRules, type PaperRulesOptions } from './paper';
import { topKTransactions, type Transactions } from './transactions';

/** The grid of a sweep; every combination is one cell. */
export interface SweepGrid {
  /** Top-k values (transactions per k come from the sweep's source). */
  k: number[];
  /** Minimum supports (per class; see `ClassRuleOptions.minSupport`). */
  minSupport: number[];
  /** Minimum confidences. */
  minConfidence: number[];
}

/** Options of {@link sweep}: the other rule options, fixed over the grid (groups are never computed). */
export type SweepOptions = Omit<PaperRulesOptions, 'minSupport' | 'minConfidence' | 'groups'> & {
  /** Called after each cell with (cells done, cells in the grid), e.g. a notebook progress bar. */
  onProgress?: (done: number, total: number) => void;
};

/** Where a sweep gets the transactions of each k. */
export type TransactionsByK = Map<number, Transactions> | ((k: number) => Transactions) | Transactions;

/**
 * Evaluates the paper's procedure (stages 4-5, no groups) on every grid cell.
 * @param source transactions per k: a Map, a function, or one best-first transaction set that is
 *   cut to its top k items for each k ({@link topKTransactions})
 * @param grid the values of k, minimum support and minimum confidence
 * @param options other rule options (topN, minLength, maxLength), fixed
 * @returns one row per cell: k, minSupport, minConfidence, rules, classesWithRules,
 *   meanFiltersPerClass, filters, specificFilters, sharedFilters, filterSets, specificFilterSets,
 *   sharedFilterSets, ms (the cell's mining time; each k's index is built once and timed in the
 *   first cell of that k)
 * @throws if the Map lacks a k, or a threshold is outside its range
 */
export function sweep(source: TransactionsByK, grid: SweepGrid, options: SweepOptions = {}): ColumnTable {
  for (const key of ['k', 'minSupport', 'minConfidence'] as const) {
    if (!Array.isArray(grid[key]) || grid[key].length === 0) throw new Error(`sweep: grid.${key} must be a non-empty array of numbers`);
  }
  const get = (k: number): Transactions => {
    if (source instanceof Map) {
      const tx = source.get(k);
      if (!tx) throw new Error(`sweep: no transactions for k = ${k}; the map has k = ${[...source.keys()].join(', ')}`);
      return tx;
    }
    return typeof source === 'function' ? source(k) : topKTransactions(source, k);
  };
  const { onProgress, ...ruleOptions } = options;
  // Every threshold is checked before any mining.
  for (const minSupport of grid.minSupport) for (const minConfidence of grid.minConfidence) resolveClassRuleOptions({ ...ruleOptions, minSupport, minConfidence });
  const total = grid.k.length * grid.minSupport.length * grid.minConfidence.length;
  const rows: Record<string, number>[] = [];
  for (const k of grid.k) {
    const t0 = performance.now();
    const ctx: MiningContext = prepareMining(get(k));
    let prep = performance.now() - t0;
    for (const minSupport of grid.minSupport) {
      for (const minConfidence of grid.minConfidence) {
        const t1 = performance.now();
        const r = minePaperRules(ctx, { ...ruleOptions, minSupport, minConfidence, groups: false });
        const c = r.counts;
        rows.push({
          k, minSupport, minConfidence, rules: c.rules, classesWithRules: c.classesWithRules, meanFiltersPerClass: c.meanFiltersPerClass,
          filters: c.filters, specificFilters: c.specificFilters, sharedFilters: c.sharedFilters,
          filterSets: c.filterSets, specificFilterSets: c.specificFilterSets, sharedFilterSets: c.sharedFilterSets,
          ms: performance.now() - t1 + prep,
        });
        prep = 0;
        onProgress?.(rows.length, total);
      }
    }
  }
  return aq.from(rows);
}
