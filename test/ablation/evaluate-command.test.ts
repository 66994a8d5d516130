import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../../src/cli/commands/evaluate';
import { getCommand } from '../../src/cli/registry';
import { saveModel } from '../../src/models/io';
import { buildVggSmall, VGG_SMALL_ANALYSIS_LAYER } from '../../src/models/vgg-small';
import { saveTransactionStore } from '../../src/transactions/io';
import { rng } from '../../src/util/rng';

/** A transaction store of one patch per image where class c's patches score filters 3c..3c+2 highest. */
function syntheticStore(n: number, F: number, labels: ArrayLike<number>) {
  const r = rng(3);
  const scores = new Float32Array(n * F);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++) scores[i * F + f] = r.next();
    for (let j = 0; j < 3; j++) scores[i * F + ((3 * labels[i] + j) % F)] += 2;
  }
  const ints = (fn: (i: number) => number) => Int32Array.from({ length: n }, (_, i) => fn(i));
  return {
    columns: {
      image: ints((i) => i), patch: ints((i) => i), x: ints(() => 0), y: ints(() => 0), size: ints(() => 7),
      label: ints((i) => labels[i]), pred: ints((i) => labels[i]), score: new Float32Array(n).fill(1), drop: new Float32Array(n).fill(0.5),
    },
    scores, nFilters: F, layer: VGG_SMALL_ANALYSIS_LAYER,
  };
}

