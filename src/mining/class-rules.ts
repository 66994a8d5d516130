/**
 * Filters -> class rules (method.md stage 4). Per class `c`, the frequent filter sets `A` of `c`'s
 * transactions (at least `minLength` filters) give rules `A -> c` with support `count_c(A)` and
 * confidence `count_c(A) / count_all(A)` = P(c | A) over all transactions. Keep rules with
 * confidence >= minConfidence, per class the top `topN` by support x confidence, then drop a kept
 * rule whose antecedent is a proper subset of another kept rule's antecedent with the same class,
 * support and confidence.
 *
 * How it is fast: Eclat over class-local tid bitsets (a class has ~85 transactions in the paper's
 * data, 3 words), with `count_all(A)` from the global tid-lists (the prefix's list filtered by
 * one bitset test per entry). And branch-and-bound for the top-N: for any superset B of A,
 * score(B) = s_c(B)^2 / count_all(B) <= s_c(B) <= s_c(A), so once N rules are held, a branch whose
 * class support is below the N-th best score cannot enter and is skipped. The result is exactly
 * the top-N over *all* frequent sets (ties broken as documented in {@link compareRules}), without
 * enumerating them: this is what keeps k = 25 with minimum support 2 tractable.
 */
import { hasBit, wordsFor } from './bitset';
import type { MiningContext } from './context';
import { absoluteSupport, checkMaxLength } from './support';

/** Options of {@link mineClassRules}; defaults are the paper's (method.md stage 4). */
export interface ClassRuleOptions {
  /** Minimum support within the class: integer >= 1 = transactions, (0, 1) = fraction of the class. Default 2. */
  minSupport?: number;
  /** Minimum confidence P(class | antecedent), in [0, 1]. Default 0.5. */
  minConfidence?: number;
  /** Rules kept per class, best support x confidence first (Infinity = all). Default 10. */
  topN?: number;
  /** Minimum antecedent size. Default 2. */
  minLength?: number;
  /** Maximum antecedent size (Infinity = none). Default Infinity; see the note on speed above. */
  maxLength?: number;
  /** Drop subset rules with equal class, support and confidence. Default true. */
  removeSubsets?: boolean;
}

/** The defaults of {@link ClassRuleOptions}: the paper's parameters. */
export const classRuleDefaults: Readonly<Required<ClassRuleOptions>> = Object.freeze({
  minSupport: 2, minConfidence: 0.5, topN: 10, minLength: 2, maxLength: Infinity, removeSubsets: true,
});

/** One filters -> class rule with its counts. */
export interface ClassRule {
  /** The consequent class. */
  cls: number;
  /** The antecedent filters, ascending. */
  antecedent: number[];
  /** count_c(A): transactions of the class containing A. */
  support: number;
  /** count_all(A): all transactions containing A. */
  antecedentSupport: number;
  /** support / antecedentSupport. */
  confidence: number;
  /** support x confidence, the ranking score. */
  score: number;
}

/**
 * The rule order: score descending, then support descending, then confidence descending, then
 * longer antecedent first (so of two equal-score nested sets the more specific one ranks first),
 * then antecedents lexicographically ascending. Total, so the top-N is deterministic.
 */
export function compareRules(a: ClassRule, b: ClassRule): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.support !== b.support) return b.support - a.support;
  if (a.confidence !== b.confidence) return b.confidence - a.confidence;
  if (a.antecedent.length !== b.antecedent.length) return b.antecedent.length - a.antecedent.length;
  for (let j = 0; j < a.antecedent.length; j++) {
    if (a.antecedent[j] !== b.antecedent[j]) return a.antecedent[j] - b.antecedent[j];
  }
  return 0;
}

/** Resolves and checks {@link ClassRuleOptions}. */
export function resolveClassRuleOptions(options: ClassRuleOptions = {}): Required<ClassRuleOptions> {
  const o = { ...classRuleDefaults, ...options };
  absoluteSupport(o.minSupport, 1); // range check only
  if (!(typeof o.minConfidence === 'number' && o.minConfidence >= 0 && o.minConfidence <= 1)) {
    throw new Error(`minimum confidence must be a number in [0, 1], got ${String(o.minConfidence)}`);
  }
  if (o.topN !== Infinity && (!Number.isInteger(o.topN) || o.topN < 1)) {
    throw new Error(`topN must be a positive integer or Infinity, got ${String(o.topN)}`);
  }
  if (!Number.isInteger(o.minLength) || o.minLength < 1) throw new Error(`minLength must be a positive integer, got ${String(o.minLength)}`);
  checkMaxLength(o.maxLength, 'class rules');
  return o;
}

