import * as assert from 'node:assert/strict';
import { getFilterSelector, listFilterSelectors, registerFilterSelector, type SelectorContext } from '../../src/ablation/core/selectors';
import { rng } from '../../src/util/rng';

function context(mined: Record<string, number[][]>, channelCount = 8, numClasses = 4): SelectorContext {
  const map = new Map(Object.entries(mined));
  return {
    numClasses, channelCount, layerName: 'L', mined: map,
    resolve: (name) => { const m = map.get(name); if (!m) throw new Error(`no ${name}`); return m; },
  };
}

describe('ablation/selectors', () => {
  const lists = [[0, 5], [1, 5], [2], [3, 5, 6]];

  it('has the built-in methods, refuses duplicates and names unknown ones', () => {
    for (const n of ['none', 'mined', 'mined-specific', 'mined-shared', 'random', 'vebi']) assert.ok(listFilterSelectors().includes(n));
    assert.throws(() => registerFilterSelector({ ...getFilterSelector('none') }), /a selector named 'none' is already registered/);
    assert.throws(() => getFilterSelector('nope'), /unknown filter selector 'nope'; registered: .*mined/);
  });

  it('splits mined filters into class-specific and class-shared ones', () => {
    const ctx = context({ 'ours-5': lists });
    const copy = JSON.stringify(lists);
    assert.deepEqual(getFilterSelector('mined-specific').select(ctx, { source: 'ours-5' }, rng(0)), [[0], [1], [2], [3, 6]]);
    assert.deepEqual(getFilterSelector('mined-shared').select(ctx, { source: 'ours-5' }, rng(0)), [[5], [5], [], [5]]);
    assert.deepEqual(getFilterSelector('mined').select(ctx, { source: 'ours-5' }, rng(0)), lists);
    assert.deepEqual(getFilterSelector('none').select(ctx, {}, rng(0)), [[], [], [], []]);
    assert.equal(JSON.stringify(lists), copy, 'mined lists were mutated');
    assert.throws(() => getFilterSelector('mined').select(ctx, { source: 'ours-9' }, rng(0)), /no mined filters named 'ours-9'; available: ours-5/);
    assert.throws(() => getFilterSelector('mined').select(ctx, {}, rng(0)), /parameter 'source' must be a string/);
  });

  it('random draws the matched count per class from ALL channels, reproducibly from the seed', () => {
    const F = 2048;
    const ctx = context({ 'ours-10': Array.from({ length: 4 }, () => Array.from({ length: 10 }, (_, i) => i)) }, F);
    const sel = getFilterSelector('random');
    assert.ok(sel.stochastic);
    let max = 0;
    for (let d = 0; d < 10; d++) {
      const draw = sel.select(ctx, { match: 'ours-10' }, rng(d));
      assert.deepEqual(draw.map((l) => new Set(l).size), [10, 10, 10, 10]);
      for (const l of draw) for (const f of l) { assert.ok(Number.isInteger(f) && f >= 0 && f < F); max = Math.max(max, f); }
      assert.deepEqual(draw, sel.select(ctx, { match: 'ours-10' }, rng(d)));
    }
    assert.ok(max > 511, `all draws below 512 (max ${max}): the channel range is not fully used`);
    assert.deepEqual(sel.select(ctx, { count: 3 }, rng(1)).map((l) => l.length), [3, 3, 3, 3]);
    assert.throws(() => sel.select(ctx, { count: 3000 }, rng(1)), /count must be an integer in \[0, 2048\], got 3000/);
  });

  it('vebi needs features', () => {
    assert.throws(() => getFilterSelector('vebi').select(context({}), {}, rng(0)), /needs per-image filter norms/);
  });
});
