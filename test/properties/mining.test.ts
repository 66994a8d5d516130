/**
 * Property tests (fast-check, fixed seeds, bounded runs): Eclat and FP-Growth against a brute-force
 * enumeration on small random transaction sets, for all, closed and maximal itemsets, any minimum
 * support and length limit, dense or sparse (huge) item ids.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromTransactionArrays, mineItemsets, countItemsets, itemsetAt, type ItemsetList } from '../../src/mining';
import { bruteFrequent, bruteSelect, type Db } from '../mining/reference';
import { PROPERTY_RUNS } from './settings';

/** Up to 12 transactions over up to 7 items, each item id drawn from `ids`. */
function dbArbitrary(ids: number[]): fc.Arbitrary<Db> {
  return fc.array(fc.uniqueArray(fc.constantFrom(...ids), { maxLength: ids.length }), { minLength: 1, maxLength: 12 });
}

function asMap(list: ItemsetList): Map<string, number> {
  const out = new Map<string, number>();
  for (let s = 0; s < list.count; s++) out.set(itemsetAt(list, s).join(' '), list.supports[s]);
  return out;
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('properties: itemset miners against brute force', () => {
  const dense = [0, 1, 2, 3, 4, 5, 6];
  const sparse = [3, 17, 4096, 1000000, 1000000000, 2147483646, 2147483647];
  for (const [name, ids] of [['dense ids', dense], ['sparse, huge ids', sparse]] as const) {
    it(`Eclat = FP-Growth = brute force for all, closed and maximal itemsets (${name})`, () => {
      fc.assert(fc.property(dbArbitrary([...ids]), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('all', 'closed', 'maximal' as const), (db, minCount, maxLength, kind) => {
          const tx = fromTransactionArrays(db);
          const all = bruteFrequent(db, minCount, maxLength);
          const want = sorted(kind === 'all' ? all : bruteSelect(all, kind as 'closed' | 'maximal'));
          for (const algorithm of ['eclat', 'fpgrowth']) {
            const got = mineItemsets(tx, { minSupport: minCount, maxLength, kind: kind as 'all' | 'closed' | 'maximal', algorithm });
            assert.deepEqual(sorted(asMap(got)), want, `${algorithm} ${kind}`);
            if (kind === 'all') assert.equal(countItemsets(tx, { minSupport: minCount, maxLength, algorithm }), all.size);
          }
        }), PROPERTY_RUNS);
    });
  }

});
