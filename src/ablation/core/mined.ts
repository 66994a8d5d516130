/**
 * From the mining result to ranked filters per class (docs/method.md, "Class filters" feeding
 * "Evaluation"): the filters of class c are the union of the antecedents of c's kept rules; they
 * are ranked by the summed `support x confidence` of the rules that contain them (a filter in
 * more and stronger rules first; ties by filter index), which orders the ablation curves. Pure;
 * it reads the miner's typed rules (`ruleList` of `minePaperRules`), not its display tables.
 */
import type { ClassRule } from '../../mining/class-rules';
import type { ClassFilterLists } from './class-conditional';

/** The fields of a kept rule used here. */
export type MinedRule = Pick<ClassRule, 'class' | 'antecedent' | 'support' | 'confidence'>;

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
    for (const f of r.antecedent) {
      if (!(Number.isInteger(f) && f >= 0)) throw new Error(`rankMinedFilters: rule ${i} has filter ${f}, expected a non-negative integer`);
      const m = scores[r.class];
      m.set(f, (m.get(f) ?? 0) + s);
    }
  });
  return scores.map((m) => [...m.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([f]) => f));
}

/**
 * {@link rankMinedFilters} over a mining result.
 * @param result anything with the miner's typed kept rules
 * @param numClasses K
 */
export function minedFilterLists(result: { readonly ruleList: readonly MinedRule[] }, numClasses: number): ClassFilterLists {
  return rankMinedFilters(result.ruleList, numClasses);
}
