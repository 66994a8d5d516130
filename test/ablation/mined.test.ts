import * as assert from 'node:assert/strict';
// @ts-ignore TS1479: arquero is ESM; Node 20 requires it
import * as aq from 'arquero';
import { minedFiltersFromTables, rankMinedFilters } from '../../src/ablation/mined';

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
  });
  it('reads the mining tables and checks them against classFilters', () => {
    const t = aq.from(rules);
    assert.deepEqual(minedFiltersFromTables(t, 3, aq.from([{ class: 0, filters: [3, 7, 9] }, { class: 2, filters: [1, 2] }])), [[7, 3, 9], [], [1, 2]]);
    assert.throws(() => minedFiltersFromTables(t, 3, aq.from([{ class: 0, filters: [3, 7] }])), /class 0 has filters \[3,7\] in classFilters but \[3,7,9\] in the rules/);
    assert.throws(() => minedFiltersFromTables(aq.from([{ class: 0 }]), 3), /no column 'antecedent'/);
    assert.throws(() => rankMinedFilters(rules, 2), /rule 2 has class 2, expected an integer in \[0, 2\)/);
  });
});
