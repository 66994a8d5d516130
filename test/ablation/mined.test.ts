import * as assert from 'node:assert/strict';
import { minedFilterLists, rankMinedFilters } from '../../src/ablation/core/mined';
import { minePaperRules } from '../../src/mining/paper';

describe('ablation/mined', () => {
  const rules = [
    { class: 0, antecedent: [3, 7], support: 10, confidence: 0.5 }, // 5 each
    { class: 0, antecedent: [7, 9], support: 4, confidence: 1 }, // 4 each: 7 -> 9, 9 -> 4
    { class: 2, antecedent: [1, 2], support: 2, confidence: 1 },
  ];
  it('ranks by summed support x confidence, ties by index (hand-computed)', () => {
    const copy = JSON.stringify(rules);
    assert.deepEqual(rankMinedFilters(rules, 3), [[7, 3, 9], [], [1, 2]]);
    assert.equal(JSON.stringify(rules), copy);
    assert.throws(() => rankMinedFilters(rules, 2), /rule 2 has class 2, expected an integer in \[0, 2\)/);
  });
  it("reads the miner's typed rules; each class's filters are its classFilters row", () => {
    // Class 0: {1, 2} in 3 of 4 transactions, class 1: {5, 6} in 3 of 3.
    const lists7 = [[1, 2], [1, 2, 3], [1, 2], [4], [5, 6], [5, 6], [1, 5, 6]];
    const offsets = Int32Array.from([0, ...lists7.map((_, i) => lists7.slice(0, i + 1).flat().length)]);
    const tx = { items: Int32Array.from(lists7.flat()), offsets, classes: Int32Array.from([0, 0, 0, 0, 1, 1, 1]), nItems: 7 };
    const res = minePaperRules(tx, { minSupport: 2, minConfidence: 0.5, topN: 10, groups: false });
    const lists = minedFilterLists(res, 2);
    for (const row of res.classFilters.objects() as { class: number; filters: number[] }[]) {
      assert.deepEqual([...lists[row.class]].sort((a, b) => a - b), [...row.filters].sort((a, b) => a - b));
    }
    assert.ok(lists[0].includes(1) && lists[0].includes(2) && lists[1].includes(5), JSON.stringify(lists));
  });
});
