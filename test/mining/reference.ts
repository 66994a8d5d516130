/**
 * Brute-force references for the mining tests: exhaustive enumeration and plain counting, written
 * independently of the miners (no bitsets, no trees, no pruning beyond downward closure).
 */
import type { ClassRule } from '../../src/mining';
import { compareRules } from '../../src/mining';

/** Transactions as sets. */
export type Db = number[][];

/** Support of an itemset: transactions containing all its items. */
export function supportOf(db: Db, set: readonly number[]): number {
  let c = 0;
  for (const t of db) if (set.every((i) => t.includes(i))) c++;
  return c;
}

/** All frequent itemsets by exhaustive depth-first enumeration of the item lattice; key 'a b c' -> support. */
export function bruteFrequent(db: Db, minCount: number, maxLength = Infinity): Map<string, number> {
  const items = [...new Set(db.flat())].sort((a, b) => a - b);
  const out = new Map<string, number>();
  const rec = (start: number, set: number[]): void => {
    for (let j = start; j < items.length; j++) {
      const next = [...set, items[j]];
      const s = supportOf(db, next);
      if (s >= minCount) {
        out.set(next.join(' '), s);
        if (next.length < maxLength) rec(j + 1, next);
      }
    }
  };
  rec(0, []);
  return out;
}

/** Closed (no superset with equal support) or maximal (no frequent superset) by pairwise comparison. */
export function bruteSelect(all: Map<string, number>, kind: 'closed' | 'maximal'): Map<string, number> {
  const sets = [...all.entries()].map(([k, s]) => ({ k, s, items: k.split(' ').map(Number) }));
  const out = new Map<string, number>();
  for (const a of sets) {
    const dominated = sets.some((b) => b.items.length > a.items.length && a.items.every((i) => b.items.includes(i)) && (kind === 'maximal' || b.s === a.s));
    if (!dominated) out.set(a.k, a.s);
  }
  return out;
}

/** Level-wise Apriori (candidate generation by joining, counting by scanning with Sets). */
export function apriori(db: Db, minCount: number): Map<string, number> {
  const sets = db.map((t) => new Set(t));
  const out = new Map<string, number>();
  const count1 = new Map<number, number>();
  for (const t of db) for (const i of t) count1.set(i, (count1.get(i) ?? 0) + 1);
  let level: number[][] = [...count1].filter(([, c]) => c >= minCount).map(([i]) => [i]).sort((a, b) => a[0] - b[0]);
  for (const s of level) out.set(s.join(' '), count1.get(s[0])!);
  while (level.length) {
    const prev = new Set(level.map((s) => s.join(' ')));
    const cands: number[][] = [];
    for (let a = 0; a < level.length; a++) {
      for (let b = a + 1; b < level.length; b++) {
        const x = level[a], y = level[b];
        if (x.slice(0, -1).join(' ') !== y.slice(0, -1).join(' ')) continue;
        const c = [...x, y[y.length - 1]].sort((p, q) => p - q);
        let ok = true;
        for (let d = 0; d < c.length && ok; d++) ok = prev.has(c.filter((_, j) => j !== d).join(' '));
        if (ok) cands.push(c);
      }
    }
    const counts = new Array(cands.length).fill(0);
    for (const t of sets) cands.forEach((c, j) => { if (c.every((i) => t.has(i))) counts[j]++; });
    level = cands.filter((_, j) => counts[j] >= minCount);
    cands.forEach((c, j) => { if (counts[j] >= minCount) out.set(c.join(' '), counts[j]); });
    level.sort((a, b) => { for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return a[j] - b[j]; return 0; });
  }
  return out;
}

/**
 * The paper's rules by brute force: per class, every frequent set (class support >= minCount, size
 * >= minLength) gives A -> c with confidence count_c(A)/count_all(A); keep conf >= minConf, sort
 * by the documented order, keep topN, then drop subset rules with equal support and confidence.
 */
export function brutePaperRules(db: Db, classes: number[], o: { minCount: number; minConf: number; topN: number; minLength: number; maxLength?: number }): ClassRule[] {
  const out: ClassRule[] = [];
  for (const c of [...new Set(classes)].sort((a, b) => a - b)) {
    const own = db.filter((_, t) => classes[t] === c);
    const freq = bruteFrequent(own, o.minCount, o.maxLength ?? Infinity);
    const rules: ClassRule[] = [];
    for (const [k, s] of freq) {
      const antecedent = k.split(' ').map(Number);
      if (antecedent.length < o.minLength) continue;
      const sall = supportOf(db, antecedent);
      const confidence = s / sall;
      if (confidence >= o.minConf) rules.push({ class: c, antecedent, support: s, antecedentSupport: sall, confidence, score: (s * s) / sall });
    }
    rules.sort(compareRules);
    const kept = rules.slice(0, o.topN);
    for (const a of kept) {
      const removed = kept.some((b) => b !== a && b.support === a.support && b.confidence === a.confidence
        && b.antecedent.length > a.antecedent.length && a.antecedent.every((i) => b.antecedent.includes(i)));
      if (!removed) out.push(a);
    }
  }
  return out;
}

/** A seeded small random database: n transactions over m items with item probabilities p_i. */
export function randomDb(next: () => number, n: number, m: number, density: number): Db {
  const probs = Array.from({ length: m }, () => density * (0.3 + 1.4 * next()));
  return Array.from({ length: n }, () => {
    const t: number[] = [];
    for (let i = 0; i < m; i++) if (next() < probs[i]) t.push(i);
    return t;
  });
}
