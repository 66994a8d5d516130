import * as assert from 'node:assert/strict';
import { scoreLogits } from '../../src/ablation/core/metrics';
import { assertArraysClose } from '../helpers';

describe('ablation/metrics', () => {
  it('scores top-1 and the softmax probability of the true class (hand-computed)', () => {
    // Row 0: logits [0, ln 3, 0] -> softmax [1/5, 3/5, 1/5], arg-max 1. Row 1: tie [2, 2, 0] -> index 0 wins.
    const s = scoreLogits([0, Math.log(3), 0, 2, 2, 0], 3, [1, 1]);
    assert.deepEqual(Array.from(s.correct), [1, 0]);
    const e2 = Math.exp(2);
    assertArraysClose(s.trueProb, [3 / 5, e2 / (2 * e2 + 1)], 1e-7);
  });
  it('is stable for large logits', () => {
    const s = scoreLogits([1000, 0], 2, [0]);
    assertArraysClose(s.trueProb, [1], 1e-7);
  });
  it('rejects mismatched sizes and bad labels', () => {
    assert.throws(() => scoreLogits([1, 2, 3], 2, [0]), /expected 1 x 2 = 2 logits, got 3/);
    assert.throws(() => scoreLogits([1, 2], 2, [2]), /label 2 of row 0 is not a class index in \[0, 2\)/);
  });
});
