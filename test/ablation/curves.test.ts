import * as assert from 'node:assert/strict';
import { ablationCurves, CURVE_COLUMNS } from '../../src/ablation/core/curves';
import { MaskScorer } from '../../src/ablation/core/scorer';
import { diagonalNet, linearGapEvaluator } from './fakes';

describe('ablation/curves', () => {
  const K = 4, F = 32, per = 6;
  // Class c's ranking puts its own filter first, then two harmless ones (class 3 has only one filter).
  const ranked = [[0, 20, 21], [1, 22, 23], [2, 24, 25], [3]];

  it('ranked, shuffled and random orders, with saturation and the documented columns', async () => {
    const scorer = new MaskScorer(linearGapEvaluator(diagonalNet(K, F, per)));
    const { table, rows } = await ablationCurves(scorer, [{ name: 'ours-5', k: 5, ranked }], { draws: 4, seed: 1 });
    assert.deepEqual(table.columnNames(), CURVE_COLUMNS);
    const get = (order: string, n: number) => rows.find((r) => r.order === order && r.n === n && r.class === null)!;
    assert.equal(rows.length, 3 * 3);
    // Ranked: the decisive filter goes first, so accuracy is 0 from n = 1.
    for (const n of [1, 2, 3]) assert.equal(get('ranked', n).accuracy, 0);
    assert.deepEqual([get('ranked', 1).filtersPerClass, get('ranked', 3).filtersPerClass], [1, 2.5]);
    // Shuffled at n = N is the same set as ranked: identical accuracy, no spread.
    assert.equal(get('shuffled', 3).accuracy, 0);
    assert.equal(get('shuffled', 3).std, 0);
    // Class 3 has one filter: it is ablated at every n, so shuffled accuracy is at most 3/4.
    assert.ok(get('shuffled', 1).accuracy <= 0.75);
    // Random channels rarely hit the class's filter.
    assert.ok(get('random', 1).accuracy > 0.5);
    assert.equal(get('random', 2).draws, 4);
    assert.equal(get('ranked', 2).draws, 1);
    assert.equal(rows[0].k, 5);
    // Series names for the plotting widget, one per (method, order).
    assert.deepEqual([...new Set(rows.map((r) => r.method))], ['ours-5', 'ours-5 shuffled', 'random (ours-5 counts)']);
    assert.ok(rows.every((r) => r.source === 'ours-5'));
  });

  it('per-class rows and image subsampling; reproducible from the seed', async () => {
    const run = async () => (await ablationCurves(new MaskScorer(linearGapEvaluator(diagonalNet(K, F, per))),
      [{ name: 'm', ranked }], { draws: 2, perClass: true, imagesPerClass: 3, orders: ['ranked', 'random'] })).rows;
    const a = await run();
    assert.deepEqual(a, await run());
    assert.equal(a.length, 3 * 2 * (1 + K));
    const c3 = a.find((r) => r.order === 'ranked' && r.class === 3 && r.n === 3)!;
    assert.deepEqual([c3.filtersPerClass, c3.accuracy], [1, 0]);
    assert.equal(a[0].k, null);
  });

  it('reports progress once per curve point over all methods', async () => {
    const calls: [number, number][] = [];
    const scorer = new MaskScorer(linearGapEvaluator(diagonalNet(K, F, per)));
    // Longest lists: 3 filters for 'a', 1 for 'b': 4 points in all.
    await ablationCurves(scorer, [{ name: 'a', ranked }, { name: 'b', ranked: [[0], [1], [2], [3]] }], { draws: 2, onProgress: (d, t) => calls.push([d, t]) });
    assert.deepEqual(calls, [[1, 4], [2, 4], [3, 4], [4, 4]]);
  });

  it('rejects unknown orders and lists of the wrong length', async () => {
    const scorer = new MaskScorer(linearGapEvaluator(diagonalNet(K, F, per)));
    await assert.rejects(ablationCurves(scorer, [{ name: 'm', ranked }], { orders: ['sideways' as 'ranked'] }), /unknown order 'sideways'/);
    await assert.rejects(ablationCurves(scorer, [{ name: 'm', ranked: [[0]] }]), /method 'm' has filters for 1 classes, expected 4/);
    await assert.rejects(ablationCurves(scorer, [{ name: 'm', ranked }, { name: 'm', ranked }]), /duplicate method name 'm'/);
  });
});
