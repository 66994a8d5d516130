import * as assert from 'node:assert/strict';
import { evaluateAblation, RESULT_COLUMNS, CLASS_COLUMNS } from '../../src/ablation/core/evaluate';
import { filterNorms } from '../../src/vebi/vebi';
import { defaultVariants } from '../../src/ablation/core/variants';
import { diagonalNet, linearGapEvaluator } from './fakes';

describe('ablation/evaluate', () => {
  const K = 4, F = 16, per = 10;
  const net = diagonalNet(K, F, per);
  const mined = new Map([['ours-2', [[0, 9], [1, 9], [2, 10], [3, 11]]]]);

  it('produces the paper-form table with specificity and drop columns (hand-checked rows)', async () => {
    const res = await evaluateAblation(linearGapEvaluator(net), { mined }, { draws: 4, otherPerClass: 'all' });
    assert.deepEqual(Object.keys(res.rows.results[0]), RESULT_COLUMNS);
    assert.deepEqual(Object.keys(res.rows.perClass[0]), CLASS_COLUMNS);
    const rows = new Map(res.rows.results.map((r) => [r.variant, r]));
    assert.deepEqual([...rows.keys()], ['none', 'ours-2', 'random-2', 'ours-2-specific', 'ours-2-shared']);
    const none = rows.get('none')!, ours = rows.get('ours-2')!, rand = rows.get('random-2')!;
    assert.deepEqual([none.accuracy, none.otherAccuracy, none.drop, none.filtersPerClass, none.draws], [1, 1, 0, 0, 1]);
    assert.deepEqual([ours.accuracy, ours.drop, ours.filtersPerClass, ours.accuracyStd], [0, 1, 2, 0]);
    assert.equal(rand.draws, 4);
    assert.equal(rand.filtersPerClass, 2);
    assert.ok(rand.accuracy > ours.accuracy);
    // Filter 9 is shared by classes 0 and 1: the specific variant keeps the class's own filter.
    assert.equal(rows.get('ours-2-specific')!.accuracy, 0);
    assert.equal(rows.get('ours-2-shared')!.filtersPerClass, 0.5);
    assert.equal(rows.get('ours-2-shared')!.accuracy, 1);
    assert.deepEqual(res.rows.filters.filter((r) => r.variant === 'ours-2-shared').map((r) => r.filters), [[9], [9], [], []]);
    assert.equal(res.rows.filters.length, 4 * K); // deterministic variants only
    assert.deepEqual([...res.lists.keys()], ['none', 'ours-2', 'ours-2-specific', 'ours-2-shared']);
    // The random draws' 95% interval brackets their mean; a deterministic row's is the value itself.
    assert.ok(rand.accuracyLow <= rand.accuracy && rand.accuracy <= rand.accuracyHigh);
    assert.deepEqual([ours.accuracyLow, ours.accuracyHigh], [0, 0]);
    assert.equal(res.rows.perClass.length, 5 * K);
  });

  it('reports progress once per scored mask set, ending at the total', async () => {
    const calls: [number, number][] = [];
    const res = await evaluateAblation(linearGapEvaluator(net), { mined }, { draws: 4, onProgress: (d, t) => calls.push([d, t]) });
    // The baseline, then one set per draw of each variant (1 for deterministic ones).
    const total = 1 + res.rows.results.reduce((n, r) => n + r.draws, 0);
    assert.ok(res.rows.results.some((r) => r.draws === 4), 'a random variant with 4 draws');
    assert.deepEqual(calls, Array.from({ length: total }, (_, i) => [i + 1, total]));
  });

  it('is reproducible from the seed', async () => {
    const a = await evaluateAblation(linearGapEvaluator(net), { mined }, { draws: 3, seed: 7 });
    const b = await evaluateAblation(linearGapEvaluator(net), { mined }, { draws: 3, seed: 7 });
    assert.deepEqual(a.rows, b.rows);
  });

  it('runs VEBI when features are given and matches a random baseline to it', async () => {
    const norms = filterNorms(net.acts, net.n, F);
    const res = await evaluateAblation(linearGapEvaluator(net), { mined, features: { norms, labels: net.labels } },
      { variants: defaultVariants([2], { vebiParams: { targetFiltersPerClass: 1 } }), draws: 2 });
    const rows = new Map(res.rows.results.map((r) => [r.variant, r]));
    assert.equal(rows.get('vebi')!.filtersPerClass, rows.get('random-vebi')!.filtersPerClass);
    assert.ok(rows.get('vebi')!.filtersPerClass > 0);
  });

  it('rejects duplicate variants, unknown selectors and bad draws', async () => {
    const ev = linearGapEvaluator(net);
    await assert.rejects(evaluateAblation(ev, { mined }, { variants: [{ name: 'a', selector: 'none' }, { name: 'a', selector: 'none' }] }), /duplicate variant name 'a'/);
    await assert.rejects(evaluateAblation(ev, { mined }, { variants: [{ name: 'a', selector: 'magic' }] }), /unknown filter selector 'magic'/);
    await assert.rejects(evaluateAblation(ev, { mined }, { draws: 0 }), /draws must be a positive integer, got 0/);
    await assert.rejects(evaluateAblation(ev, { mined }, { variants: [{ name: 'r', selector: 'random', params: { match: 'r' } }] }), /variant 'r' is stochastic/);
  });
});
