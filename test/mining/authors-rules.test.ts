import * as assert from 'node:assert/strict';
import { rng } from '../../src/util/rng';
import { fromTransactionArrays, mineClassRules, minePaperRules, prepareMining, resolveClassRuleOptions, type ClassRule } from '../../src/mining';
import { randomDb } from './reference';

// Seven patches, two classes (n = 7). Counts over all transactions, by hand:
// count_all {1}=6 {2}=6 {3}=3 {4}=3 {1,2}=6 {1,3}=2 {2,3}=2 {1,4}=2 {2,4}=2 {1,2,3}=2 {1,2,4}=2.
// Class 0 (t0-t2): count_0 {1,2}=3 {1,3}=2 {2,3}=2 {1,2,3}=2. Class 1 (t3-t6): count_1 {1,2}=3 {1,4}=2 {2,4}=2 {1,2,4}=2.
const ITEMS = [[1, 2, 3], [1, 2, 3], [1, 2], [1, 2], [1, 2, 4], [3, 4], [1, 2, 4]];
const CLASSES = [0, 0, 0, 1, 1, 1, 1];

type Row = [number, number[], number, number, number];
const rows = (rules: readonly ClassRule[]): Row[] => rules.map((r) => [r.class, r.antecedent, r.support, r.antecedentSupport, r.confidence]);

describe('mining/authors-rules', () => {
  const tx = fromTransactionArrays(ITEMS, CLASSES);

  it('standard: support count_c(A), confidence P(class | A), by hand', () => {
    // {1,2} -> 0: 3 / 6 = 0.5 (score 1.5); {1,2,3} -> 0: 2 / 2 (score 2); {1,3}, {2,3} are subset rules of {1,2,3}.
    assert.deepEqual(rows(mineClassRules(prepareMining(tx))), [
      [0, [1, 2, 3], 2, 2, 1], [0, [1, 2], 3, 6, 0.5],
      [1, [1, 2, 4], 2, 2, 1], [1, [1, 2], 3, 6, 0.5],
    ]);
  });

  it("authors': support count_all(F), confidence count_all(F) / count_all(A) for A a proper subset of a class-frequent F, by hand", () => {
    // Class 0: F = {1,2,3} (count_0 = 2, count_all = 2). A = {1,3}: 2/2 = 1 towards {2}; A = {2,3}: 2/2 towards {1};
    // A = {1,2}: 2/6 = 1/3 towards {3}, below 0.5. The 2-sets are not rules (no proper subset of 2+ filters).
    const ctx = prepareMining(tx);
    const got = mineClassRules(ctx, { ruleDefinition: 'authors' });
    assert.deepEqual(rows(got), [
      [0, [1, 3], 2, 2, 1], [0, [2, 3], 2, 2, 1],
      [1, [1, 4], 2, 2, 1], [1, [2, 4], 2, 2, 1],
    ]);
    assert.deepEqual(got.map((r) => [r.consequent, r.consequentSupport]), [[[2], 6], [[1], 6], [[2], 6], [[1], 6]]);
    // With no confidence floor {1,2} enters in both classes with confidence 1/3 (standard: 1/2).
    const all = mineClassRules(ctx, { ruleDefinition: 'authors', minConfidence: 0 });
    const r12 = all.filter((r) => r.antecedent.join() === '1,2');
    assert.deepEqual(r12.map((r) => [r.class, r.support, r.antecedentSupport, r.consequent]), [[0, 2, 6, [3]], [1, 2, 6, [4]]]);
    assert.ok(Math.abs(r12[0].confidence - 1 / 3) < 1e-12 && Math.abs(r12[0].score - 2 / 3) < 1e-12);
  });

  it("authors': the rules table measures towards F minus A and lists it", () => {
    const t = minePaperRules(tx, { ruleDefinition: 'authors' }).rules.objects() as Record<string, unknown>[];
    assert.equal(t.length, 4);
    assert.deepEqual(t[0].consequent, [2]);
    assert.ok(Math.abs((t[0].lift as number) - 7 / 6) < 1e-12); // 1 / (count_all{2} / n) = 1 / (6/7)
    assert.ok(!('consequent' in (minePaperRules(tx).rules.objects()[0] as object)));
  });

  it("authors': matches a brute-force enumeration on 40 random seeded data sets", () => {
    const r = rng(5);
    let nonEmpty = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = 8 + r.int(25), m = 4 + r.int(4), nClasses = 1 + r.int(3);
      const db = randomDb(() => r.next(), n, m, 0.3 + 0.4 * r.next());
      const classes = db.map(() => r.int(nClasses));
      const minCount = 1 + r.int(3), minConf = [0, 0.4, 0.8][r.int(3)];
      const cnt = (set: number[], rowsOf: number[][]): number => rowsOf.filter((t) => set.every((i) => t.includes(i))).length;
      const items = [...new Set(db.flat())].sort((a, b) => a - b);
      const sets: number[][] = [];
      for (let mask = 1; mask < 1 << items.length; mask++) sets.push(items.filter((_, b) => (mask >> b) & 1));
      const expected = new Set<string>();
      for (const c of [...new Set(classes)].sort((a, b) => a - b)) {
        const own = db.filter((_, t) => classes[t] === c);
        for (const f of sets) {
          if (f.length < 3 || cnt(f, own) < minCount) continue;
          for (const a of sets) {
            if (a.length < 2 || a.length >= f.length || !a.every((i) => f.includes(i))) continue;
            const conf = cnt(f, db) / cnt(a, db);
            if (conf >= minConf) expected.add(`${c}:${a.join(' ')}:${cnt(f, db)}:${cnt(a, db)}`);
          }
        }
      }
      const got = mineClassRules(prepareMining(fromTransactionArrays(db, classes)), {
        ruleDefinition: 'authors', minSupport: minCount, minConfidence: minConf, topN: Infinity, removeSubsets: false,
      }).map((x) => `${x.class}:${x.antecedent.join(' ')}:${x.support}:${x.antecedentSupport}`);
      assert.equal(got.length, new Set(got).size, `trial ${trial}: a duplicate rule`);
      assert.deepEqual([...got].sort(), [...expected].sort(), `trial ${trial}`);
      if (got.length > 0) nonEmpty++;
    }
    assert.ok(nonEmpty >= 10, `only ${nonEmpty} trials had rules: the comparison proves little`);
  });

  it('refuses an unknown rule definition, naming it and the choices', () => {
    assert.throws(() => resolveClassRuleOptions({ ruleDefinition: 'paper' as never }), /rule definition must be one of 'standard', 'authors', got 'paper'/);
    assert.throws(() => minePaperRules(tx, { ruleDefinition: 'Authors' as never }), /got 'Authors'/);
  });
});
