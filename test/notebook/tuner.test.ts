import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sweep, syntheticTransactions } from '../../src/mining';
import { mineExtraction, runTuner, withClassNames } from '../../src/notebook';
import { saveTransactionStore } from '../../src/transactions/io';
import type { TransactionStore } from '../../src/transactions/store';
import { rng } from '../../src/util/rng';

/** A run folder with a store of 300 patches x 16 filters (seeded scores) over 28x28 images. */
function fixtureRun(): { dir: string; model: string; layer: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-tuner-run-'));
  const n = 300, F = 16, r = rng(3);
  const col = (f: (p: number) => number) => Int32Array.from({ length: n }, (_, p) => f(p));
  const store: TransactionStore = {
    nFilters: F,
    scores: Float32Array.from({ length: n * F }, (_, i) => r.next() + ((i % F) === (Math.floor(i / F) % 3) ? 1 : 0)),
    columns: {
      image: col((p) => p % 50), patch: col((p) => p), x: col(() => 2), y: col(() => 3), size: col(() => 10),
      label: col((p) => p % 3), pred: col((p) => p % 3), score: Float32Array.from({ length: n }, () => r.next()), drop: Float32Array.from({ length: n }, () => r.next()),
    },
  } as TransactionStore;
  fs.mkdirSync(path.join(dir, 'store'));
  saveTransactionStore(store, path.join(dir, 'store'));
  return { dir, model: 'fixture', layer: 'conv' };
}

describe('notebook tuner and mining refusals', () => {
  const run = fixtureRun();
  after(() => fs.rmSync(run.dir, { recursive: true, force: true }));

  it('mineExtraction refuses impossible parameters before any work, naming the value', () => {
    assert.throws(() => mineExtraction(run, { k: 200 }), /k = 200 is above the 16 filters of the analysed layer; choose k <= 16/);
    assert.throws(() => mineExtraction(run, { k: 2.5 }), /k must be a whole number >= 1, got 2.5/);
    assert.throws(() => mineExtraction(run, { k: 5, minSupport: { count: 2.5 } }), /support count must be a whole number .* got 2.5/);
    assert.throws(() => mineExtraction(run, { k: 5, minSupport: 2.5 }), /got 2.5/);
    assert.throws(() => mineExtraction(run, { k: 5, minSupport: { fraction: 1 } }), /support fraction must be in \(0, 1\).* got 1/);
    assert.throws(() => mineExtraction(run, { k: 5, minConfidence: -0.1 }), /confidence must be a number in \[0, 1\], got -0.1/);
    const ok = mineExtraction(run, { k: 5, minSupport: { fraction: 0.05 }, groups: false });
    assert.equal(ok.options.minSupport, 0.05);
    assert.ok(ok.counts.rules > 0, JSON.stringify(ok.counts));
  });

  it('sweep refuses a bad threshold before mining any cell', () => {
    let cells = 0;
    const tx = syntheticTransactions({ nTransactions: 200, nClasses: 3, nFilters: 40, k: 5, nShared: 8, signaturePerClass: 3 });
    assert.throws(() => sweep(tx, { k: [3], minSupport: [0.1, 2.5], minConfidence: [0.5] }, { onProgress: () => { cells++; } }), /got 2.5/);
    assert.equal(cells, 0);
    const t = sweep(tx, { k: [3, 5], minSupport: [0.05, 0.2], minConfidence: [0.5] }, { onProgress: () => { cells++; } });
    assert.equal(t.numRows(), 4);
    assert.equal(cells, 4);
  });

  it('runTuner encodes a run (k up to maxK, images for the patches) and refuses k above maxK', () => {
    const images = new Uint8Array(50 * 28 * 28).fill(7);
    const data = { images, width: 28, height: 28, classNames: ['a', 'b', 'c'] };
    const w = runTuner(run, data, { k: 4, minSupport: { fraction: 0.1 }, ks: [5, 8] });
    const json = JSON.parse(w.html.match(/class="fm-tuner-data">([\s\S]*?)<\/script>/)![1]);
    assert.equal(json.maxK, 8);
    assert.equal(json.n, 300);
    assert.deepEqual(json.params, { k: 4, minSupport: { fraction: 0.1 }, minConfidence: 0.5, topN: 10, maxLength: 3 });
    assert.equal(json.images.count, 50);
    assert.throws(() => runTuner(run, data, { k: 9, ks: [5, 8] }), /k = 9 is above the largest k shipped \(8\)/);
    assert.throws(() => runTuner(run, data, { maxK: 17 }), /maxK = 17 is not a whole number in \[1, 16\]/);
  });

  it('withClassNames names class columns, single and lists', () => {
    assert.deepEqual(withClassNames([{ class: 1, classes: [0, 2], n: 3 }], ['a', 'b', 'c']), [{ class: 'b', classes: ['a', 'c'], n: 3 }]);
  });
});
