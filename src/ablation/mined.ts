/**
 * From the mining result to ranked filters per class (docs/method.md, Pipeline step 5 feeding
 * "Evaluation"): the filters of class c are the union of the antecedents of c's kept rules; they
 * are ranked by the summed `support x confidence` of the rules that contain them (a filter in
 * more and stronger rules first; ties by filter index), which orders the ablation curves. Pure.
 */
import type { ClassFilterLists } from './class-conditional';
import type { AblationTable } from './table';

/** The fields of a kept rule used here (a row of the mining `rules` table). */
export interface MinedRule {
  /** The rule's class. */
  class: number;
  /** The antecedent filters. */
  antecedent: ArrayLike<number>;
  /** count_c(A). */
  support: number;
  /** P(c | A). */
  confidence: number;
}

/**
 * Ranked filters per class from kept rules.
 * @param rules the kept rules (any order); not mutated
 * @param numClasses K; classes without rules get an empty list
 * @returns `lists[c]` = c's filters, best first
 * @throws naming the rule when a class is outside [0, K) or a filter is not a non-negative integer
 */
export function rankMinedFilters(rules: readonly MinedRule[], numClasses: number): number[][] {
  const scores = Array.from({ length: numClasses }, () => new Map<number, number>());
  rules.forEach((r, i) => {
    if (!(Number.isInteger(r.class) && r.class >= 0 && r.class < numClasses)) {
      throw new Error(`rankMinedFilters: rule ${i} has class ${r.class}, expected an integer in [0, ${numClasses})`);
    }
    const s = r.support * r.confidence;
    for (let j = 0; j < r.antecedent.length; j++) {
      const f = r.antecedent[j];
      if (!(Number.isInteger(f) && f >= 0)) throw new Error(`rankMinedFilters: rule ${i} has filter ${f}, expected a non-negative integer`);
      const m = scores[r.class];
      m.set(f, (m.get(f) ?? 0) + s);
    }
  });
  return scores.map((m) => [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([f]) => f));
}

/**
 * {@link rankMinedFilters} over the mining `rules` table (columns class, antecedent, support,
 * confidence), checked against the `classFilters` table (columns class, filters) when given.
 * @param rules the kept rules table of `minePaperRules`
 * @param numClasses K
 * @param classFilters optional `classFilters` table; each class's set must equal the rules' union
 * @throws on a missing column or when the two tables disagree
 */
export function minedFiltersFromTables(rules: AblationTable, numClasses: number, classFilters?: AblationTable): ClassFilterLists {
  for (const c of ['class', 'antecedent', 'support', 'confidence']) {
    if (!rules.columnNames().includes(c)) throw new Error(`minedFiltersFromTables: the rules table has no column '${c}' (columns: ${rules.columnNames().join(', ')})`);
  }
  const lists = rankMinedFilters(rules.objects() as unknown as MinedRule[], numClasses);
  if (classFilters) {
    for (const row of classFilters.objects() as unknown as { class: number; filters: ArrayLike<number> }[]) {
      const want = Array.from(row.filters).sort((a, b) => a - b).join(',');
      const got = [...(lists[row.class] ?? [])].sort((a, b) => a - b).join(',');
      if (want !== got) throw new Error(`minedFiltersFromTables: class ${row.class} has filters [${want}] in classFilters but [${got}] in the rules`);
    }
  }
  return lists;
}
