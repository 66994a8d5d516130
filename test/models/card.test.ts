import * as assert from 'node:assert/strict';
import { accuracyOf } from '../../src/models/card';

describe('models/card', () => {
  it('computes overall and per-class accuracy (hand-computed)', () => {
    const a = accuracyOf([0, 1, 1, 2, 0], [0, 1, 2, 2, 1], 4);
    assert.equal(a.overall, 3 / 5);
    assert.deepEqual(a.perClass.slice(0, 3), [1, 0.5, 0.5]);
    assert.ok(Number.isNaN(a.perClass[3]));
    assert.equal(a.n, 5);
  });
  it('refuses arrays of different lengths', () => {
    assert.throws(() => accuracyOf([0], [0, 1], 2), /accuracyOf: 1 predictions for 2 labels/);
  });
});