describe('ablation/evaluate command', () => {
  it('mines the transactions, ablates, and writes the results, per-class, filters and curves tables', async function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evaluate-cmd-'));
    const model = buildVggSmall({ width: 0.25, seed: 1 });
    await saveModel(model, path.join(dir, 'model'));
    model.dispose();
    const n = 120, F = 32;
    const labels = Array.from({ length: n }, (_, i) => i % 10);
    saveTransactionStore(syntheticStore(n, F, labels), path.join(dir, 'run'));
    const cmd = getCommand('evaluate')!;
    const before = tf.memory().numTensors;
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    (process.stdout as { write: unknown }).write = (s: string) => { printed += s; return true; };
    let code: number;
    try {
      code = await cmd.run(['--model', path.join(dir, 'model'), '--layer', VGG_SMALL_ANALYSIS_LAYER, '--transactions', path.join(dir, 'run'),
        '--protocol', 'in-sample', '--no-oracle', '--k', '3,5', '--draws', '2', '--curve-draws', '2', '--limit', '60', '--backend', 'cpu', '--out', path.join(dir, 'out')]);
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    assert.equal(code, 0);
    assert.equal(tf.memory().numTensors, before);
    assert.match(printed, /ours-3 .*\n.*random-3/);
    const files = fs.readdirSync(path.join(dir, 'out')).sort();
    assert.deepEqual(files, ['comparisons.csv', 'comparisons.json', 'curves.csv', 'curves.json', 'filters.csv', 'filters.json', 'per-class.csv', 'per-class.json', 'results.csv', 'results.json', 'summary.json']);
    const results = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'results.json'), 'utf8')) as { variant: string; filtersPerClass: number; draws: number }[];
    assert.deepEqual(results.map((r) => r.variant), ['none', 'ours-3', 'random-3', 'ours-3-specific', 'ours-3-shared', 'ours-5', 'random-5', 'ours-5-specific', 'ours-5-shared',
      'mean-activation', 'gradcam-weight', 'grad-x-activation', 'vebi-matched', 'vebi', 'random-vebi']);
    assert.match(printed, /protocol in-sample/);
    await assert.rejects(cmd.run(['--model', path.join(dir, 'model'), '--layer', VGG_SMALL_ANALYSIS_LAYER, '--transactions', path.join(dir, 'run'), '--out', path.join(dir, 'out3'), '--backend', 'cpu']),
      /held-out protocol \(the default\) needs --fit-run/);
    const byName = new Map(results.map((r) => [r.variant, r]));
    assert.ok(byName.get('ours-3')!.filtersPerClass > 0);
    assert.equal(byName.get('random-3')!.filtersPerClass, byName.get('ours-3')!.filtersPerClass);
    assert.equal(byName.get('random-3')!.draws, 2);
    // The mined filters are the class's planted filters 3c..3c+2.
    const filters = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'filters.json'), 'utf8')) as { variant: string; class: number; filters: number[] }[];
    for (const row of filters.filter((r) => r.variant === 'ours-3')) {
      for (const f of row.filters) assert.ok([0, 1, 2].map((j) => (3 * row.class + j) % F).includes(f), `class ${row.class} filter ${f}`);
    }
    assert.match(fs.readFileSync(path.join(dir, 'out', 'curves.csv'), 'utf8'), /^method,source,k,order,class,n,filtersPerClass,accuracy,std,draws\n/);

    // Held-out: mining, VEBI, baselines and the oracle on a training run; accuracy on the test run.
    saveTransactionStore(syntheticStore(n, F, labels), path.join(dir, 'train-run'));
    const before2 = tf.memory().numTensors;
    printed = '';
    (process.stdout as { write: unknown }).write = (s: string) => { printed += s; return true; };
    try {
      code = await cmd.run(['--model', path.join(dir, 'model'), '--layer', VGG_SMALL_ANALYSIS_LAYER, '--transactions', path.join(dir, 'run'),
        '--fit-transactions', path.join(dir, 'train-run'), '--fit-limit', '100', '--k', '3,0.15', '--match-k', '3', '--draws', '3', '--no-curves',
        '--oracle-images', '5', '--sweep-top-n', '1,1000', '--sweep-support', '2,0.5', '--limit', '60', '--backend', 'cpu', '--out', path.join(dir, 'out2')]);
    } finally {
      (process.stdout as { write: unknown }).write = write;
    }
    assert.equal(code, 0);
    assert.equal(tf.memory().numTensors, before2);
    assert.match(printed, /protocol held-out \(fit on 100 images, measured on 60 test images\)/);
    const held = JSON.parse(fs.readFileSync(path.join(dir, 'out2', 'results.json'), 'utf8')) as { variant: string; filtersPerClass: number; ofOracle: number; drop: number }[];
    const h = new Map(held.map((r) => [r.variant, r]));
    for (const v of ['oracle-3', 'oracle-5', 'oracle-vebi', 'mean-activation', 'vebi-matched']) assert.ok(h.has(v), `no row ${v}`);
    assert.equal(h.get('oracle-3')!.filtersPerClass, h.get('ours-3')!.filtersPerClass);
    assert.equal(h.get('mean-activation')!.filtersPerClass, h.get('ours-3')!.filtersPerClass);
    const cmp = JSON.parse(fs.readFileSync(path.join(dir, 'out2', 'comparisons.json'), 'utf8')) as { variant: string; reference: string }[];
    assert.ok(cmp.some((c) => c.variant === 'ours-3' && c.reference === 'random-3'));
    assert.ok(cmp.some((c) => c.variant === 'ours-3' && c.reference === 'gradcam-weight'));
    // The sweep: one row per k, top-N and support; more rules kept never means fewer rules.
    const sweep = JSON.parse(fs.readFileSync(path.join(dir, 'out2', 'sweep.json'), 'utf8')) as { k: number; topN: number; minSupport: number; rules: number }[];
    assert.equal(sweep.length, 2 * 2 * 2);
    for (const k of [3, 5]) for (const sup of [2, 0.5]) {
      const [a, b] = [1, 1000].map((t) => sweep.find((r) => r.k === k && r.topN === t && r.minSupport === sup)!);
      assert.ok(a.rules <= b.rules && a.rules <= 10, `k ${k} support ${sup}: ${a.rules} vs ${b.rules}`);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'out2', 'summary.json'), 'utf8')) as { protocol: string; fitData: string };
    assert.deepEqual([summary.protocol, summary.fitData], ['held-out', 'fashion-mnist-train']);
    fs.rmSync(dir, { recursive: true });
  });

  it('rejects a missing transactions folder and bad flags', async () => {
    const cmd = getCommand('evaluate')!;
    await assert.rejects(cmd.run(['--model', 'vgg-small']), /--model and --run are required/);
    await assert.rejects(cmd.run(['--model', 'x', '--transactions', 'y', '--k', '5,a']), /--k must be a comma-separated list of positive integers or fractions in \(0, 1\) of the layer's filters, got '5,a'/);
    await assert.rejects(cmd.run(['--model', 'x', '--transactions', 'y', '--draws', '0']), /--draws must be an integer >= 1, got '0'/);
    await assert.rejects(cmd.run(['--model', 'x', '--transactions', 'y', '--head', 'magic']), /--head must be auto, affine or generic/);
    await assert.rejects(cmd.run(['--model', 'x', '--transactions', 'y', '--confidence', 'paper']), /evaluate: --confidence must be one of 'standard', 'authors', got 'paper'/);
    await assert.rejects(cmd.run(['--model', 'x', '--transactions', 'y', '--protocol', 'both']), /--protocol must be held-out or in-sample, got 'both'/);
  });
});
