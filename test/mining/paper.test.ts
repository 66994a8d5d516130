import * as assert from 'node:assert/strict';
import { rng } from '../../src/util/rng';
import {
  fromTransactionArrays, minePaperRules, mineClassRules, prepareMining, sweep, syntheticTransactions, topKTransactions,
  type ClassRule,
} from '../../src/mining';
import { brutePaperRules, randomDb } from './reference';

// Three classes. Class 0: {1,2} in 3, {1,2,3} in 2 (so {1,3} and {2,3} are subset rules with the
// same support 2 and confidence 1, removed). {4,5}: 2 of class 1 and 1 of class 0 -> conf 2/3.
// {6,7}: 2 transactions of class 1 and 2 of class 2 -> confidence 1/2 in both: a shared set.
const ITEMS = [[1, 2, 3], [3, 2, 1], [1, 2], [4, 5], [4, 5], [4, 5, 6], [1, 6, 7], [6, 7], [6, 7], [6, 7, 8]];
const CLASSES = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
const IDS = ITEMS.map((_, t) => 100 + t);

describe('mining/paper', () => {
  const tx = fromTransactionArrays(ITEMS, CLASSES, { ids: IDS });

  it('keeps the hand-computed rules, removing the subset rules', () => {
    const r = minePaperRules(tx);
    const rows = r.rules.objects() as Record<string, unknown>[];
    assert.deepEqual(rows.map((x) => [x.class, x.rank, x.antecedent, x.support, x.antecedentSupport, x.classSize]), [
      [0, 1, [1, 2], 3, 3, 4],
      [0, 2, [1, 2, 3], 2, 2, 4],
      [1, 1, [4, 5], 2, 3, 4],
      [1, 2, [6, 7], 2, 4, 4],
      [2, 1, [6, 7], 2, 4, 2],
    ]);
    const r45 = rows[2];
    assert.ok(Math.abs((r45.confidence as number) - 2 / 3) < 1e-12);
    assert.ok(Math.abs((r45.lift as number) - 5 / 3) < 1e-12); // (2/3) / (4/10)
    assert.ok(Math.abs((r45.leverage as number) - 0.08) < 1e-12); // 2/10 - 3/10 * 4/10
    assert.ok(Math.abs((r45.conviction as number) - 1.8) < 1e-12); // (1 - 0.4) / (1 - 2/3)
    assert.ok(Math.abs((r45.score as number) - 4 / 3) < 1e-12);
    assert.equal(rows[0].conviction, Infinity);
    // Without subset removal, {1,3} and {2,3} (support 2, confidence 1) are kept too.
    const all = minePaperRules(tx, { removeSubsets: false }).rules.objects() as Record<string, unknown>[];
    assert.deepEqual(all.filter((x) => x.class === 0).map((x) => x.antecedent), [[1, 2], [1, 2, 3], [1, 3], [2, 3]]);
  });

  it('lists class filters, class-specific and class-shared filters and filter sets', () => {
    const r = minePaperRules(tx);
    assert.deepEqual(r.classFilters.objects(), [
      { class: 0, filters: [1, 2, 3], nFilters: 3, nRules: 2 },
      { class: 1, filters: [4, 5, 6, 7], nFilters: 4, nRules: 2 },
      { class: 2, filters: [6, 7], nFilters: 2, nRules: 1 },
    ]);
    assert.deepEqual(r.filters.objects(), [
      { filter: 1, classes: [0], nClasses: 1, kind: 'specific', supports: [3] },
      { filter: 2, classes: [0], nClasses: 1, kind: 'specific', supports: [3] },
      { filter: 3, classes: [0], nClasses: 1, kind: 'specific', supports: [2] },
      { filter: 4, classes: [1], nClasses: 1, kind: 'specific', supports: [2] },
      { filter: 5, classes: [1], nClasses: 1, kind: 'specific', supports: [2] },
      { filter: 6, classes: [1, 2], nClasses: 2, kind: 'shared', supports: [3, 2] },
      { filter: 7, classes: [1, 2], nClasses: 2, kind: 'shared', supports: [2, 2] },
    ]);
    assert.deepEqual(r.filterSets.objects(), [
      { set: [1, 2], size: 2, classes: [0], nClasses: 1, kind: 'specific', supports: [3], confidences: [1] },
      { set: [4, 5], size: 2, classes: [1], nClasses: 1, kind: 'specific', supports: [2], confidences: [2 / 3] },
      { set: [6, 7], size: 2, classes: [1, 2], nClasses: 2, kind: 'shared', supports: [2, 2], confidences: [0.5, 0.5] },
      { set: [1, 2, 3], size: 3, classes: [0], nClasses: 1, kind: 'specific', supports: [2], confidences: [1] },
    ]);
    assert.equal(r.counts.sharedFilters, 2);
    assert.equal(r.counts.sharedFilterSets, 1);
    assert.ok(Math.abs(r.counts.meanFiltersPerClass - 3) < 1e-12);
  });

  it('groups the patches containing each antecedent with their majority class', () => {
    const g = minePaperRules(tx).groups.objects() as Record<string, unknown>[];
    assert.deepEqual(g.map((x) => [x.antecedent, x.patches, x.size, x.majorityClass, x.majorityCount, x.ruleClasses]), [
      [[1, 2], [100, 101, 102], 3, 0, 3, [0]],
      [[1, 2, 3], [100, 101], 2, 0, 2, [0]],
      [[4, 5], [103, 104, 105], 3, 1, 2, [1]],
      [[6, 7], [106, 107, 108, 109], 4, 1, 2, [1, 2]], // 2 vs 2: the smaller class wins the tie
    ]);
    assert.ok(Math.abs((g[2].purity as number) - 2 / 3) < 1e-12);
  });

  it('applies top-N, minimum confidence and minimum length', () => {
    const top1 = minePaperRules(tx, { topN: 1, groups: false }).rules.objects() as Record<string, unknown>[];
    assert.deepEqual(top1.map((x) => [x.class, x.antecedent]), [[0, [1, 2]], [1, [4, 5]], [2, [6, 7]]]);
    const conf = minePaperRules(tx, { minConfidence: 0.6 }).rules.objects() as Record<string, unknown>[];
    assert.deepEqual(conf.map((x) => [x.class, x.antecedent]), [[0, [1, 2]], [0, [1, 2, 3]], [1, [4, 5]]]);
    const len3 = minePaperRules(tx, { minLength: 3 }).rules.objects() as Record<string, unknown>[];
    assert.deepEqual(len3.map((x) => [x.class, x.antecedent]), [[0, [1, 2, 3]]]);
  });

  it('matches a brute-force implementation of the procedure on 80 random seeded data sets', () => {
    const r = rng(11);
    const key = (x: ClassRule): string => `${x.class}:${x.antecedent.join(' ')}:${x.support}:${x.antecedentSupport}`;
    for (let trial = 0; trial < 80; trial++) {
      const n = 10 + r.int(40), m = 4 + r.int(7), nClasses = 1 + r.int(3);
      const db = randomDb(() => r.next(), n, m, 0.25 + 0.4 * r.next());
      const classes = db.map(() => r.int(nClasses));
      const o = {
        minCount: 1 + r.int(3), minConf: [0, 0.3, 0.5, 0.8][r.int(4)], topN: [1, 3, 10, Infinity][r.int(4)],
        minLength: 1 + r.int(3), maxLength: r.next() < 0.3 ? 2 + r.int(2) : Infinity,
      };
      const expected = brutePaperRules(db, classes, o).map(key);
      const actual = mineClassRules(prepareMining(fromTransactionArrays(db, classes)), {
        minSupport: o.minCount, minConfidence: o.minConf, topN: o.topN, minLength: o.minLength, maxLength: o.maxLength,
      }).map(key);
      assert.deepEqual(actual, expected, `trial ${trial} ${JSON.stringify(o)}`);
    }
  });

  it('rejects thresholds out of range', () => {
    assert.throws(() => minePaperRules(tx, { minSupport: 0 }), /minimum support .* got 0/);
    assert.throws(() => minePaperRules(tx, { minSupport: 2.5 }), /minimum support .* got 2\.5/);
    assert.throws(() => minePaperRules(tx, { minConfidence: 1.5 }), /minimum confidence must be a number in \[0, 1\], got 1\.5/);
    assert.throws(() => minePaperRules(tx, { topN: 0 }), /topN must be a positive integer or Infinity, got 0/);
  });

  it('does not mutate its input', () => {
    const items = ITEMS.map((t) => [...t]);
    const t2 = fromTransactionArrays(items, CLASSES);
    const copy = { items: Array.from(t2.items), offsets: Array.from(t2.offsets), classes: Array.from(t2.classes) };
    minePaperRules(t2);
    assert.deepEqual({ items: Array.from(t2.items), offsets: Array.from(t2.offsets), classes: Array.from(t2.classes) }, copy);
    assert.deepEqual(items, ITEMS);
  });

  it('sweeps a grid, each cell equal to a single run', () => {
    const big = syntheticTransactions({ nTransactions: 600, nClasses: 4, nFilters: 24, nShared: 8, k: 6, seed: 5 });
    const table = sweep(big, { k: [3, 6], minSupport: [2, 5], minConfidence: [0.5, 0.7] });
    assert.equal(table.numRows(), 8);
    for (const row of table.objects() as Record<string, number>[]) {
      const single = minePaperRules(topKTransactions(big, row.k), { minSupport: row.minSupport, minConfidence: row.minConfidence, groups: false }).counts;
      assert.equal(row.rules, single.rules);
      assert.equal(row.meanFiltersPerClass, single.meanFiltersPerClass);
      assert.equal(row.sharedFilters, single.sharedFilters);
      assert.equal(row.specificFilters, single.specificFilters);
      assert.ok(row.ms >= 0);
    }
    const viaMap = sweep(new Map([[3, topKTransactions(big, 3)]]), { k: [3], minSupport: [2], minConfidence: [0.5] });
    assert.equal((viaMap.objects()[0] as Record<string, number>).rules, (table.objects()[0] as Record<string, number>).rules);
    assert.throws(() => sweep(new Map([[3, big]]), { k: [5], minSupport: [2], minConfidence: [0.5] }), /no transactions for k = 5; the map has k = 3/);
    assert.throws(() => sweep(big, { k: [], minSupport: [2], minConfidence: [0.5] }), /grid\.k must be a non-empty array/);
  });
});
