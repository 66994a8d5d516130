import * as assert from 'node:assert/strict';
import { filterNorms, vebiFilters } from '../../src/vebi/vebi';
import { rng } from '../../src/util/rng';
import { assertArraysClose } from '../helpers';

/** n images, F filters; class c (of K) lights up filters 2c and 2c+1 (the first more), others are noise. */
function synthetic(n: number, K: number, F: number, seed: number): { features: Float32Array; labels: Int32Array } {
  const r = rng(seed);
  const features = new Float32Array(n * F), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % K;
    labels[i] = c;
    for (let f = 0; f < F; f++) features[i * F + f] = 1 + 0.3 * r.normal();
    features[i * F + 2 * c] += 3;
    features[i * F + 2 * c + 1] += 1.5;
  }
  return { features, labels };
}

describe('ablation/vebi', () => {
  it('filterNorms: L2 norm over space per filter (hand-computed)', () => {
    // 1 image, 2 positions, 2 filters: filter 0 = [3, 4] -> 5, filter 1 = [0, 2] -> 2.
    assertArraysClose(filterNorms([3, 0, 4, 2], 1, 2), [5, 2], 1e-7);
    assert.throws(() => filterNorms([1, 2, 3], 1, 2), /not n \(1\) x spatial x channels \(2\)/);
  });

  it('finds the filters that encode each class, ranked by weight', () => {
    const { features, labels } = synthetic(400, 4, 12, 3);
    const copy = features.slice();
    const res = vebiFilters(features, labels, 4, { targetFiltersPerClass: 2 });
    for (let c = 0; c < 4; c++) assert.deepEqual(res.filters[c].slice(0, 2), [2 * c, 2 * c + 1], `class ${c}: ${res.filters[c]}`);
    assert.ok(Math.abs(res.meanFiltersPerClass - 2) <= 0.5, `mean ${res.meanFiltersPerClass}`);
    assert.deepEqual(features, copy, 'features were mutated');
    for (const w of res.weights) assert.ok(w >= 0);
  });

  it('a lambda at or above lambdaMax selects nothing; a smaller one selects more', () => {
    const { features, labels } = synthetic(200, 3, 8, 5);
    const probe = vebiFilters(features, labels, 3, { lambda: 0.01 });
    assert.ok(probe.lambdaMax > 0);
    assert.equal(vebiFilters(features, labels, 3, { lambda: probe.lambdaMax }).meanFiltersPerClass, 0);
    const small = vebiFilters(features, labels, 3, { lambda: probe.lambdaMax * 0.05 });
    const big = vebiFilters(features, labels, 3, { lambda: probe.lambdaMax * 0.5 });
    assert.ok(small.meanFiltersPerClass >= big.meanFiltersPerClass && big.meanFiltersPerClass > 0);
  });

  it('is deterministic and rejects bad input', () => {
    const { features, labels } = synthetic(100, 2, 6, 9);
    assert.deepEqual(vebiFilters(features, labels, 2).filters, vebiFilters(features, labels, 2).filters);
    assert.throws(() => vebiFilters(features, labels, 1), /label 1 of image 1 is not in \[0, 1\)/);
    assert.throws(() => vebiFilters(features.subarray(1), labels, 2), /features \(length 599\) must be n x F/);
    assert.throws(() => vebiFilters(features, labels, 2, { lambda: -1 }), /lambda must be a finite number >= 0/);
  });
});
