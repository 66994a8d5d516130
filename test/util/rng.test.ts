import * as assert from 'node:assert/strict';
import { rng, sampleWithoutReplacement } from '../../src/util/rng';

describe('util/rng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const a = rng(7), b = rng(7), c = rng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(Array.from({ length: 5 }, () => b.next()), xs);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.next()), xs);
    for (const x of xs) assert.ok(x >= 0 && x < 1);
  });
  it('int covers [0, n) roughly uniformly', () => {
    const r = rng(1), counts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) counts[r.int(4)]++;
    for (const c of counts) assert.ok(c > 900 && c < 1100, `count ${c}`);
  });
  it('sampleWithoutReplacement returns distinct values in range and rejects a bad count', () => {
    const s = sampleWithoutReplacement(10, 10, rng(3));
    assert.deepEqual([...s].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.throws(() => sampleWithoutReplacement(5, 6, rng(3)), /count must be an integer in \[0, 5\], got 6/);
  });
  it('rejects a non-finite seed', () => {
    assert.throws(() => rng(NaN), /seed must be a finite number, got NaN/);
  });
});
