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
  const scratch: Scratch = { count: new Int32Array(ctx.tx.nItems), rank: new Int32Array(ctx.tx.nItems).fill(-1) };
  const out: ClassRule[] = [];
  for (let k = 0; k < ctx.classIds.length; k++) {
    const rows = ctx.classRows.subarray(ctx.classStart[k], ctx.classStart[k + 1]);
    let rules = mineOneClass(ctx, ctx.classIds[k], rows, o, scratch);
    if (o.removeSubsets) rules = removeSubsetRules(rules);
    for (const r of rules) out.push(r);
  }
  return out;
}

/** A node of the set-enumeration tree of one class: an itemset with its class-local tid bitset. */
interface SearchNode {
  /** Item ids, in search order (the last one has the highest order position). */
  items: number[];
  /** Order position of the last item; children extend with later positions only. */
  last: number;
  /** count_c(items). */
  s: number;
  /** Class-local tid bitset. */
  bits: Uint32Array;
  parent: SearchNode | null;
  /** Global tid-list, computed on demand. */
  list: Int32Array | null;
}

/**
 * Best-first branch-and-bound over the set-enumeration tree of one class's frequent sets: nodes
 * are expanded in descending class support, and the search stops as soon as the best open node's
 * support is below the N-th best score held (no superset of it can enter). Exact; the order only
 * affects speed.
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
    const out = new Int32Array(src.length);
    let k = 0;
    for (let p = 0; p < src.length; p++) if (hasBit(index.bits, off, src[p])) out[k++] = src[p];
    node.list = out.subarray(0, k);
    return node.list;
  };

  const heap = new NodeHeap();
  for (let q = 0; q < m; q++) {
    heap.push({ items: [freq[q]], last: q, s: count(itemBits, q * words, words), bits: itemBits.subarray(q * words, (q + 1) * words), parent: null, list: null });
  }
  while (heap.size > 0) {
    const node = heap.pop();
    if (top.full && node.s < top.threshold) break; // every open node and descendant scores below the N-th best
    const len = node.items.length;
    if (len >= minLength) {
      const sall = len === 1 ? gsup(node.items[0])
        : len === 2 && pairs ? pairs[node.items[0] * ctx.tx.nItems + node.items[1]]
        : globalList(node).length;
      const conf = node.s / sall;
      if (conf >= minConfidence) {
        const score = (node.s * node.s) / sall;
        if (!top.full || score >= top.threshold) {
          top.offer({ cls, antecedent: [...node.items].sort((x, y) => x - y), support: node.s, antecedentSupport: sall, confidence: conf, score });
        }
      }
    }
    if (len >= maxLength) continue;
    const floor = Math.max(minCount, top.full ? top.threshold : 0);
    for (let q = node.last + 1; q < m; q++) {
      const b = new Uint32Array(words);
      let c = 0;
      const qo = q * words;
      for (let w = 0; w < words; w++) {
        const v = node.bits[w] & itemBits[qo + w];
        b[w] = v;
        if (v !== 0) c += popcount(v);
      }
      if (c >= floor) heap.push({ items: [...node.items, freq[q]], last: q, s: c, bits: b, parent: node, list: null });
    }
  }
  return top.result();
}

function count(bits: Uint32Array, off: number, words: number): number {
  let c = 0;
  for (let w = 0; w < words; w++) if (bits[off + w] !== 0) c += popcount(bits[off + w]);
  return c;
}

/** A binary max-heap of search nodes by class support. */
class NodeHeap {
  private a: SearchNode[] = [];
  get size(): number { return this.a.length; }
  push(x: SearchNode): void {
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
  pop(): SearchNode {
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
