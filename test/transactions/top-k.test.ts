import * as assert from 'node:assert/strict';
import { topKIndices } from '../../src/transactions/top-k';
import { rng } from '../../src/util/rng';

describe('transactions/top-k', () => {
  it('returns the best indices first, ties to the lower index', () => {
    assert.deepEqual(Array.from(topKIndices(Float32Array.of(1, 3, 3, 2), 2)), [1, 2]);
    assert.deepEqual(Array.from(topKIndices(Float32Array.of(5, 5, 5, 5), 3)), [0, 1, 2]);
    assert.deepEqual(Array.from(topKIndices(Float32Array.of(0, 2, 1), 10)), [1, 2, 0]);
    assert.deepEqual(Array.from(topKIndices(Float32Array.of(1, 2), 0)), []);
  });

  it('ranks NaN last and reads a row at an offset', () => {
    assert.deepEqual(Array.from(topKIndices(Float32Array.of(NaN, -1, NaN), 3)), [1, 0, 2]);
    assert.deepEqual(Array.from(topKIndices(Float32Array.of(9, 9, 1, 3, 2), 2, 2, 3)), [1, 2]);
  });

  it('agrees with a full stable sort on random rows with many ties', () => {
    const r = rng(2);
    for (let t = 0; t < 50; t++) {
      const s = Float32Array.from({ length: 40 }, () => r.int(6));
      const ref = Array.from(s.keys()).sort((a, b) => s[b] - s[a] || a - b).slice(0, 7);
      assert.deepEqual(Array.from(topKIndices(s, 7)), ref);
    }
  });
});
