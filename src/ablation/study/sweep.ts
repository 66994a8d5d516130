/**
 * How the class-specific / class-shared split depends on the mining cut (docs/method.md, stage 5):
 * mining repeated over a grid of top-N (rules kept per class) and minimum support (a count, or a
 * fraction of each class's transactions), with the counts of each result.
 */
import { minePaperRules, type PaperRulesOptions } from '../../mining/paper';
import { asMiningContext } from '../../mining/context';
import type { Transactions } from '../../mining/transactions';

/** One mining result of the grid. */
export interface MiningSweepRow {
  topN: number;
  minSupport: number;
  rules: number;
  meanFiltersPerClass: number;
  specificFilters: number;
  sharedFilters: number;
}

/**
 * Mines `tx` once per (topN, minSupport) pair (the other thresholds from `base`).
 * @param tx the transactions
 * @param topNs rules kept per class
 * @param supports minimum supports (>= 1: transactions; in (0, 1): fraction of the class's transactions)
 * @param base the other mining options (e.g. maxLength)
 * @throws if a grid is empty, or on thresholds the miner refuses
 */
export function miningSweep(tx: Transactions, topNs: readonly number[], supports: readonly number[], base: PaperRulesOptions = {}): MiningSweepRow[] {
  if (!topNs.length || !supports.length) throw new Error(`miningSweep: need at least one top-N and one support, got [${topNs}] and [${supports}]`);
  const ctx = asMiningContext(tx);
  const rows: MiningSweepRow[] = [];
  for (const minSupport of supports) {
    for (const topN of topNs) {
      const c = minePaperRules(ctx, { ...base, groups: false, topN, minSupport }).counts;
      rows.push({ topN, minSupport, rules: c.rules, meanFiltersPerClass: c.meanFiltersPerClass, specificFilters: c.specificFilters, sharedFilters: c.sharedFilters });
    }
  }
  return rows;
}
