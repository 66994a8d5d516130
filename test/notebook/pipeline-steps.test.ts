/**
 * The notebook steps the notebooks call, tested directly against independent computations:
 * explainImages (pixels, predictions from model.predict, normalised maps), samplePatches (the
 * occlusion drops recomputed with the full model, the stopping rule applied by hand) and
 * mineExtraction (every kept rule's counts recounted by brute force over the transactions).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { loadFashionMnist, fashionMnistSearchPath } from '../../src/data/fashion-mnist';
import type { ImageSet } from '../../src/data/image-set';
import { explainImages, samplePatches, type ImageExplanations } from '../../src/notebook/explain';
import { loadNotebookModel, mineExtraction, runExtraction, type NotebookModel } from '../../src/notebook/pipeline';
import { shippedModelDir } from '../../src/models/shipped';
import { skipOrFailInCI } from '../helpers';

const INDICES = [0, 1, 2, 3, 4, 5];

describe('notebook steps, checked against independent computations', function () {
  this.timeout(180_000);
  let model: NotebookModel;
  let set: ImageSet;
  let ex: ImageExplanations;
  let cacheRoot: string;

  before(async function () {
    const hasData = fashionMnistSearchPath().some((d) => fs.existsSync(path.join(d, 't10k-images-idx3-ubyte.gz')));
    if (!hasData) skipOrFailInCI(this, 'the Fashion-MNIST data set is not installed (apt-get install dataset-fashion-mnist)');
    if (!fs.existsSync(path.join(shippedModelDir('vgg-small'), 'model.json'))) skipOrFailInCI(this, 'the shipped vgg-small model is missing');
    await selectBackend('wasm');
    model = await loadNotebookModel('vgg-small');
    set = loadFashionMnist('test', { limit: 64 });
    ex = await explainImages(model, set, INDICES, model.camMethod);
    cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-nbsteps-'));
  });
  after(() => {
    model?.dispose();
    if (cacheRoot) fs.rmSync(cacheRoot, { recursive: true, force: true });
  });

  it('explainImages: the chosen pixels in [0, 1], predictions equal to model.predict, maps min-max normalised', async () => {
    const px = set.width * set.height;
    assert.equal(ex.images.pixels.length, INDICES.length * px);
    INDICES.forEach((i, j) => {
      for (const p of [0, 300, px - 1]) assert.equal(ex.images.pixels[j * px + p], Math.fround(set.images[i * px + p] / 255));
    });
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(ex.images.pixels, [INDICES.length, set.height, set.width, 1]);
      return Array.from((model.model.predict(x) as tf.Tensor).argMax(-1).dataSync());
    });
    assert.deepEqual(ex.predicted, predicted);
    assert.deepEqual([ex.heatmaps.width, ex.heatmaps.height], [set.width, set.height]);
    let normalised = 0;
    for (let j = 0; j < INDICES.length; j++) {
      const map = ex.heatmaps.data.subarray(j * px, (j + 1) * px);
      let lo = Infinity, hi = -Infinity;
      for (const v of map) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      assert.ok(lo >= 0 && hi <= 1, `image ${j}: map within [0, 1] (${lo}..${hi})`);
      if (hi === 1) normalised++;
    }
    assert.equal(normalised + ex.defects, INDICES.length, 'every map is normalised to max 1 or counted as defective');
    assert.ok(normalised >= INDICES.length / 2, `${normalised} usable maps of ${INDICES.length}`);
  });

  it('samplePatches: drops equal a direct cumulative occlusion through the full model; keep follows the stopping rule', async () => {
    const before = tf.memory().numTensors;
    const threshold = 0.1;
    for (const sampler of ['monte-carlo', 'dense-nms']) {
      const res = await samplePatches(model, ex, sampler, { threshold, seed: 3 });
      assert.equal(res.length, INDICES.length);
      for (const r of res) {
        for (const w of r.windows) {
          assert.ok(w.x >= 0 && w.y >= 0 && w.x + w.size <= set.width && w.y + w.size <= set.height, `${sampler}: window ${JSON.stringify(w)} inside the image`);
        }
        // The stopping rule, by hand: the first i whose increment is below the threshold keeps 1..i-1 (at least 1).
        let keep = r.drops.length;
        for (let i = 0; i < r.drops.length; i++) {
          if (!(r.drops[i] - (i ? r.drops[i - 1] : 0) >= threshold)) { keep = Math.max(1, i); break; }
        }
        if (r.windows.length > 0) assert.equal(r.keep, keep, `${sampler} image ${r.index}: drops ${r.drops.join(', ')}`);
      }
      // Recompute image 0's drops: zero windows 1..i of the input and take the predicted-class logit.
      const r0 = res[0];
      const px = set.width * set.height;
      const original = ex.images.pixels.slice(0, px);
      const c = ex.predicted[0];
      const logitOf = (pixels: Float32Array): number => tf.tidy(() =>
        (model.model.predict(tf.tensor4d(pixels, [1, set.height, set.width, 1])) as tf.Tensor).dataSync()[c]);
      const base = logitOf(original);
      const occluded = original.slice();
      r0.drops.forEach((d, i) => {
        const w = r0.windows[i];
        for (let y = w.y; y < w.y + w.size; y++) occluded.fill(0, y * set.width + w.x, y * set.width + w.x + w.size);
        const expected = 1 - logitOf(occluded) / base;
        assert.ok(Math.abs(d - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `${sampler}: d_${i + 1} ${d} vs ${expected}`);
      });
      assert.ok(r0.drops.length >= 1, `${sampler}: at least one occlusion evaluated`);
    }
    const again = await samplePatches(model, ex, 'monte-carlo', { threshold, seed: 3 });
    const other = await samplePatches(model, ex, 'monte-carlo', { threshold, seed: 4 });
    assert.deepEqual(again[0].windows, (await samplePatches(model, ex, 'monte-carlo', { threshold, seed: 3 }))[0].windows, 'same seed, same windows');
    assert.notDeepEqual(other.map((r) => r.windows), again.map((r) => r.windows), 'another seed, other windows');
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
  });

  it('mineExtraction: every kept rule recounted by brute force over the transactions it mined', async () => {
    const run = await runExtraction(model, { limit: 64, cacheRoot, workers: 1 });
    const minConfidence = 0.5;
    const mined = mineExtraction(run, { k: 5, minSupport: 2, minConfidence, maxLength: 2, groups: false });
    assert.equal(mined.k, 5);
    const rows = mined.transactions.objects() as Array<{ class: number; items: ArrayLike<number> }>;
    assert.equal(rows.length, run.summary.patches, 'one transaction per patch');
    for (const t of rows) assert.equal(new Set(Array.from(t.items)).size, 5, 'five distinct filters per transaction');
    const rules = mined.rules.objects() as Array<{ class: number; antecedent: number[]; support: number; antecedentSupport: number; confidence: number; rank: number }>;
    assert.ok(rules.length > 0, 'some rules are kept');
    for (const r of rules) {
      const contains = (t: { items: ArrayLike<number> }) => r.antecedent.every((f) => Array.from(t.items).includes(f));
      const all = rows.filter(contains).length;
      const own = rows.filter((t) => t.class === r.class && contains(t)).length;
      assert.equal(r.antecedentSupport, all, `rule ${r.antecedent} -> ${r.class}: transactions containing the antecedent`);
      assert.equal(r.support, own, `rule ${r.antecedent} -> ${r.class}: transactions of the class containing it`);
      assert.ok(Math.abs(r.confidence - own / all) < 1e-12 && r.confidence >= minConfidence && r.support >= 2);
      assert.ok(r.antecedent.length >= 2 && r.antecedent.length <= 2 && r.rank <= 10);
    }
  });
});
