import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { extractBatch, type BatchResult } from '../../src/extract/pipeline';
import { imageSetSource } from '../../src/extract/source';
import { splitModel, activationsAt, type ModelSplit } from '../../src/graph/split';
import { windowFilterScoresNaive } from '../../src/transactions/window-scores';
import { assertArraysClose } from '../helpers';
import { tinyImageSet, tinyModel } from './fixtures';

describe('extract/pipeline', () => {
  let model: tf.LayersModel;
  let split: ModelSplit;
  const data = imageSetSource(tinyImageSet(30), 'tiny');
  const batch = (start: number, end: number) => ({
    images: data.pixels(start, end), shape: [end - start, 12, 12, 1] as [number, number, number, number],
    indices: Int32Array.from({ length: end - start }, (_, i) => start + i), labels: Array.from(data.labels).slice(start, end),
  });
  before(async () => { await tf.setBackend('cpu'); model = tinyModel(); split = splitModel(model, 'feat'); });
  after(() => { split.dispose(); model.dispose(); });

  it('extracts patches inside the image with window scores equal to upsample-then-sum, leaking no tensor', async () => {
    const before = tf.memory().numTensors;
    const input = batch(0, 8);
    const copy = Float32Array.from(input.images);
    const r = await extractBatch(split, input, { seed: 5 });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(input.images, copy);
    const n = r.patches.patch.length;
    assert.ok(n >= 8, `expected at least one patch per image, got ${n}`);
    assert.equal(r.scores.length, n * 6);
    const acts = tf.tidy(() => activationsAt(split, tf.tensor4d(input.images, [8, 12, 12, 1])).activation.dataSync() as Float32Array);
    for (let p = 0; p < n; p++) {
      const { x, y, size } = { x: r.patches.x[p], y: r.patches.y[p], size: r.patches.size[p] };
      assert.ok(x >= 0 && y >= 0 && x + size <= 12 && y + size <= 12);
      assert.equal(size, 3); // round(12 / 4)
      const b = r.patches.image[p];
      const ref = windowFilterScoresNaive({ data: acts.subarray(b * 36 * 6, (b + 1) * 36 * 6), height: 6, width: 6, channels: 6 }, { x, y, size }, 12, 12);
      assertArraysClose(r.scores.subarray(p * 6, (p + 1) * 6), ref, 1e-4, 1e-4);
    }
    // per image: kept <= candidates, patch ranks 0..kept-1, kept >= 1 when there are candidates
    for (let b = 0; b < 8; b++) {
      assert.ok(r.images.kept[b] <= r.images.candidates[b]);
      if (r.images.candidates[b] > 0) assert.ok(r.images.kept[b] >= 1);
    }
  });

  it('does not depend on how images are batched', async () => {
    const whole = await extractBatch(split, batch(0, 6), { seed: 2 });
    const a = await extractBatch(split, batch(0, 2), { seed: 2 });
    const b = await extractBatch(split, batch(2, 6), { seed: 2 });
    const cat = (x: BatchResult, y: BatchResult) => [...Array.from(x.patches.x), ...Array.from(y.patches.x)];
    assert.deepEqual(Array.from(whole.patches.x), cat(a, b));
    assertArraysClose(whole.scores, [...Array.from(a.scores), ...Array.from(b.scores)], 1e-5, 1e-5);
    assertArraysClose(whole.patches.drop, [...Array.from(a.patches.drop), ...Array.from(b.patches.drop)], 1e-5, 1e-5);
  });

  it('records an image with an all-zero heatmap with no patches instead of failing', async () => {
    const r = await extractBatch(split, batch(23, 26), {}); // image 24 is blank
    assert.deepEqual(r.images.outcome[1], 'zero');
    assert.equal(r.images.kept[1], 0);
    assert.ok(!Array.from(r.patches.image).includes(24));
    assert.equal(r.images.outcome[0], 'ok');
  });

  it('records images whose heatmap is not finite (NaN weights) without failing', async () => {
    const bad = tinyModel(2);
    const conv = bad.getLayer('feat');
    const [kernel, bias] = conv.getWeights();
    const nanKernel = tf.fill(kernel.shape, NaN);
    conv.setWeights([nanKernel, bias]);
    nanKernel.dispose();
    const s = splitModel(bad, 'feat');
    try {
      const before = tf.memory().numTensors;
      const r = await extractBatch(s, batch(0, 3), {});
      assert.equal(tf.memory().numTensors, before);
      assert.deepEqual(r.images.outcome, ['nonFinite', 'nonFinite', 'nonFinite']);
      assert.deepEqual(Array.from(r.images.kept), [0, 0, 0]);
      assert.equal(r.patches.patch.length, 0);
      assert.equal(r.scores.length, 0);
    } finally {
      s.dispose();
      bad.dispose();
    }
  });

  it('supports the dense + NMS sampler', async () => {
    const r = await extractBatch(split, batch(0, 3), { sampler: 'dense-nms', patch: { stride: 1 } });
    assert.ok(r.patches.patch.length >= 3);
    await assert.rejects(() => extractBatch(split, batch(0, 1), { sampler: 'nope' }), /unknown patch sampler 'nope'; known: monte-carlo, dense-nms/);
  });
});
