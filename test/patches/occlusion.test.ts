import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { faithfulPatches } from '../../src/patches/occlusion';
import type { PatchWindow } from '../../src/patches/heatmap';
import { rng } from '../../src/util/rng';

describe('patches/occlusion', () => {
  before(async () => { await tf.setBackend('cpu'); });

  // A linear "model" on 2x2 one-channel images: class 0 logit = sum of pixels, class 1 = first pixel.
  const weights = tf.tensor2d([[1, 1], [1, 0], [1, 0], [1, 0]]);
  after(() => weights.dispose());
  const logits = (x: tf.Tensor4D) => tf.matMul(x.reshape([x.shape[0], 4]), weights) as tf.Tensor2D;
  const win = (x: number, y: number): PatchWindow => ({ x, y, size: 1, score: 1 });

  it('computes drops by hand and applies the stopping rule, with one or many forward passes', async () => {
    const images = Float32Array.of(4, 3, 2, 1, /* image 2 */ 1, 1, 1, 1);
    const windows = [[win(0, 0), win(1, 0), win(1, 1)], [win(1, 1)]];
    const before = tf.memory().numTensors;
    for (const [maxBatch, lookahead] of [[1, 1], [3, 2], [100, Infinity]]) {
      const res = await faithfulPatches(logits, images, [2, 2, 2, 1], windows, [0, 0], { maxBatch, lookahead });
      // image 1: original 10; occluded sums 6, 3, 2 -> drops 0.4, 0.7, 0.8 -> increments 0.4, 0.3, 0.1 -> keep 3
      assert.deepEqual(Array.from(res[0].drops).map((d) => +d.toFixed(6)), [0.4, 0.7, 0.8]);
      assert.equal(res[0].keep, 3);
      assert.equal(res[0].originalLogit, 10);
      // image 2: original 4; occluded 3 -> drop 0.25 -> keep 1
      assert.deepEqual(Array.from(res[1].drops), [0.25]);
      assert.equal(res[1].keep, 1);
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('uses given original logits and tracks the requested class; images are not modified', async () => {
    const images = Float32Array.of(4, 3, 2, 1);
    const copy = Float32Array.from(images);
    const res = await faithfulPatches(logits, images, [1, 2, 2, 1], [[win(1, 0), win(0, 0)]], [1], { originalLogits: [8] });
    // class 1 = first pixel: 4 after occluding (1,0), 0 after also occluding (0,0); original given as 8
    assert.deepEqual(Array.from(res[0].drops), [0.5, 1]);
    assert.equal(res[0].keep, 2);
    assert.deepEqual(images, copy);
  });

  it('evaluates lazily: stops occluding once the rule has decided, with the same result as evaluating all', async () => {
    const r = rng(4);
    const n = 12;
    const images = Float32Array.from({ length: n * 4 }, () => r.next());
    const windows = Array.from({ length: n }, () => Array.from({ length: 1 + r.int(4) }, () => win(r.int(2), r.int(2))));
    const all = await faithfulPatches(logits, images, [n, 2, 2, 1], windows, Array(n).fill(0), { lookahead: Infinity });
    const lazy = await faithfulPatches(logits, images, [n, 2, 2, 1], windows, Array(n).fill(0), { lookahead: 1 });
    let saved = 0;
    for (let b = 0; b < n; b++) {
      assert.equal(lazy[b].keep, all[b].keep);
      assert.deepEqual(Array.from(lazy[b].drops), Array.from(all[b].drops.subarray(0, lazy[b].drops.length)));
      assert.ok(lazy[b].drops.length >= lazy[b].keep);
      saved += all[b].drops.length - lazy[b].drops.length;
    }
    assert.ok(saved > 0, 'some occlusions should have been skipped');
  });

  it('handles images without candidate windows', async () => {
    const res = await faithfulPatches(logits, Float32Array.of(1, 1, 1, 1), [1, 2, 2, 1], [[]], [0]);
    assert.equal(res[0].keep, 0);
    assert.equal(res[0].drops.length, 0);
  });
});
