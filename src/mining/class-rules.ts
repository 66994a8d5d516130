/**
 * Filters -> class rules (docs/method.md, Pipeline step 4). Per class `c`, the frequent filter sets `A` of `c`'s
 * transactions (at least `minLength` filters) give rules `A -> c` with support `count_c(A)` and
 * confidence `count_c(A) / count_all(A)` = P(c | A) over all transactions. Keep rules with
 * confidence >= minConfidence, per class the top `topN` by support x confidence, then drop a kept
 * rule whose antecedent is a proper subset of another kept rule's antecedent with the same class,
 * support and confidence.
 *
 * How it is fast: Eclat-style tid bitsets local to the class (a class has ~85 transactions in the
 * paper's data: 3 words per set), `count_all(A)` from the global index (a pair-count lookup for
 * 2-filter sets, the parent's global tid-list filtered by one bitset test per entry for larger
 * ones), and best-first branch-and-bound for the top-N: for any superset B of A,
 * score(B) = s_c(B)^2 / count_all(B) <= s_c(B) <= s_c(A), so sets are visited in descending class
 * support and the search stops once that support is below the N-th best score held. The result is
 * exactly the top-N over *all* frequent sets (ties broken as in {@link compareRules}; checked
 * against brute force in the tests) without enumerating them, which keeps k = 25 with minimum
 * support 2 tractable. With `topN: Infinity` there is no bound and every frequent set is visited:
 * then set `maxLength`.
 */
import { authorsCandidateRules } from './authors-rules';
import { hasBit, popcount32, wordsFor } from './bitset';
import type { MiningContext } from './context';
import { absoluteSupport, checkMaxLength, withDefaults } from './support';

/** The rule definitions: see docs/method.md, stage 4, "Rule definitions". */
export const RULE_DEFINITIONS = ['standard', 'authors'] as const;
/** `standard`: confidence P(class | A); `authors`: the authors' filter-to-filter confidence (authors-rules.ts). */
export type RuleDefinition = typeof RULE_DEFINITIONS[number];

/** Options of {@link mineClassRules}; defaults are the paper's (docs/method.md, Pipeline step 4). */
export interface ClassRuleOptions {
  /**
   * Which support and confidence the rules use: `standard` (default) count_c(A) and P(class | A);
   * `authors` the authors' code's count_all(F) and count_all(F) / count_all(A) for a class-frequent
   * set F and a proper subset A of it (see authors-rules.ts).
   */
  ruleDefinition?: RuleDefinition;
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
  ruleDefinition: 'standard', minSupport: 2, minConfidence: 0.5, topN: 10, minLength: 2, maxLength: Infinity, removeSubsets: true,
});

