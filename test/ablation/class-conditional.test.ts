import * as assert from 'node:assert/strict';
import { classConditionalAccuracy, imagesByClass, otherClassImages } from '../../src/ablation/core/class-conditional';
import { MaskScorer } from '../../src/ablation/core/scorer';
import { rng } from '../../src/util/rng';
import { diagonalNet, linearGapEvaluator } from './fakes';

describe('ablation/class-conditional', () => {
  const K = 4, F = 6, per = 5;
  const all = () => otherClassImages(imagesByClass(diagonalNet(K, F, per).labels, K), 'all', rng(0));

  it('ablating a class\'s own filter kills that class only (hand-computed)', async () => {
    const scorer = new MaskScorer(linearGapEvaluator(diagonalNet(K, F, per)));
    const r = await classConditionalAccuracy(scorer, [[0], [1], [2], [3]], { otherImages: all() });
    assert.equal(r.accuracy, 0);
    assert.equal(r.otherAccuracy, 1);
    assert.equal(r.meanFilters, 1);
    assert.deepEqual(r.perClass.map((c) => [c.images, c.correct, c.otherImages, c.otherCorrect]), Array(4).fill([5, 0, 15, 15]));
  });

  it('ablating the next class\'s filter hurts only that other class (specificity 1 - 1/(K-1))', async () => {
    const scorer = new MaskScorer(linearGapEvaluator(diagonalNet(K, F, per)));
    const r = await classConditionalAccuracy(scorer, [[1], [2], [3], [0]], { otherImages: all() });
    assert.equal(r.accuracy, 1);
    assert.equal(r.otherAccuracy, (K * (K - 1) * per - K * per) / (K * (K - 1) * per)); // 40 of 60 pairs
  });

  it('empty lists ablate nothing and reuse the baseline; memoised masks are not recomputed', async () => {
    const ev = linearGapEvaluator(diagonalNet(K, F, per));
    const scorer = new MaskScorer(ev);
    const none = await classConditionalAccuracy(scorer, [[], [], [], []], { otherImages: all() });
    assert.equal(none.accuracy, 1);
    assert.equal(none.meanFilters, 0);
    assert.equal(scorer.pairsEvaluated, K * per); // each image once, not K times
    await classConditionalAccuracy(scorer, [[0], [1], [2], [3]], { otherImages: all() });
    const after = scorer.pairsEvaluated;
    assert.equal(after, K * per + K * K * per);
    await classConditionalAccuracy(scorer, [[0], [1, 1], [2], [3]], { otherImages: all() });
    assert.equal(scorer.pairsEvaluated, after);
    await classConditionalAccuracy(scorer, [[0], [1], [2], [3, 4]], { otherImages: all(), memo: false });
    assert.equal(scorer.pairsEvaluated, after + K * per);
    await classConditionalAccuracy(scorer, [[0], [1], [2], [3, 4]], { otherImages: all(), memo: false });
    assert.equal(scorer.pairsEvaluated, after + 2 * K * per);
    assert.equal(ev.calls, 4);
  });

  it('the specificity sample takes the same images per other class for every class, seeded', () => {
    const byClass = imagesByClass([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], 3);
    assert.deepEqual(byClass.map((x) => Array.from(x)), [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]);
    const a = otherClassImages(byClass, 2, rng(5)), b = otherClassImages(byClass, 2, rng(5));
    assert.deepEqual(a, b);
    assert.equal(a[0].length, 4);
    for (const i of a[0]) assert.notEqual(i % 3, 0);
    const of1in0 = Array.from(a[0]).filter((i) => i % 3 === 1), of1in2 = Array.from(a[2]).filter((i) => i % 3 === 1);
    assert.deepEqual(of1in0, of1in2);
    assert.throws(() => otherClassImages(byClass, -1, rng(0)), /perClass must be a non-negative integer or 'all', got -1/);
  });

  it('rejects a wrong number of class lists and invalid channels', async () => {
    const scorer = new MaskScorer(linearGapEvaluator(diagonalNet(K, F, per)));
    await assert.rejects(classConditionalAccuracy(scorer, [[0]]), /expected filters for 4 classes, got 1/);
    await assert.rejects(classConditionalAccuracy(scorer, [[0], [6], [], []]), /channel index 6 .*fake_layer has 6 channels/);
    await assert.rejects(classConditionalAccuracy(scorer, [[0], [0.5], [], []]), /channel index 0\.5 .*not an integer/);
  });
});
