import * as assert from 'node:assert/strict';
import {
  classMeanRanking, filterCount, filterStatistics, randomRanking, topFilters, weightRanking,
} from '../../src/baselines';
import { vebiFilters } from '../../src/vebi/vebi';
import { assertArraysClose } from '../helpers';
import { rng } from '../../src/util/rng';

describe('baselines/statistics', () => {
  it('mean activation, Grad-CAM weight and gradient x activation (hand-computed)', () => {
    // 1 image, 2 positions, 2 filters. Activations: filter 0 = [1, 3], filter 1 = [2, 0].
    // Gradients: filter 0 = [0.5, -1], filter 1 = [4, 2].
    const act = [1, 2, 3, 0], grad = [0.5, 4, -1, 2];
    const s = filterStatistics(act, grad, 1, 2);
    assertArraysClose(s.meanActivation, [2, 1], 1e-7);
    assertArraysClose(s.gradcamWeight, [-0.25, 3], 1e-7);
    assertArraysClose(s.gradTimesActivation, [0.5 * 1 + -1 * 3, 4 * 2 + 2 * 0], 1e-7);
    assert.throws(() => filterStatistics([1, 2, 3], [1, 2, 3], 1, 2), /activations of length 3 is not n \(1\)/);
    assert.throws(() => filterStatistics(act, [1, 2], 1, 2), /gradients have length 2/);
  });
});

describe('baselines/rankings', () => {
  it('classMeanRanking: ranks by the class mean, ties by index', () => {
    // 3 filters; class 0 images: [1, 5, 0], [3, 1, 0] -> means [2, 3, 0] -> [1, 0, 2];
    // class 1 image: [0, 7, 7] -> tie between 1 and 2 -> [1, 2, 0].
    const stat = Float32Array.from([1, 5, 0, 0, 7, 7, 3, 1, 0]);
    assert.deepEqual(classMeanRanking(stat, [0, 1, 0], 3), [[1, 0, 2], [1, 2, 0], [0, 1, 2]]);
    assert.throws(() => classMeanRanking(stat, [0, 1, 4], 3), /label 4 of image 2 is not an integer in \[0, 3\)/);
    assert.throws(() => classMeanRanking(stat.subarray(0, 8), [0, 1, 0], 3), /not n x F/);
  });

  it('each statistic recovers a planted filter: Grad-CAM and gradient x activation differ from mean activation', () => {
    // 2 classes, 4 filters, 1 position. Filter 3 is always large (active for every class) but the
    // class-0 logit does not use it (zero gradient); filter 1 carries class 0 with a large gradient.
    const n = 40, F = 4, r = rng(1);
    const act = new Float32Array(n * F), grad = new Float32Array(n * F), labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      labels[i] = c;
      for (let f = 0; f < F; f++) act[i * F + f] = 0.1 * r.next();
      act[i * F + 3] += 10;
      act[i * F + (c === 0 ? 1 : 2)] += 1;
      const g = c === 0 ? [0, 2, 0, 0] : [0, 0, 0.5, 0.01];
      for (let f = 0; f < F; f++) grad[i * F + f] = g[f];
    }
    const s = filterStatistics(act, grad, n, F);
    assert.deepEqual(classMeanRanking(s.meanActivation, labels, 2).map((x) => x.slice(0, 2)), [[3, 1], [3, 2]]);
    assert.deepEqual(classMeanRanking(s.gradcamWeight, labels, 2).map((x) => x[0]), [1, 2]);
    // class 1: filter 2 gives 0.5 * ~1.05, filter 3 gives 0.01 * ~10.05 -> 2 first, then 3.
    // class 0: only filter 1 has a gradient (the rest tie at 0, by index).
    assert.deepEqual(classMeanRanking(s.gradTimesActivation, labels, 2).map((x) => x.slice(0, 2)), [[1, 0], [2, 3]]);
  });

  it('weightRanking: by weight, zero weights ordered by the tiebreak', () => {
    // F = 3, K = 2; weights [F, K]: class 0 -> [0, 0.5, 0], class 1 -> [0.2, 0, 0.2].
    const w = [0, 0.2, 0.5, 0, 0, 0.2];
    assert.deepEqual(weightRanking(w, 2), [[1, 0, 2], [0, 2, 1]]);
    const tie = [0.1, 0, 0.3, 0, 0.9, 0.5];
    assert.deepEqual(weightRanking(w, 2, tie), [[1, 2, 0], [2, 0, 1]]);
    assert.throws(() => weightRanking([1, 2, 3], 2), /not F x numClasses \(2\)/);
  });

  it('VEBI count-matched: the lasso filters first, then the filters it would add next', () => {
    const n = 300, K = 3, F = 9, r = rng(4);
    const features = new Float32Array(n * F), labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % K;
      labels[i] = c;
      for (let f = 0; f < F; f++) features[i * F + f] = 1 + 0.2 * r.normal();
      features[i * F + 3 * c] += 3; features[i * F + 3 * c + 1] += 1;
    }
    const v = vebiFilters(features, labels, K, { targetFiltersPerClass: 1 });
    const ranked = weightRanking(v.weights, K, v.correlations);
    for (let c = 0; c < K; c++) {
      assert.deepEqual(ranked[c].slice(0, v.filters[c].length), v.filters[c]);
      assert.deepEqual(ranked[c].slice(0, 2), [3 * c, 3 * c + 1], `class ${c}: ${ranked[c]}`);
    }
  });

  it('randomRanking: seeded permutations, one per class', () => {
    const a = randomRanking(10, 3, 7), b = randomRanking(10, 3, 7), c = randomRanking(10, 3, 8);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    for (const p of a) assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 10 }, (_, i) => i));
    assert.notDeepEqual(a[0], a[1]);
    // Uniform: over many seeds, each filter comes first about equally often.
    const first = new Array<number>(4).fill(0);
    for (let s = 0; s < 4000; s++) first[randomRanking(4, 1, s)[0][0]]++;
    for (const x of first) assert.ok(Math.abs(x - 1000) < 120, `first-place counts ${first}`);
  });

  it('topFilters and filterCount', () => {
    assert.deepEqual(topFilters([[2, 0, 1], [1, 2, 0]], [1, 2]), [[2], [1, 2]]);
    assert.deepEqual(topFilters([[2, 0, 1], [1, 2, 0]], 0), [[], []]);
    assert.throws(() => topFilters([[2, 0, 1]], [4]), /count 4 for class 0 is not an integer in \[0, 3\]/);
    assert.equal(filterCount(25, 128), 25);
    assert.equal(filterCount(0.05, 512), 26);
    assert.equal(filterCount(0.001, 128), 1);
    assert.throws(() => filterCount(1.5, 128), /positive integer or a fraction/);
    assert.throws(() => filterCount(200, 128), /more than the layer's 128 filters/);
  });
});