/** A bounded, sorted list of the best rules; `threshold` is the N-th best score once full. */
class TopRules {
  readonly list: ClassRule[] = [];
  constructor(readonly limit: number) {}
  get full(): boolean { return this.list.length >= this.limit; }
  get threshold(): number { return this.full ? this.list[this.list.length - 1].score : -Infinity; }
  offer(r: ClassRule): void {
    if (this.limit === Infinity) { this.list.push(r); return; }
    if (this.full && compareRules(r, this.list[this.list.length - 1]) >= 0) return;
    let i = this.list.length;
    this.list.push(r);
    while (i > 0 && compareRules(r, this.list[i - 1]) < 0) { this.list[i] = this.list[i - 1]; i--; }
    this.list[i] = r;
    if (this.list.length > this.limit) this.list.pop();
  }
  result(): ClassRule[] { return this.limit === Infinity ? this.list.sort(compareRules) : this.list; }
}

/** Scratch buffers reused across classes (sized for the whole database once). */
interface Scratch {
  count: Int32Array;
  rank: Int32Array;
  global: Int32Array[];
}

/**
 * Mines the kept rules of every class (method.md stage 4).
 * @param ctx the prepared transactions ({@link prepareMining})
 * @param options thresholds; defaults are the paper's
 * @returns the kept rules, by class ascending, each class's rules best first
 * @throws on thresholds outside their ranges
 */
export function mineClassRules(ctx: MiningContext, options: ClassRuleOptions = {}): ClassRule[] {
  const o = resolveClassRuleOptions(options);
  const scratch: Scratch = { count: new Int32Array(ctx.tx.nItems), rank: new Int32Array(ctx.tx.nItems).fill(-1), global: [] };
  const out: ClassRule[] = [];
  for (let k = 0; k < ctx.classIds.length; k++) {
    const rows = ctx.classRows.subarray(ctx.classStart[k], ctx.classStart[k + 1]);
    let rules = mineOneClass(ctx, ctx.classIds[k], rows, o, scratch);
    if (o.removeSubsets) rules = removeSubsetRules(rules);
    for (const r of rules) out.push(r);
  }
  return out;
}

