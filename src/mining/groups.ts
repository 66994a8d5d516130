/**
 * Visual pattern groups (docs/method.md, Pipeline step 6): for each distinct antecedent of the kept rules, the
 * patches whose transaction contains it, assigned to the class holding most of them. The authors'
 * Python pass took 395 s on 84,616 transactions; here each group is one intersection of global
 * tid-lists (shortest list, bitset tests for the others).
 */
import { hasBit } from './bitset';
import type { ClassRule } from './class-rules';
import type { MiningContext } from './context';
import { itemsetKey } from './itemset-list';

/** One pattern group. */
export interface PatternGroup {
  /** The antecedent defining the group, ascending. */
  antecedent: number[];
  /** Transaction indices containing it, ascending. */
  rows: Int32Array;
  /** Patch ids of those transactions (`tx.ids`, or the indices). */
  patches: number[];
  /** The class holding most of the group's patches (smallest class on a tie). */
  majorityClass: number;
  /** Patches of the majority class. */
  majorityCount: number;
  /** majorityCount / group size. */
  purity: number;
  /** Classes whose kept rules have this antecedent, ascending. */
  ruleClasses: number[];
}

/**
 * The pattern groups of the kept rules, one per distinct antecedent, in first-appearance order of
 * the rules (class ascending, best rule first).
 * @param ctx the prepared transactions
 * @param rules the kept rules
 */
export function patternGroups(ctx: MiningContext, rules: readonly ClassRule[]): PatternGroup[] {
  const seen = new Map<string, PatternGroup>();
  const out: PatternGroup[] = [];
  const { index, tx } = ctx;
  let maxClass = 0;
  for (const c of ctx.classIds) maxClass = Math.max(maxClass, c);
  const counts = new Int32Array(maxClass + 1);
  const buf = new Int32Array(ctx.n);
  for (const r of rules) {
    const key = itemsetKey(r.antecedent);
    const g = seen.get(key);
    if (g) { if (!g.ruleClasses.includes(r.class)) g.ruleClasses.push(r.class); continue; }
    const len = intersectInto(ctx, r.antecedent, buf);
    const rows = buf.slice(0, len);
    let majorityClass = -1, majorityCount = 0;
    for (let p = 0; p < len; p++) {
      const c = tx.classes[rows[p]];
      const v = ++counts[c];
      if (v > majorityCount || (v === majorityCount && c < majorityClass)) { majorityClass = c; majorityCount = v; }
    }
    for (let p = 0; p < len; p++) counts[tx.classes[rows[p]]] = 0;
    const patches: number[] = new Array(len);
    for (let p = 0; p < len; p++) patches[p] = tx.ids ? tx.ids[rows[p]] : rows[p];
    const group: PatternGroup = {
      antecedent: [...r.antecedent], rows, patches, majorityClass, majorityCount,
      purity: len ? majorityCount / len : 0, ruleClasses: [r.class],
    };
    seen.set(key, group);
    out.push(group);
  }
  for (const g of out) g.ruleClasses.sort((a, b) => a - b);
  return out;
}

/** Writes the sorted tids containing every item of `set` into `out`; returns their count. */
function intersectInto(ctx: MiningContext, set: readonly number[], out: Int32Array): number {
  const { index } = ctx;
  const gsup = (i: number): number => index.tidStart[i + 1] - index.tidStart[i];
  let best = set[0];
  for (const i of set) if (gsup(i) < gsup(best)) best = i;
  let len = 0;
  outer: for (let p = index.tidStart[best], e = index.tidStart[best + 1]; p < e; p++) {
    const t = index.tids[p];
    for (const i of set) if (i !== best && !hasBit(index.bits, i * index.words, t)) continue outer;
    out[len++] = t;
  }
  return len;
}
