/**
 * The paper's mining procedure (method.md stages 4-6) over typed arrays and plain objects only: no
 * tables, no Node modules. {@link minePaperRules} wraps it into arquero tables for Node; the
 * in-page tuner runs this very module compiled for the browser, so both give the same rules.
 */
import { classFilterRows, filterRows, filterSetRows, type ClassFiltersRow, type FilterRow, type FilterSetRow } from './class-filters';
import { classRuleDefaults, mineClassRules, type ClassRule, type ClassRuleOptions } from './class-rules';
import type { MiningContext } from './context';
import { patternGroups, type PatternGroup } from './groups';
import { withDefaults } from './support';

/** Options of the paper's procedure: the rule thresholds plus which stages to run. */
export interface PaperRulesOptions extends ClassRuleOptions {
  /** Compute the pattern groups (stage 6). Default true. */
  groups?: boolean;
}

/** The defaults of {@link PaperRulesOptions}: the paper's parameters, groups on. */
export const paperRulesDefaults: Readonly<Required<PaperRulesOptions>> = Object.freeze({ ...classRuleDefaults, groups: true });

/** Result counts, e.g. for a summary line or a sweep cell. */
export interface PaperCounts {
  transactions: number;
  classes: number;
  rules: number;
  classesWithRules: number;
  /** Mean number of filters per class (over all classes of the data). */
  meanFiltersPerClass: number;
  filters: number;
  specificFilters: number;
  sharedFilters: number;
  filterSets: number;
  specificFilterSets: number;
  sharedFilterSets: number;
  groups: number;
  /** Groups with at least 20 patches (the paper's count of sizeable groups). */
  groupsAtLeast20: number;
}

/** Wall-clock milliseconds of the stages of {@link minePaperCore}. */
export interface PaperCoreTimings {
  /** Stage 4: per-class mining and rule selection. */
  rules: number;
  /** Stage 5: class filters, filters and filter sets. */
  filters: number;
  /** Stage 6: pattern groups. */
  groups: number;
}

/** The rows of the paper's procedure, as plain objects. */
export interface PaperCoreResult {
  /** Kept rules, class ascending, best first within a class (antecedents in original filter ids). */
  rules: ClassRule[];
  /** The filters of every class (classes without rules get none). */
  classFilters: ClassFiltersRow[];
  /** Every filter of a kept rule, with the classes using it. */
  filters: FilterRow[];
  /** Every distinct antecedent, with the classes having it. */
  filterSets: FilterSetRow[];
  /** Pattern groups (empty when groups are off). */
  groups: PatternGroup[];
  counts: PaperCounts;
  timings: PaperCoreTimings;
  /** The options used, defaults filled in. */
  options: Required<PaperRulesOptions>;
}

const now = (): number => globalThis.performance.now();

/**
 * Runs method.md stages 4-6 on a prepared context.
 * @param ctx the prepared transactions (`prepareMining`)
 * @param options thresholds (defaults: the paper's) and whether to compute groups
 * @param itemIds when the context was built from renumbered items (`compactItems`), the original
 *   filter id of each item: the results name the original filters
 * @throws on thresholds outside their ranges, before any mining
 */
export function minePaperCore(ctx: MiningContext, options: PaperRulesOptions = {}, itemIds: ArrayLike<number> | null = null): PaperCoreResult {
  const o = withDefaults<PaperRulesOptions>(paperRulesDefaults, options); // mineClassRules checks the thresholds first
  const original = (items: readonly number[]): number[] => (itemIds ? items.map((i) => itemIds[i]) : [...items]);
  const t0 = now();
  const mined = mineClassRules(ctx, o);
  const rules = itemIds ? mined.map((r) => ({ ...r, antecedent: original(r.antecedent), ...(r.consequent ? { consequent: original(r.consequent) } : {}) })) : mined;
  const t1 = now();
  const classFilters = classFilterRows(ctx, rules);
  const filters = filterRows(ctx, mined).map((r) => (itemIds ? { ...r, filter: itemIds[r.filter] } : r));
  const filterSets = filterSetRows(rules);
  const t2 = now();
  const groups = o.groups ? patternGroups(ctx, mined).map((g) => (itemIds ? { ...g, antecedent: original(g.antecedent) } : g)) : [];
  const t3 = now();
  const nClasses = ctx.classIds.length;
  const counts: PaperCounts = {
    transactions: ctx.n,
    classes: nClasses,
    rules: rules.length,
    classesWithRules: classFilters.filter((r) => r.nRules > 0).length,
    meanFiltersPerClass: nClasses ? classFilters.reduce((s, r) => s + r.filters.length, 0) / nClasses : 0,
    filters: filters.length,
    specificFilters: filters.filter((r) => r.kind === 'specific').length,
    sharedFilters: filters.filter((r) => r.kind === 'shared').length,
    filterSets: filterSets.length,
    specificFilterSets: filterSets.filter((r) => r.kind === 'specific').length,
    sharedFilterSets: filterSets.filter((r) => r.kind === 'shared').length,
    groups: groups.length,
    groupsAtLeast20: groups.filter((g) => g.patches.length >= 20).length,
  };
  return { rules, classFilters, filters, filterSets, groups, counts, options: o, timings: { rules: t1 - t0, filters: t2 - t1, groups: t3 - t2 } };
}
