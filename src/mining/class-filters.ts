/**
 * Class-specific and class-shared filters (docs/method.md, Pipeline step 5). The filters of class `c` are the
 * union of the antecedents of `c`'s kept rules. A filter set (a rule antecedent) or a single
 * filter that appears in the kept rules of exactly one class is class-specific; one that appears
 * in the rules of two or more classes is class-shared, listed with the classes that share it.
 */
import type { ClassRule } from './class-rules';
import type { MiningContext } from './context';
import { itemsetKey } from './itemset-list';

/** Whether a filter (set) belongs to one class's rules or to several classes' rules. */
export type SharingKind = 'specific' | 'shared';

/** The filters of one class. */
export interface ClassFiltersRow {
  class: number;
  /** Union of the class's kept-rule antecedents, ascending. */
  filters: number[];
  /** Number of kept rules of the class. */
  nRules: number;
}

/** One filter and the classes whose kept rules use it. */
export interface FilterRow {
  filter: number;
  /** Classes whose kept rules contain the filter, ascending. */
  classes: number[];
  kind: SharingKind;
  /** count_c({filter}) for each class in `classes`. */
  supports: number[];
}

/** One distinct antecedent and the classes whose kept rules have it. */
export interface FilterSetRow {
  set: number[];
  classes: number[];
  kind: SharingKind;
  /** The rule support count_c(set) per class in `classes`. */
  supports: number[];
  /** The rule confidence P(c | set) per class in `classes`. */
  confidences: number[];
}

/**
 * The filters of every class of the context (classes without kept rules get none).
 * @param ctx the prepared transactions
 * @param rules the kept rules ({@link mineClassRules})
 */
export function classFilterRows(ctx: MiningContext, rules: readonly ClassRule[]): ClassFiltersRow[] {
  const byClass = new Map<number, { set: Set<number>; n: number }>();
  for (const c of ctx.classIds) byClass.set(c, { set: new Set(), n: 0 });
  for (const r of rules) {
    let e = byClass.get(r.class);
    if (!e) { e = { set: new Set(), n: 0 }; byClass.set(r.class, e); }
    e.n++;
    for (const f of r.antecedent) e.set.add(f);
  }
  return [...byClass.entries()].sort((a, b) => a[0] - b[0])
    .map(([cls, e]) => ({ class: cls, filters: [...e.set].sort((x, y) => x - y), nRules: e.n }));
}

/**
 * Every filter used by a kept rule, with the classes using it and its support in each.
 * @param ctx the prepared transactions (for the per-class single-filter supports)
 * @param rules the kept rules
 * @returns rows by filter ascending
 */
export function filterRows(ctx: MiningContext, rules: readonly ClassRule[]): FilterRow[] {
  const classesOf = new Map<number, Set<number>>();
  for (const r of rules) {
    for (const f of r.antecedent) {
      let s = classesOf.get(f);
      if (!s) { s = new Set(); classesOf.set(f, s); }
      s.add(r.class);
    }
  }
  const { index, tx } = ctx;
  let maxClass = 0;
  for (const c of ctx.classIds) maxClass = Math.max(maxClass, c);
  const tally = new Int32Array(maxClass + 1);
  return [...classesOf.keys()].sort((a, b) => a - b).map((filter) => {
    const classes = [...classesOf.get(filter)!].sort((a, b) => a - b);
    for (let p = index.tidStart[filter]; p < index.tidStart[filter + 1]; p++) tally[tx.classes[index.tids[p]]]++;
    const supports = classes.map((c) => tally[c]);
    for (let p = index.tidStart[filter]; p < index.tidStart[filter + 1]; p++) tally[tx.classes[index.tids[p]]] = 0;
    return { filter, classes, kind: classes.length > 1 ? 'shared' : 'specific', supports };
  });
}

/**
 * Every distinct antecedent of the kept rules, with the classes having it and the rule supports
 * and confidences per class.
 * @returns rows ordered by set size, then lexicographically
 */
export function filterSetRows(rules: readonly ClassRule[]): FilterSetRow[] {
  const bySet = new Map<string, ClassRule[]>();
  for (const r of rules) {
    const key = itemsetKey(r.antecedent);
    const list = bySet.get(key);
    if (list) list.push(r); else bySet.set(key, [r]);
  }
  const rows = [...bySet.values()].map((list) => {
    const sorted = [...list].sort((a, b) => a.class - b.class);
    return {
      set: [...sorted[0].antecedent],
      classes: sorted.map((r) => r.class),
      kind: (sorted.length > 1 ? 'shared' : 'specific') as SharingKind,
      supports: sorted.map((r) => r.support),
      confidences: sorted.map((r) => r.confidence),
    };
  });
  return rows.sort((a, b) => a.set.length - b.set.length || compareLex(a.set, b.set));
}

function compareLex(a: number[], b: number[]): number {
  for (let j = 0; j < Math.min(a.length, b.length); j++) if (a[j] !== b[j]) return a[j] - b[j];
  return a.length - b.length;
}
