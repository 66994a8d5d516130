/**
 * The authors' rule definition (docs/method.md, stage 4, "Rule definitions"), selected with
 * `ruleDefinition: 'authors'`. Per class `c`, every filter set `F` frequent among `c`'s
 * transactions (count_c(F) >= minimum support) and every proper subset `A` of `F` with at least
 * `minLength` filters give a rule `A -> c` whose measures ignore the class:
 *
 *   support    = count_all(F)
 *   confidence = count_all(F) / count_all(A)   (the filter-to-filter rule A -> F \ A over all transactions)
 *
 * The class enters only through the choice of `F` (frequent within `c`). Identical rules (same
 * antecedent, support and confidence) reached from different `F` count once; a rule reached from
 * two `F` with different counts gives two rules. Selection is then as in the standard definition:
 * confidence >= minConfidence, top `topN` by support x confidence, subset rules dropped.
 *
 * Every frequent set of the class and every subset of it is enumerated (no branch-and-bound), so
 * the cost grows as 2^|F|: bound the antecedent with `maxLength` (then |F| <= maxLength + 1) for
 * large transactions.
 */
import { andCount } from './bitset';
import type { ClassRule } from './class-rules';
import type { MiningContext } from './context';

/** The thresholds the authors' miner reads (resolved {@link ClassRuleOptions}). */
export interface AuthorsRuleThresholds {
  minCount: number;
  minConfidence: number;
  minLength: number;
  maxLength: number;
}

/** A frequent set of the class: its items (ascending) and count_all. */
interface Frequent {
  items: number[];
  all: number;
}

/**
 * The candidate rules of one class under the authors' definition (before top-N and subset removal).
 * @param ctx prepared transactions
 * @param cls the class
 * @param rows the class's transaction indices
 * @param o resolved thresholds (minCount absolute)
 * @returns the rules with confidence >= minConfidence, unsorted, each distinct once
 */
export function authorsCandidateRules(ctx: MiningContext, cls: number, rows: Int32Array, o: AuthorsRuleThresholds): ClassRule[] {
  const { index } = ctx;
  const words = index.words;
  // Class items with their class-local tid sets (as global bitsets restricted to the class rows).
  const classBits = new Uint32Array(words);
  for (const t of rows) classBits[t >>> 5] |= 1 << (t & 31);
  const scratch = new Uint32Array(words);
  const items: number[] = [];
  for (let i = 0; i < index.nItems; i++) {
    if (andCount(classBits, 0, index.bits, i * words, scratch, 0, words) >= o.minCount) items.push(i);
  }
  const maxSet = o.maxLength === Infinity ? Infinity : o.maxLength + 1;
  const frequent: Frequent[] = [];
  const allCount = new Map<string, number>();
  // Depth-first over sets in ascending item order: `cls` = class tids of the prefix, `glob` = all tids.
  const visit = (prefix: number[], cbits: Uint32Array, gbits: Uint32Array, from: number): void => {
    if (prefix.length >= maxSet) return;
    for (let j = from; j < items.length; j++) {
      const i = items[j];
      if (andCount(cbits, 0, index.bits, i * words, scratch, 0, words) < o.minCount) continue; // most candidates stop here
      const c2 = scratch.slice(), g2 = new Uint32Array(words);
      const all = andCount(gbits, 0, index.bits, i * words, g2, 0, words);
      const set = [...prefix, i];
      frequent.push({ items: set, all });
      allCount.set(set.join(' '), all);
      visit(set, c2, g2, j + 1);
    }
  };
  const full = new Uint32Array(words).fill(0xffffffff);
  visit([], classBits, full, 0);

  const seen = new Set<string>();
  const out: ClassRule[] = [];
  for (const f of frequent) {
    const size = f.items.length;
    if (size <= o.minLength) continue; // A needs minLength filters and must be a proper subset
    if (size > 24) {
      throw new Error(`authors' rule definition: class ${cls} has a frequent set of ${size} filters, whose ${2 ** size} subsets are too many to enumerate; set maxLength (expected at most 23)`);
    }
    // Every proper subset A by bitmask (F is small: bounded by the transaction size).
    for (let mask = 1; mask < (1 << size) - 1; mask++) {
      const a: number[] = [], rest: number[] = [];
      for (let b = 0; b < size; b++) ((mask >> b) & 1 ? a : rest).push(f.items[b]);
      if (a.length < o.minLength || a.length > o.maxLength) continue;
      const aAll = allCount.get(a.join(' '))!; // a subset of a class-frequent set is class-frequent
      const confidence = f.all / aAll;
      if (confidence < o.minConfidence) continue;
      const key = `${a.join(' ')}|${f.all}|${aAll}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        class: cls, antecedent: a, support: f.all, antecedentSupport: aAll, confidence, score: f.all * confidence,
        consequent: rest, consequentSupport: allCount.get(rest.join(' '))!,
      });
    }
  }
  return out;
}
