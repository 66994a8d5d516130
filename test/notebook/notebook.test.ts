import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheKey, cachedJson, codeVersion } from '../../src/notebook/cache';
import { notebookParams, isFastMode } from '../../src/notebook/params';
import { classFilterRowsOf, curveRowsOf, describeAblation, describeDrop, inPercent, perClassTableOf } from '../../src/notebook/views';
import { aq } from '../../src/util/arquero';
import { arraySource } from '../../src/notebook/byo';
import type { AblationResultRow } from '../../src/ablation/core/evaluate';
import type { CurvePoint } from '../../src/ablation/core/curves';
import { loadNotebookModel, runExtraction } from '../../src/notebook/pipeline';
import { selectBackend } from '../../src/backend';
import { loadNativeAddon } from '../../src/backend/native';
import { skipOrFailInCI } from '../helpers';
import { packageRoot } from '../../src/util/package-root';

describe('notebook/cache', () => {
  it('cacheKey ignores key order and changes with any value', () => {
    assert.equal(cacheKey({ a: 1, b: [2, 3] }), cacheKey({ b: [2, 3], a: 1 }));
    assert.notEqual(cacheKey({ a: 1, b: [2, 3] }), cacheKey({ a: 1, b: [3, 2] }));
    assert.match(cacheKey({}), /^[0-9a-f]{16}$/);
  });
  it('cachedJson computes once per parameters and reads back', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-nbcache-'));
    try {
      let calls = 0;
      const f = () => { calls++; return { x: calls }; };
      const a = await cachedJson('t', { p: 1 }, f, { root });
      const b = await cachedJson('t', { p: 1 }, f, { root });
      const c = await cachedJson('t', { p: 2 }, f, { root });
      assert.deepEqual([a.hit, b.hit, c.hit, calls], [false, true, false, 2]);
      assert.deepEqual(b.value, { x: 1 });
      await assert.rejects(cachedJson('../x', {}, f, { root }), /kind must be/);
      const entry = JSON.parse(fs.readFileSync(a.file, 'utf8')) as { code: string };
      assert.equal(entry.code, codeVersion(), 'the entry records the code that computed it');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
  it('codeVersion is the package version plus a hash of the compiled files, which any change of the code changes', () => {
    const version = (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
    assert.match(codeVersion(), new RegExp(`^${version.replace(/\./g, '\\.')}\\+[0-9a-f]{16}$`));
    const lib = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-codever-'));
    try {
      fs.mkdirSync(path.join(lib, 'a'));
      fs.writeFileSync(path.join(lib, 'a', 'x.js'), 'exports.x = 1;');
      fs.writeFileSync(path.join(lib, 'y.js'), 'exports.y = 2;');
      const v1 = codeVersion(lib);
      assert.equal(codeVersion(lib), v1, 'stable');
      fs.writeFileSync(path.join(lib, 'a', 'x.js'), 'exports.x = 3;');
      const v2 = codeVersion(lib);
      assert.notEqual(v2, v1, 'an edited file changes it');
      fs.renameSync(path.join(lib, 'y.js'), path.join(lib, 'z.js'));
      assert.notEqual(codeVersion(lib), v2, 'a renamed file changes it');
      assert.notEqual(codeVersion(lib), codeVersion(), 'another code tree, another version');
    } finally {
      fs.rmSync(lib, { recursive: true, force: true });
    }
  });
});

describe('notebook/params', () => {
  it('applies fast overrides only in fast mode and freezes the result', () => {
    const full = { limit: 10000, draws: 10 };
    assert.deepEqual({ ...notebookParams(full, { limit: 300 }, { fast: false }) }, { limit: 10000, draws: 10, fast: false });
    const p = notebookParams(full, { limit: 300 }, { fast: true });
    assert.deepEqual({ ...p }, { limit: 300, draws: 10, fast: true });
    assert.ok(Object.isFrozen(p));
    assert.deepEqual(full, { limit: 10000, draws: 10 });
    assert.throws(() => notebookParams(full, { nope: 1 } as never, { fast: true }), /'nope' is not a parameter/);
    assert.equal(isFastMode({ FILTERMINE_FAST: '1' }), true);
    assert.equal(isFastMode({}), false);
  });
});

describe('notebook/views', () => {
  const row = (variant: string, selector: string, k: number | null, accuracy: number, std = 0, draws = 1): AblationResultRow => ({
    variant, selector, k, draws, filtersPerClass: 5, accuracy, accuracyStd: std, accuracyLow: accuracy, accuracyHigh: accuracy, trueProb: 0, otherAccuracy: 0.9,
    otherAccuracyStd: 0, drop: 0.9 - accuracy, otherDrop: 0,
  });
  // A random baseline row with a hand-made spread: mean, and the 95% interval of its draws.
  const random = (k: number, accuracy: number, low: number, high: number, draws = 10): AblationResultRow =>
    ({ ...row(`random-${k}`, 'random', k, accuracy, 0.01, draws), accuracyLow: low, accuracyHigh: high });
  it('describeAblation judges Ours-k against the spread of the random draws, not a fixed threshold', () => {
    const none = row('none', 'none', null, 0.9);
    // Below the interval: more than random.
    const more = describeAblation('m', [none, row('ours-10', 'mined', 10, 0.5), random(10, 0.88, 0.86, 0.9)]);
    assert.match(more, /90\.0%/);
    assert.match(more, /95% of 10 draws in 86\.0-90\.0%/);
    assert.match(more, /hurt more than random ones \(outside the spread of the draws\)/);
    // 1.5 points below the random mean: "more than" against a narrow spread, "about as much as" against a wide one.
    const narrow = describeAblation('m', [none, row('ours-10', 'mined', 10, 0.865), random(10, 0.88, 0.87, 0.89)]);
    assert.match(narrow, /hurt more than random ones/);
    const wide = describeAblation('m', [none, row('ours-10', 'mined', 10, 0.865), random(10, 0.88, 0.8, 0.95)]);
    assert.match(wide, /hurt about as much as random ones \(inside the spread of the draws\)/);
    // Above the interval: less than random.
    const less = describeAblation('m', [none, row('ours-10', 'mined', 10, 0.89), random(10, 0.8, 0.75, 0.85)]);
    assert.match(less, /hurt less than random ones/);
    const single = describeAblation('m', [none, row('ours-10', 'mined', 10, 0.8), random(10, 0.85, 0.85, 0.85, 1)]);
    assert.match(single, /a single draw, so no spread to judge against/);
    assert.throws(() => describeAblation('m', []), /no 'none' row/);
  });
  it('perClassTableOf puts variants side by side, one named row per class in class index order, accuracy in %', () => {
    const c = (variant: string, cls: number, accuracy: number, drop: number) => ({ variant, class: cls, className: ['shirt', 'bag'][cls], filters: 2.5, images: 10,
      accuracy, accuracyStd: 0, trueProb: 0, otherAccuracy: 0, drop });
    const rows = perClassTableOf([c('ours-10', 1, 0.5, 0.4), c('none', 1, 0.9, 0), c('none', 0, 0.8, 0), c('ours-10', 0, 0.75, 0.05)], ['none', 'ours-10']);
    assert.deepEqual(rows, [
      { class: 'shirt', images: 10, 'none acc (%)': 80, 'ours-10 acc (%)': 75, 'ours-10 filters': 2.5, 'ours-10 drop (points)': 5 },
      { class: 'bag', images: 10, 'none acc (%)': 90, 'ours-10 acc (%)': 50, 'ours-10 filters': 2.5, 'ours-10 drop (points)': 40 },
    ]);
    assert.throws(() => perClassTableOf([c('none', 0, 0.8, 0)], ['none', 'vebi']), /no per-class rows of variant 'vebi' \(variants: none\)/);
  });
  it('inPercent shows the named fraction columns in %, header renamed, order and other columns kept', () => {
    const rows = inPercent([{ variant: 'a', accuracy: 0.8765, drop: 0.0123, n: 3 }, { variant: 'b', accuracy: null, drop: 0, n: 4 }], ['accuracy', 'drop']);
    assert.deepEqual(rows, [{ variant: 'a', 'accuracy (%)': 87.7, 'drop (%)': 1.2, n: 3 }, { variant: 'b', 'accuracy (%)': null, 'drop (%)': 0, n: 4 }]);
    assert.deepEqual(Object.keys(rows[0]), ['variant', 'accuracy (%)', 'drop (%)', 'n']);
    assert.throws(() => inPercent([{ accuracy: '90%' }], ['accuracy']), /row 0 column 'accuracy' is "90%", expected a fraction/);
  });
  it('classFilterRowsOf names classes and orders rows (hence chart class axes) by class index, then filter', () => {
    const filters = aq.from([
      { filter: 3, classes: [2, 0], kind: 'shared', supports: [5, 6] },
      { filter: 1, classes: [2], kind: 'specific', supports: [7] },
      { filter: 7, classes: [1], kind: 'specific', supports: [8] },
    ]);
    assert.deepEqual(classFilterRowsOf(filters, ['shirt', 'bag', 'boot']), [
      { class: 'shirt', filter: 3, kind: 'shared', support: 6 },
      { class: 'bag', filter: 7, kind: 'specific', support: 8 },
      { class: 'boot', filter: 1, kind: 'specific', support: 7 },
      { class: 'boot', filter: 3, kind: 'shared', support: 5 },
    ]);
  });
  it('describeAblation never prints a negative drop', () => {
    const none = row('none', 'none', null, 0.9);
    // Ours-5 gains 1 point; Ours-10 changes by under 0.05 points; Ours-25 drops 3.2 points.
    const text = describeAblation('m', [none, row('ours-5', 'mined', 5, 0.91), row('ours-10', 'mined', 10, 0.9004), row('ours-25', 'mined', 25, 0.868),
      { ...row('vebi', 'ranked', null, 0.905) }]);
    assert.match(text, /Ours-5 .*accuracy 91\.0% \(a gain of 1\.0 points\)/);
    assert.match(text, /Ours-10 .*accuracy 90\.0% \(no drop\)/);
    assert.match(text, /Ours-25 .*accuracy 86\.8% \(a drop of 3\.2 points\)/);
    assert.match(text, /VEBI .*\(a gain of 0\.5 points\)/);
    assert.doesNotMatch(text, /[\s(]-\d/);
    assert.doesNotMatch(text, /drop (by|of) -/);
    assert.equal(describeDrop(-0.001), 'a gain of 0.1 points');
    assert.equal(describeDrop(0.0004), 'no drop');
    assert.equal(describeDrop(-0.0004), 'no drop');
    assert.equal(describeDrop(0.032), 'a drop of 3.2 points');
  });
  it('describeAblation says where the method beats a baseline and where it does not', () => {
    const rows = [row('none', 'none', null, 0.9), { ...row('ours-10', 'mined', 10, 0.5), ofOracle: 0.5 }];
    const cmp = (reference: string, meanDifference: number, low: number, high: number, pValue: number) => ({ variant: 'ours-10', reference, meanDifference, low, high, pValue, wins: 5, losses: 5 });
    const text = describeAblation('m', rows, [cmp('gradcam-weight', -0.04, -0.06, -0.02, 0.002), cmp('mean-activation', 0.01, -0.01, 0.02, 0.3),
      cmp('vebi-matched', 0.02, 0.01, 0.03, 0.01), cmp('grad-x-activation', 0.02, 0.01, 0.03, 0.08)]);
    assert.match(text, /0\.50 of the greedy oracle/);
    assert.match(text, /vs gradcam-weight .*hurts its class less by 4\.0 points.*: this reference beats the method\./);
    assert.match(text, /vs mean-activation .*: no clear difference/);
    assert.match(text, /vs vebi-matched .*: the method beats this reference\./);
    const tie = describeAblation('m', rows, [cmp('vebi-matched', -0.0001, 0, 0, 1)]);
    assert.match(tie, /vs vebi-matched .*hurts its class as much \(under 0\.05 points apart\) on average/);
    assert.doesNotMatch(tie, /by 0\.0 points/);
    // An interval excluding 0 but p >= 0.05 is not called a win.
    assert.match(text, /vs grad-x-activation .*: no clear difference/);
  });
  it('curveRowsOf keeps overall ranked/random points in percent', () => {
    const p = (order: 'ranked' | 'random' | 'shuffled', cls: number | null): CurvePoint => ({ method: order, source: 'ours-10', k: 10, order, class: cls, n: 1, filtersPerClass: 1, accuracy: 0.5, std: 0.1, draws: 1 });
    const rows = curveRowsOf([p('ranked', null), p('random', null), p('shuffled', null), p('ranked', 3)]);
    assert.deepEqual(rows.map((r) => [r.method, r.accuracy, r.std]), [['ranked', 50, null], ['random', 50, 10]]);
  });
});

describe('notebook/byo arraySource', () => {
  it('returns copies of image ranges and checks sizes', () => {
    const px = Float32Array.from({ length: 2 * 2 * 2 }, (_, i) => i);
    const s = arraySource('x', px, [2, 2, 2, 1], [0, 1], 'c');
    const a = s.pixels(1, 2);
    assert.deepEqual(Array.from(a), [4, 5, 6, 7]);
    a[0] = 99;
    assert.equal(px[4], 4);
    assert.throws(() => s.pixels(0, 3), /not within/);
    assert.throws(() => arraySource('x', px, [3, 2, 2, 1], [0, 1, 2], 'c'), /values for shape/);
  });
});

describe('notebook/pipeline runExtraction', function () {
  this.timeout(120_000);
  let root: string;
  before(() => { root = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-nbextract-')); });
  after(async () => {
    fs.rmSync(root, { recursive: true, force: true });
    await selectBackend('wasm');
  });

  it('keys its cache by the compute path (native vs plain wasm) and reuses a finished run', async function () {
    const loaded = loadNativeAddon();
    if ('error' in loaded) skipOrFailInCI(this, `the native addon is not built: ${loaded.error}`);
    const model = await loadNotebookModel('vgg-small');
    const dirs: string[] = [];
    for (const backend of ['native', 'wasm', 'native'] as const) {
      await selectBackend(backend);
      const run = await runExtraction(model, { limit: 32, cacheRoot: root, workers: 'auto' });
      dirs.push(run.dir);
      if (dirs.length === 3) assert.ok(run.cached, 'the native run was found again');
    }
    assert.notEqual(dirs[0], dirs[1], 'plain wasm must not reuse the native run');
    assert.equal(dirs[2], dirs[0]);
    const manifest = JSON.parse(fs.readFileSync(path.join(dirs[0], 'manifest.json'), 'utf8')) as { identity: { backend: string } };
    assert.equal(manifest.identity.backend, 'native');
    model.model.dispose();
  });
});
