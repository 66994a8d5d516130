import * as assert from 'node:assert/strict';
import { ruleMetrics } from '../../src/mining';

describe('mining/rules', () => {
  it('computes support, confidence, lift, leverage and conviction by hand', () => {
    // n = 10, A in 4, C in 3, both in 2.
    const m = ruleMetrics(2, 4, 3, 10);
    assert.equal(m.support, 0.2);
    assert.equal(m.confidence, 0.5);
    assert.ok(Math.abs(m.lift - 5 / 3) < 1e-12);
    assert.ok(Math.abs(m.leverage - 0.08) < 1e-12); // 0.2 - 0.4 * 0.3
    assert.ok(Math.abs(m.conviction - 1.4) < 1e-12); // (1 - 0.3) / (1 - 0.5)
  });

  it('gives infinite conviction for a rule that always holds, lift 1 for independence', () => {
    assert.equal(ruleMetrics(3, 3, 5, 10).conviction, Infinity);
    const ind = ruleMetrics(2, 4, 5, 10); // P(A)P(C) = 0.2 = P(AC)
    assert.equal(ind.lift, 1);
    assert.ok(Math.abs(ind.leverage) < 1e-12);
    assert.equal(ind.conviction, 1);
  });

  it('rejects inconsistent counts, naming them', () => {
    assert.throws(() => ruleMetrics(5, 4, 6, 10), /inconsistent counts nAC=5, nA=4, nC=6, n=10/);
    assert.throws(() => ruleMetrics(0, 0, 1, 10), /inconsistent counts/);
  });
});