function mineOneClass(ctx: MiningContext, cls: number, rows: Int32Array, o: Required<ClassRuleOptions>, scratch: Scratch): ClassRule[] {
  const { tx, index } = ctx;
  const nc = rows.length;
  const minCount = absoluteSupport(o.minSupport, nc);
  const cnt = scratch.count;
  for (let r = 0; r < nc; r++) {
    const t = rows[r];
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) cnt[tx.items[j]]++;
  }
  const freq: number[] = [];
  for (let r = 0; r < nc; r++) {
    const t = rows[r];
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) {
      const i = tx.items[j];
      if (cnt[i] >= minCount) { freq.push(i); cnt[i] = -cnt[i]; } // mark as listed (negated)
    }
  }
  const sup = new Int32Array(freq.length);
  freq.forEach((i, r) => { sup[r] = -cnt[i]; });
  for (let r = 0; r < nc; r++) {
    const t = rows[r];
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) cnt[tx.items[j]] = 0;
  }
  const m = freq.length;
  const top = new TopRules(o.topN);
  if (m === 0) return [];

  // Order items by their single-item score s_c^2 / s_all, best first, so that strong rules are
  // found early and the branch-and-bound threshold rises quickly. (Order affects speed only.)
  const order = Array.from({ length: m }, (_, r) => r);
  const gsup = (i: number): number => index.tidStart[i + 1] - index.tidStart[i];
  order.sort((a, b) => sup[b] * sup[b] * gsup(freq[a]) - sup[a] * sup[a] * gsup(freq[b]) || sup[b] - sup[a] || freq[a] - freq[b]);
  const items0 = Int32Array.from(order, (r) => freq[r]);
  const sups0 = Int32Array.from(order, (r) => sup[r]);

  const words = wordsFor(nc);
  const rank = scratch.rank;
  items0.forEach((i, r) => { rank[i] = r; });
  const bits: Uint32Array[] = [new Uint32Array(m * words)];
  for (let r = 0; r < nc; r++) {
    const t = rows[r];
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) {
      const q = rank[tx.items[j]];
      if (q >= 0) bits[0][q * words + (r >>> 5)] |= 1 << (r & 31);
    }
  }
  items0.forEach((i) => { rank[i] = -1; });
  const ids: Int32Array[] = [items0];
  const sups: Int32Array[] = [sups0];
  const prefix = new Int32Array(m);
  const globalLen = new Int32Array(m + 1);
  const G = scratch.global;
  const minLength = o.minLength, maxLength = o.maxLength, minConf = o.minConfidence;

  const visit = (d: number, size: number): void => {
    const B = bits[d], I = ids[d], S = sups[d];
    for (let a = 0; a < size; a++) {
      const s = S[a];
      if (top.full && s < top.threshold) continue; // no superset can score >= s
      const item = I[a];
      prefix[d] = item;
      // count_all(prefix[0..d]): filter the parent's global tid-list by this item's bitset.
      let sall: number;
      if (d === 0) {
        sall = gsup(item);
      } else {
        while (G.length <= d) G.push(new Int32Array(ctx.n));
        const dst = G[d];
        const off = item * index.words;
        let len = 0;
        if (d === 1) {
          const p0 = prefix[0];
          for (let p = index.tidStart[p0], e = index.tidStart[p0 + 1]; p < e; p++) {
            const t = index.tids[p];
            if (hasBit(index.bits, off, t)) dst[len++] = t;
          }
        } else {
          const src = G[d - 1];
          for (let p = 0, e = globalLen[d - 1]; p < e; p++) {
            const t = src[p];
            if (hasBit(index.bits, off, t)) dst[len++] = t;
          }
        }
        globalLen[d] = len;
        sall = len;
      }
      if (d + 1 >= minLength) {
        const conf = s / sall;
        if (conf >= minConf) {
          const score = (s * s) / sall;
          if (!top.full || score >= top.threshold) {
            const antecedent = Array.from(prefix.subarray(0, d + 1)).sort((x, y) => x - y);
            top.offer({ cls, antecedent, support: s, antecedentSupport: sall, confidence: conf, score });
          }
        }
      }
      if (d + 1 >= maxLength || a + 1 >= size) continue;
      if (bits.length <= d + 1) {
        bits.push(new Uint32Array(m * words));
        ids.push(new Int32Array(m));
        sups.push(new Int32Array(m));
      }
      const NB = bits[d + 1], NI = ids[d + 1], NS = sups[d + 1];
      let next = 0;
      const floor = Math.max(minCount, top.full ? top.threshold : 0);
      for (let b = a + 1; b < size; b++) {
        let c = 0;
        const ao = a * words, bo = b * words, no = next * words;
        for (let w = 0; w < words; w++) {
          const v = B[ao + w] & B[bo + w];
          NB[no + w] = v;
          if (v !== 0) c += popcount(v);
        }
        if (c >= floor) { NI[next] = I[b]; NS[next] = c; next++; }
      }
      if (next > 0) visit(d + 1, next);
    }
  };
  visit(0, m);
  return top.result();
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * Drops each rule whose antecedent is a proper subset of another rule's antecedent in the list
 * with the same class, support and confidence (method.md stage 4). Order is kept.
 * @param rules rules of any classes, antecedents ascending
 */
export function removeSubsetRules(rules: readonly ClassRule[]): ClassRule[] {
  return rules.filter((a) => !rules.some((b) =>
    b !== a && b.cls === a.cls && b.support === a.support && b.antecedentSupport === a.antecedentSupport &&
    b.antecedent.length > a.antecedent.length && isSubset(a.antecedent, b.antecedent)));
}

/** Whether ascending `a` is a subset of ascending `b`. */
export function isSubset(a: readonly number[], b: readonly number[]): boolean {
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && b[j] < a[i]) j++;
    if (j === b.length || b[j] !== a[i]) return false;
    j++;
  }
  return true;
}
