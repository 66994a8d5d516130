import * as assert from 'node:assert/strict';
import { checkOursBeatsRandom, checkRange } from '../../src/notebook/checks';

describe('notebook/checks (the value checks notebooks run in their cells)', () => {
  it('checkRange states a value within its bounds and names it and the range otherwise', () => {
    assert.equal(checkRange('patches per image', 1.75, { min: 1, max: 10 }), 'ok: patches per image = 1.75 (expected 1 .. 10)');
    assert.equal(checkRange('x', 0, { max: 0 }), 'ok: x = 0 (expected -inf .. 0)');
    assert.throws(() => checkRange('accuracy', 0.5, { min: 0.85 }), /^Error: check failed: accuracy is 0.5; expected 0.85 \.\. inf$/);
    assert.throws(() => checkRange('drop', NaN, { min: 0 }), /drop is NaN; expected a finite number in 0 \.\. inf/);
    assert.throws(() => checkRange('n', 11, { min: 1, max: 10 }), /n is 11; expected 1 \.\. 10/);
  });

  it('checkOursBeatsRandom compares the drops of ours-k and random-k, with an optional margin', () => {
    const rows = [
      { variant: 'none', drop: 0, filtersPerClass: 0 },
      { variant: 'ours-10', drop: 0.103, filtersPerClass: 6.5 },
      { variant: 'random-10', drop: -0.001, filtersPerClass: 6.5 },
      { variant: 'ours-5', drop: 0.01, filtersPerClass: 9 },
      { variant: 'random-5', drop: 0.01, filtersPerClass: 9 },
    ];
    assert.equal(checkOursBeatsRandom(rows, 10), 'ok: ours-10 drops accuracy by 10.3 points with 6.5 filters per class, random-10 by -0.1 points');
    assert.throws(() => checkOursBeatsRandom(rows, 10, { margin: 0.2 }), /expected ours-10's drop to exceed random-10's by more than 20\.0 points/);
    assert.throws(() => checkOursBeatsRandom(rows, 5), /check failed: ours-5 drops accuracy by 1\.0 points .* random-5 by 1\.0 points; expected/, 'equal drops are not a win');
    assert.throws(() => checkOursBeatsRandom(rows, 25), /no 'ours-25' row in the ablation results \(variants: none, ours-10, random-10, ours-5, random-5\)/);
    assert.throws(() => checkOursBeatsRandom([], 10), /variants: none\)/);
    assert.equal(checkOursBeatsRandom(rows, 10, { randomVariant: 'random-5' }).startsWith('ok: '), true);
  });
});
