/**
 * The paper's mining procedure end to end (docs/method.md, Pipeline steps 4-6): filters -> class rules, the
 * filters of each class, class-specific and class-shared filters and filter sets, and pattern
 * groups, each as an arquero table, with per-stage timings.
 */
import { performance } from 'node:perf_hooks';
import { aq, type ColumnTable } from '../util/arquero';
import { resolveClassRuleOptions, type ClassRule } from './class-rules';
import { asMiningContext, type MiningContext } from './context';
import { minePaperCore, type PaperCounts, type PaperRulesOptions } from './paper-core';
import { ruleMetrics } from './rules';
import { compactItems, type Transactions } from './transactions';

export { paperRulesDefaults, type PaperCounts, type PaperRulesOptions } from './paper-core';

/** Wall-clock milliseconds per stage. */
export interface PaperTimings {
  /** Validation and vertical index (0 when a prepared context was passed). */
  index: number;
  /** Stage 4: per-class mining and rule selection. */
  rules: number;
  /** Stage 5: class filters, filters and filter sets tables. */
  filters: number;
  /** Stage 6: pattern groups. */
  groups: number;
  /** All of the above. */
  total: number;
}

/** The tables of the paper's procedure. */
export interface PaperRulesResult {
  /**
   * Kept rules: class, rank (1 = best in class), antecedent (number[]), size, support
   * (= count_c(A)), antecedentSupport (= count_all(A)), classSize, confidence (P(class | A)),
   * lift, leverage, conviction (rule measures with C = the class, over all transactions),
   * score (support x confidence). Under the authors' definition support = count_all(F),
   * confidence = count_all(F) / count_all(A), the measures are towards C = F minus A, and a
   * `consequent` column holds F minus A.
   */
  rules: ColumnTable;
  /** The same kept rules as typed objects, in table order. */
  ruleList: ClassRule[];
  /** Per class: class, filters (number[]), nFilters, nRules. */
  classFilters: ColumnTable;
  /** Per filter in any kept rule: filter, classes, nClasses, kind ('specific'|'shared'), supports per class. */
  filters: ColumnTable;
  /** Per distinct antecedent: set, size, classes, nClasses, kind, supports and confidences per class. */
  filterSets: ColumnTable;
  /** Per pattern group: group, antecedent, patches (ids), size, majorityClass, majorityCount, purity, ruleClasses (empty table when groups are off). */
  groups: ColumnTable;
  /** Result counts. */
  counts: PaperCounts;
  /** Per-stage milliseconds. */
  timings: PaperTimings;
  /** The options used, defaults filled in. */
  options: Required<PaperRulesOptions>;
}

/**
 * Runs docs/method.md, Pipeline steps 4-6 on transactions.
 * @param tx transactions (true class per transaction, items = filter indices) or a prepared context
 * @param options thresholds (defaults: min support 2, min confidence 0.5, top 10, antecedents >= 2)
 * @returns the result tables, counts and timings
 * @throws on malformed transactions or thresholds outside their ranges
 * @example const { rules, classFilters } = minePaperRules(loadedTx, { minConfidence: 0.6 });
 */
export function minePaperRules(tx: Transactions | MiningContext, options: PaperRulesOptions = {}): PaperRulesResult {
  resolveClassRuleOptions(options); // thresholds checked before the index is built
  const t0 = performance.now();
  // Sparse filter ids are mined renumbered (memory by distinct filters) and named back in the tables.
  const { tx: dense, itemIds } = 'index' in tx ? { tx, itemIds: null } : compactItems(tx);
  const ctx = asMiningContext(dense);
  const t1 = performance.now();
  const core = minePaperCore(ctx, options, itemIds);
  const t2 = performance.now();
  const cf = core.classFilters, fr = core.filters, fs = core.filterSets, gs = core.groups;
  const rulesTable = classRulesTable(ctx, core.rules);
  const classFilters = aq.table({
    class: cf.map((r) => r.class), filters: cf.map((r) => r.filters), nFilters: cf.map((r) => r.filters.length), nRules: cf.map((r) => r.nRules),
  });
  const filters = aq.table({
    filter: fr.map((r) => r.filter), classes: fr.map((r) => r.classes), nClasses: fr.map((r) => r.classes.length),
    kind: fr.map((r) => r.kind), supports: fr.map((r) => r.supports),
  });
  const filterSets = aq.table({
    set: fs.map((r) => r.set), size: fs.map((r) => r.set.length), classes: fs.map((r) => r.classes), nClasses: fs.map((r) => r.classes.length),
    kind: fs.map((r) => r.kind), supports: fs.map((r) => r.supports), confidences: fs.map((r) => r.confidences),
  });
  const groups = aq.table({
    group: gs.map((_, i) => i), antecedent: gs.map((g) => g.antecedent), patches: gs.map((g) => g.patches), size: gs.map((g) => g.patches.length),
    majorityClass: gs.map((g) => g.majorityClass), majorityCount: gs.map((g) => g.majorityCount), purity: gs.map((g) => g.purity),
    ruleClasses: gs.map((g) => g.ruleClasses),
  });
  const tables = performance.now() - t2;
  const t = core.timings;
  return {
    rules: rulesTable, ruleList: core.rules, classFilters, filters, filterSets, groups, counts: core.counts, options: core.options,
    timings: { index: t1 - t0, rules: t.rules, filters: t.filters + tables, groups: t.groups, total: t1 - t0 + (t2 - t1) + tables },
  };
}

/**
 * Kept class rules as an arquero table with every rule measure (see {@link PaperRulesResult.rules}).
 * @param ctx the prepared transactions (for n and the class sizes)
 * @param rules the kept rules, class ascending and best first within a class
 */
export function classRulesTable(ctx: MiningContext, rules: readonly ClassRule[]): ColumnTable {
  const classSize = new Map<number, number>();
  ctx.classIds.forEach((c, k) => classSize.set(c, ctx.classStart[k + 1] - ctx.classStart[k]));
  const cols = {
    class: [] as number[], rank: [] as number[], antecedent: [] as number[][], size: [] as number[], support: [] as number[],
    antecedentSupport: [] as number[], classSize: [] as number[], confidence: [] as number[], lift: [] as number[],
    leverage: [] as number[], conviction: [] as number[], score: [] as number[],
  };
  const consequent: number[][] = [];
  let rank = 0;
  rules.forEach((r, i) => {
    rank = i > 0 && rules[i - 1].class === r.class ? rank + 1 : 1;
    const nc = classSize.get(r.class) ?? 0;
    // Standard rules measure towards the class; the authors' towards the filter set F minus A.
    const m = ruleMetrics(r.support, r.antecedentSupport, r.consequentSupport ?? nc, ctx.n);
    cols.class.push(r.class); cols.rank.push(rank); cols.antecedent.push([...r.antecedent]); cols.size.push(r.antecedent.length);
    cols.support.push(r.support); cols.antecedentSupport.push(r.antecedentSupport); cols.classSize.push(nc);
    cols.confidence.push(m.confidence); cols.lift.push(m.lift); cols.leverage.push(m.leverage); cols.conviction.push(m.conviction);
    cols.score.push(r.score);
    if (r.consequent) consequent.push([...r.consequent]);
  });
  return aq.table(consequent.length > 0 && consequent.length === rules.length ? { ...cols, consequent } : cols);
}