/** One filters -> class rule with its counts. */
export interface ClassRule {
  /** The consequent class. */
  class: number;
  /** The antecedent filters, ascending. */
  antecedent: number[];
  /** Standard: count_c(A), transactions of the class containing A. Authors': count_all(A u consequent). */
  support: number;
  /** count_all(A): all transactions containing A. */
  antecedentSupport: number;
  /** support / antecedentSupport. */
  confidence: number;
  /** support x confidence, the ranking score. */
  score: number;
  /** Authors' definition only: the filters F minus A the confidence is towards, ascending. */
  consequent?: number[];
  /** Authors' definition only: count_all(consequent). */
  consequentSupport?: number;
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

/**
 * Checks a rule definition (e.g. a command-line value) and returns it typed.
 * @param name how the value is named in the error (a flag, say)
 * @throws naming the value and the choices
 */
export function checkRuleDefinition(value: unknown, name = 'rule definition'): RuleDefinition {
  if (!(RULE_DEFINITIONS as readonly unknown[]).includes(value)) {
    throw new Error(`${name} must be one of ${RULE_DEFINITIONS.map((d) => `'${d}'`).join(', ')}, got '${String(value)}'`);
  }
  return value as RuleDefinition;
}

/** Resolves and checks {@link ClassRuleOptions}. */
export function resolveClassRuleOptions(options: ClassRuleOptions = {}): Required<ClassRuleOptions> {
  const o = withDefaults<ClassRuleOptions>(classRuleDefaults, options);
  checkRuleDefinition(o.ruleDefinition);
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
  /** Intersection buffer, one slot per transaction. */
  list: Int32Array;
  /** Child candidates of the node being expanded (order positions and supports). */
  childQ: Int32Array;
  childS: Int32Array;
  /** Counting-sort buckets, one per possible class support. */
  bucket: Int32Array;
}

/**
 * Mines the kept rules of every class (docs/method.md, Pipeline step 4).
 * @param ctx the prepared transactions ({@link prepareMining})
 * @param options thresholds; defaults are the paper's
 * @returns the kept rules, by class ascending, each class's rules best first
 * @throws on thresholds outside their ranges
 */
export function mineClassRules(ctx: MiningContext, options: ClassRuleOptions = {}): ClassRule[] {
  const o = resolveClassRuleOptions(options);
  const scratch: Scratch = { count: new Int32Array(ctx.tx.nItems), rank: new Int32Array(ctx.tx.nItems).fill(-1), list: new Int32Array(ctx.n),
    childQ: new Int32Array(ctx.tx.nItems), childS: new Int32Array(ctx.tx.nItems), bucket: new Int32Array(ctx.n + 2) };
  const out: ClassRule[] = [];
  for (let k = 0; k < ctx.classIds.length; k++) {
    const rows = ctx.classRows.subarray(ctx.classStart[k], ctx.classStart[k + 1]);
    let rules = o.ruleDefinition === 'authors' ? authorsTop(ctx, ctx.classIds[k], rows, o) : mineOneClass(ctx, ctx.classIds[k], rows, o, scratch);
    if (o.removeSubsets) rules = removeSubsetRules(rules);
    for (const r of rules) out.push(r);
  }
  return out;
}

/** One class's top-N rules under the authors' definition (all candidates ranked; no bound). */
function authorsTop(ctx: MiningContext, cls: number, rows: Int32Array, o: Required<ClassRuleOptions>): ClassRule[] {
  const minCount = absoluteSupport(o.minSupport, rows.length);
  const top = new TopRules(o.topN);
  for (const r of authorsCandidateRules(ctx, cls, rows, { ...o, minCount })) top.offer(r);
  return top.result();
}

/** An expanded node of one class's set-enumeration tree: an itemset, its bitset and its children. */
interface SearchNode {
  /** Item ids in search order. */
  items: number[];
  /** Order position of the last item; children extend with later positions only. */
  last: number;
  /** count_c(items). */
  s: number;
  /** Class-local tid bitset. */
  bits: Uint32Array;
  parent: SearchNode | null;
  /** Global tid-list, computed on demand and cached. */
  list: Int32Array | null;
  /** Order positions of the children worth visiting, by class support descending. */
  childQ: Int32Array;
  /** Their class supports. */
  childS: Int32Array;
}

/** A heap entry: child `idx` of an expanded node, keyed by its class support. */
interface Pending {
  from: SearchNode;
  idx: number;
  s: number;
}

/**
 * Best-first branch-and-bound over the set-enumeration tree of one class's frequent sets: sets are
 * visited in descending class support, and the search stops once the best open set's support is
 * below the N-th best score held (no superset of it can enter). A node's children are kept sorted
 * and enter the heap one at a time (a child is pushed when its elder sibling is popped), so the heap
 * stays small. Exact; the item order affects speed only.
 */
function mineOneClass(ctx: MiningContext, cls: number, rows: Int32Array, o: Required<ClassRuleOptions>, scratch: Scratch): ClassRule[] {
  const { tx, index } = ctx;
  const nc = rows.length;
  const minCount = absoluteSupport(o.minSupport, nc);
  const cnt = scratch.count;
  const freq: number[] = [];
  for (let r = 0; r < nc; r++) {
    const t = rows[r];
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) {
      const i = tx.items[j];
      if (++cnt[i] === minCount) freq.push(i);
    }
  }
  freq.sort((a, b) => cnt[b] - cnt[a] || a - b);
  const m = freq.length;
  const itemSup = Int32Array.from(freq, (i) => cnt[i]);
  for (let r = 0; r < nc; r++) {
    const t = rows[r];
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) cnt[tx.items[j]] = 0;
  }
  if (m === 0) return [];
  const words = wordsFor(nc);
  const rank = scratch.rank;
  freq.forEach((i, r) => { rank[i] = r; });
  const itemBits = new Uint32Array(m * words);
  for (let r = 0; r < nc; r++) {
    const t = rows[r];
    for (let j = tx.offsets[t]; j < tx.offsets[t + 1]; j++) {
      const q = rank[tx.items[j]];
      if (q >= 0) itemBits[q * words + (r >>> 5)] |= 1 << (r & 31);
    }
  }
  freq.forEach((i) => { rank[i] = -1; });

  const top = new TopRules(o.topN);
  const { minLength, maxLength, minConfidence } = o;
  const gsup = (i: number): number => index.tidStart[i + 1] - index.tidStart[i];
  const pairs = ctx.pairCounts;
  const buf = scratch.list;
  const childQ = scratch.childQ, childS = scratch.childS;

  const globalList = (node: SearchNode): Int32Array => {
    if (node.list) return node.list;
    const len = node.items.length;
    const last = node.items[len - 1];
    let src: Int32Array, test: number;
    if (len === 1) {
      node.list = index.tids.subarray(index.tidStart[last], index.tidStart[last + 1]);
      return node.list;
    } else if (len === 2) {
      // Scan the shorter of the two items' lists, test the other's bitset.
      const a = node.items[0];
      const [scan, other] = gsup(a) <= gsup(last) ? [a, last] : [last, a];
      src = index.tids.subarray(index.tidStart[scan], index.tidStart[scan + 1]);
      test = other;
    } else {
      src = globalList(node.parent!);
      test = last;
    }
    const off = test * index.words;
    let k = 0;
    for (let p = 0; p < src.length; p++) if (hasBit(index.bits, off, src[p])) buf[k++] = src[p];
    node.list = buf.slice(0, k);
    return node.list;
  };

  /**
   * count_all of a node of 3+ items without materialising its list (the three global bitsets
   * ANDed, or the parent's global list tested against the last item's bitset), stopping once the
   * count passes `limit` (then any value above `limit` serves, since the caller refuses the rule).
   */
  const countAll = (node: SearchNode, limit: number): number => {
    const bits = index.bits, words = index.words, its = node.items;
    const parent = node.parent!;
    if (!parent.list && its.length === 3) {
      // No list of the pair yet: AND the three global bitsets (a list would cost a scan of the
      // rarer filter's tid-list first).
      const o0 = its[0] * words, o1 = its[1] * words, o2 = its[2] * words;
      let c = 0;
      for (let w = 0; w < words; w++) {
        const v = bits[o0 + w] & bits[o1 + w] & bits[o2 + w];
        if (v !== 0 && (c += popcount32(v)) > limit) return c;
      }
      return c;
    }
    const src = globalList(parent);
    const off = its[its.length - 1] * words;
    let c = 0;
    for (let p = 0; p < src.length; p++) {
      const t = src[p];
      if ((bits[off + (t >>> 5)] & (1 << (t & 31))) !== 0 && ++c > limit) return c;
    }
    return c;
  };

  /** Lists the node's children with support >= floor, sorted by support descending. */
  const expand = (node: SearchNode): void => {
    const floor = Math.max(minCount, top.full ? top.threshold : 0);
    let k = 0;
    if (node.items.length < maxLength) {
      const nb = node.bits;
      for (let q = node.last + 1; q < m; q++) {
        if (itemSup[q] < floor) break; // items are in descending support: no later child reaches floor
        let c = 0;
        const qo = q * words;
        for (let w = 0; w < words; w++) {
          const v = nb[w] & itemBits[qo + w];
          if (v !== 0) c += popcount32(v);
        }
        if (c >= floor) { childQ[k] = q; childS[k] = c; k++; }
      }
    }
    // Counting sort by support descending (supports are <= node.s), ties in search order.
    const bucket = scratch.bucket;
    bucket.fill(0, 0, node.s + 2);
    for (let j = 0; j < k; j++) bucket[node.s - childS[j] + 1]++;
    for (let v = 1; v <= node.s + 1; v++) bucket[v] += bucket[v - 1];
    const outQ = new Int32Array(k), outS = new Int32Array(k);
    for (let j = 0; j < k; j++) {
      const slot = bucket[node.s - childS[j]]++;
      outQ[slot] = childQ[j];
      outS[slot] = childS[j];
    }
    node.childQ = outQ;
    node.childS = outS;
  };

  const all = new Uint32Array(words);
  for (let r = 0; r < nc; r++) all[r >>> 5] |= 1 << (r & 31);
  const root: SearchNode = {
    items: [], last: -1, s: nc, bits: all, parent: null, list: null,
    childQ: Int32Array.from(freq, (_, q) => q), childS: itemSup,
  };
  const heap = new PendingHeap();
  if (m > 0) heap.push({ from: root, idx: 0, s: itemSup[0] });
  while (heap.size > 0) {
    const e = heap.pop();
    if (top.full && e.s < top.threshold) break; // every open set and all supersets score below the N-th best
    const from = e.from;
    if (e.idx + 1 < from.childQ.length) heap.push({ from, idx: e.idx + 1, s: from.childS[e.idx + 1] });
    const q = from.childQ[e.idx];
    const bits = new Uint32Array(words);
    const qo = q * words;
    for (let w = 0; w < words; w++) bits[w] = from.bits[w] & itemBits[qo + w];
    const items = from.items.slice();
    items.push(freq[q]);
    const node: SearchNode = { items, last: q, s: e.s, bits, parent: from === root ? null : from, list: null, childQ: EMPTY, childS: EMPTY };
    const len = items.length;
    if (len >= minLength) {
      // A rule enters only when conf >= minConfidence and score = s^2 / sall >= the N-th best:
      // both bound sall from above. A node without children (at maxLength) only needs its count,
      // and that count may stop as soon as it passes the bound (the rule is then refused).
      const limit = Math.floor(Math.min(minConfidence > 0 ? node.s / minConfidence : Infinity, top.full && top.threshold > 0 ? (node.s * node.s) / top.threshold : Infinity) + 1e-9);
      const sall = len === 1 ? gsup(items[0])
        : len === 2 && pairs ? pairs[items[0] * tx.nItems + items[1]]
        : len >= maxLength && len >= 3 ? countAll(node, limit)
        : globalList(node).length;
      const conf = node.s / sall;
      if (conf >= minConfidence) {
        const score = (node.s * node.s) / sall;
        if (!top.full || score >= top.threshold) {
          top.offer({ class: cls, antecedent: [...items].sort((x, y) => x - y), support: node.s, antecedentSupport: sall, confidence: conf, score });
        }
      }
    }
    expand(node);
    if (node.childQ.length > 0) heap.push({ from: node, idx: 0, s: node.childS[0] });
  }
  return top.result();
}

const EMPTY = new Int32Array(0);

/** A binary max-heap of pending children by class support. */
class PendingHeap {
  private a: Pending[] = [];
  get size(): number { return this.a.length; }
  push(x: Pending): void {
    const a = this.a;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].s >= x.s) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = x;
  }
  pop(): Pending {
    const a = this.a;
    const top = a[0];
    const x = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const r = l + 1;
        const c = r < a.length && a[r].s > a[l].s ? r : l;
        if (a[c].s <= x.s) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = x;
    }
    return top;
  }
}

/**
 * Drops each rule whose antecedent is a proper subset of another rule's antecedent in the list
 * with the same class, support and confidence (docs/method.md, Pipeline step 4). Order is kept.
 * @param rules rules of any classes, antecedents ascending
 */
export function removeSubsetRules(rules: readonly ClassRule[]): ClassRule[] {
  return rules.filter((a) => !rules.some((b) =>
    b !== a && b.class === a.class && b.support === a.support && b.antecedentSupport === a.antecedentSupport &&
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
