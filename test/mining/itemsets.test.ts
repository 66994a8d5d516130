import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { rng } from '../../src/util/rng';
import { packageRoot } from '../../src/util/package-root';
import { fromTransactionArrays, mineItemsets, countItemsets, itemsetAt, itemsetsTable, loadFimi, registerItemsetAlgorithm, type ItemsetList } from '../../src/mining';
import { apriori, bruteFrequent, bruteSelect, randomDb } from './reference';

/** The FIMI data sets shipped with the tests (test/data/fimi). */
const fimi = (name: string) => path.join(packageRoot(), 'test', 'data', 'fimi', `${name}.dat.gz`);

function asMap(list: ItemsetList): Map<string, number> {
  const m = new Map<string, number>();
  for (let s = 0; s < list.count; s++) m.set(itemsetAt(list, s).join(' '), list.supports[s]);
  return m;
}

function assertSameSets(actual: Map<string, number>, expected: Map<string, number>, what: string): void {
  for (const [k, v] of expected) assert.equal(actual.get(k), v, `${what}: itemset {${k}} support`);
  for (const k of actual.keys()) assert.ok(expected.has(k), `${what}: unexpected itemset {${k}}`);
}

describe('mining/itemsets', () => {
  it('matches a brute-force miner on 60 random seeded databases (all, closed, maximal; both algorithms)', () => {
    const r = rng(7);
    for (let trial = 0; trial < 60; trial++) {
      const n = 5 + r.int(30), m = 3 + r.int(8);
      const db = randomDb(() => r.next(), n, m, 0.2 + 0.5 * r.next());
      const minCount = 1 + r.int(4);
      const maxLength = trial % 3 === 0 ? 2 + r.int(2) : Infinity;
      const tx = fromTransactionArrays(db);
      const all = bruteFrequent(db, minCount, maxLength);
      for (const algorithm of ['eclat', 'fpgrowth']) {
        const what = `trial ${trial} ${algorithm} minCount ${minCount} maxLength ${maxLength}`;
        assertSameSets(asMap(mineItemsets(tx, { minSupport: minCount, algorithm, maxLength })), all, what);
        assertSameSets(asMap(mineItemsets(tx, { minSupport: minCount, algorithm, maxLength, kind: 'closed' })), bruteSelect(all, 'closed'), `${what} closed`);
        assertSameSets(asMap(mineItemsets(tx, { minSupport: minCount, algorithm, maxLength, kind: 'maximal' })), bruteSelect(all, 'maximal'), `${what} maximal`);
        assert.equal(countItemsets(tx, { minSupport: minCount, algorithm, maxLength }), all.size);
      }
    }
  });

  it('finds the hand-computed itemsets of a 4-transaction fixture', () => {
    // {1,2,3} {1,2} {2,3} {1,2,3}: supports 1:3 2:4 3:3 12:3 13:2 23:3 123:2
    const tx = fromTransactionArrays([[1, 2, 3], [1, 2], [2, 3], [3, 2, 1]]);
    const all = asMap(mineItemsets(tx, { minSupport: 2 }));
    assert.deepEqual([...all], [['1', 3], ['2', 4], ['3', 3], ['1 2', 3], ['1 3', 2], ['2 3', 3], ['1 2 3', 2]]);
    // closed: 2 (4), 12 (3), 23 (3), 123 (2); maximal: 123
    assert.deepEqual([...asMap(mineItemsets(tx, { minSupport: 2, kind: 'closed' }))], [['2', 4], ['1 2', 3], ['2 3', 3], ['1 2 3', 2]]);
    assert.deepEqual([...asMap(mineItemsets(tx, { minSupport: 2, kind: 'maximal', algorithm: 'fpgrowth' }))], [['1 2 3', 2]]);
    // relative support 0.75 of 4 = 3 transactions
    assert.deepEqual([...asMap(mineItemsets(tx, { minSupport: 0.75 }))], [['1', 3], ['2', 4], ['3', 3], ['1 2', 3], ['2 3', 3]]);
    const t = itemsetsTable(mineItemsets(tx, { minSupport: 4 }), 4);
    assert.deepEqual(t.objects(), [{ itemset: [2], size: 1, support: 4, relSupport: 1 }]);
  });

  it('rejects a support out of range, an unknown algorithm or kind, and duplicate registration', () => {
    const tx = fromTransactionArrays([[1, 2]]);
    assert.throws(() => mineItemsets(tx, { minSupport: 0 }), /minimum support must be .* got 0/);
    assert.throws(() => mineItemsets(tx, { minSupport: 1.5 }), /minimum support .* got 1\.5/);
    assert.throws(() => mineItemsets(tx, { minSupport: -0.2 }), /got -0\.2/);
    assert.throws(() => mineItemsets(tx, { algorithm: 'apriorix' }), /unknown itemset algorithm 'apriorix'; known: eclat, fpgrowth/);
    assert.throws(() => mineItemsets(tx, { kind: 'open' as 'all' }), /unknown kind 'open'/);
    assert.throws(() => mineItemsets(tx, { maxLength: 0 }), /maxLength must be a positive integer/);
    assert.throws(() => registerItemsetAlgorithm({ name: 'eclat', description: '', mine: () => undefined }), /already registered/);
  });

  it('does not mutate its input', () => {
    const items = [[3, 1, 2], [2, 1]];
    const tx = fromTransactionArrays(items, [0, 1]);
    const before = Array.from(tx.items);
    mineItemsets(tx, { minSupport: 1, algorithm: 'fpgrowth' });
    mineItemsets(tx, { minSupport: 1, kind: 'closed' });
    assert.deepEqual(Array.from(tx.items), before);
    assert.deepEqual(items, [[3, 1, 2], [2, 1]]);
  });

  it('agrees with an independent Apriori on mushroom (40%) and chess (90%), and with known counts', async function () {
    this.timeout(30000);
    const cases: [string, number][] = [['mushroom', 0.4], ['chess', 0.9]];
    for (const [name, minSupport] of cases) {
      const tx = await loadFimi(fimi(name));
      const db: number[][] = [];
      for (let t = 0; t < tx.offsets.length - 1; t++) db.push(Array.from(tx.items.subarray(tx.offsets[t], tx.offsets[t + 1])));
      const minCount = Math.ceil(minSupport * db.length);
      const ref = apriori(db, minCount);
      const e = asMap(mineItemsets(tx, { minSupport }));
      const f = asMap(mineItemsets(tx, { minSupport, algorithm: 'fpgrowth' }));
      assertSameSets(e, ref, `${name} eclat`);
      assertSameSets(f, ref, `${name} fpgrowth`);
    }
    // Published counts (FIMI / SPMF literature): mushroom 30% -> 2,735 frequent itemsets; chess 80% -> 8,227.
    assert.equal(countItemsets(await loadFimi(fimi('mushroom')), { minSupport: 0.3 }), 2735);
    assert.equal(countItemsets(await loadFimi(fimi('chess')), { minSupport: 0.8, algorithm: 'fpgrowth' }), 8227);
  });
});
