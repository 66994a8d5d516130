import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { cacheActivations } from '../../src/ablation/activation-cache';
import { createFullModelEvaluator, layerChannelCount, predictWithChannelMask, runWithMask } from '../../src/ablation/full-model';
import { createHeadEvaluator } from '../../src/ablation/head-evaluator';
import { indexRange, indexedImagesFromTensor } from '../../src/ablation/images';
import { maskMatrix } from '../../src/ablation/mask';
import { splitModel } from '../../src/graph/split';
import { buildResnetSmall } from '../../src/models/resnet-small';
import { buildVggSmall } from '../../src/models/vgg-small';
import { rng } from '../../src/util/rng';
import { assertArraysClose, maxAbsDiff } from '../helpers';

/** Random batch-norm statistics, so that inference mode (moving statistics) matters. */
function randomiseBatchNorm(model: tf.LayersModel, seed: number): void {
  const r = rng(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const fresh = layer.weights.map((w) => {
      const shape = w.shape as number[];
      const v = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal());
      return tf.tensor(w.name.includes('variance') ? v.map((x) => 0.5 + Math.abs(x)) : w.name.includes('gamma') ? v.map((x) => 1 + 0.2 * x) : v.map((x) => 0.3 * x), shape);
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

function images(n: number, seed: number): tf.Tensor4D {
  const r = rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * 28 * 28 }, () => r.next()), [n, 28, 28, 1]);
}

/** Masks: none, a few single channels, a random half, all channels. */
function someMasks(F: number, seed: number): number[][] {
  const r = rng(seed);
  return [[], [0], [F - 1], Array.from({ length: F }, (_, i) => i).filter(() => r.next() < 0.5), Array.from({ length: F }, (_, i) => i)];
}

describe('ablation/split-mask (tfjs)', () => {
  before(async () => { await tf.setBackend('cpu'); });

  const cases: Array<[string, () => tf.LayersModel, string]> = [
    ['VGG-style', () => buildVggSmall({ width: 0.25, seed: 3 }), 'block3_conv2'],
    ['VGG-style', () => buildVggSmall({ width: 0.25, seed: 3 }), 'block2_pool'],
    ['ResNet-style', () => buildResnetSmall({ width: 0.25, seed: 4 }), 'conv3_block2_out'],
    ['ResNet-style (inside a residual block: a skip tensor crosses the cut)', () => buildResnetSmall({ width: 0.25, seed: 4 }), 'conv3_block2_2_relu'],
    ['ResNet-style (first stage)', () => buildResnetSmall({ width: 0.25, seed: 4 }), 'conv2_block1_1_relu'],
  ];

  for (const [what, build, layer] of cases) {
    it(`split-and-mask gives the logits of masking inside the full model: ${what} at ${layer}`, async () => {
      const model = build();
      randomiseBatchNorm(model, 9);
      const x = images(5, 1);
      const split = splitModel(model, layer);
      const cache = await cacheActivations(split, layer, indexedImagesFromTensor(x), { batchSize: 2 });
      if (layer === 'conv3_block2_2_relu') assert.equal(cache.skips.length, 1);
      const F = layerChannelCount(model, layer);
      const lists = someMasks(F, 2);
      const ev = createHeadEvaluator(split.head, cache, [0, 1, 2, 3, 4], { batchSize: 7 });
      // Every (mask, image) pair in one call, masks and images interleaved.
      const pairs = { mask: new Int32Array(lists.length * 5), image: new Int32Array(lists.length * 5) };
      for (let t = 0; t < pairs.mask.length; t++) { pairs.mask[t] = t % lists.length; pairs.image[t] = Math.floor(t / lists.length); }
      const fast = await ev.logits(maskMatrix(lists, F), pairs);
      // The masks matter (guards against both paths ignoring them): ablating every channel moves the logits.
      assert.ok(maxAbsDiff(fast.subarray(0, 10), fast.subarray(40, 50)) > 1e-3);
      for (let m = 0; m < lists.length; m++) {
        const ref = predictWithChannelMask(model, layer, lists[m], x);
        const refData = await ref.data();
        ref.dispose();
        for (let i = 0; i < 5; i++) {
          const t = i * lists.length + m;
          assertArraysClose(fast.subarray(t * 10, (t + 1) * 10), refData.subarray(i * 10, (i + 1) * 10), 1e-4, 1e-4, `mask ${m} image ${i}`);
        }
      }
      ev.dispose();
      split.dispose();
      x.dispose();
      model.dispose();
    });
  }

  it('the reference path is the model itself without a mask, and a hand-computed GAP+dense head with one', async () => {
    const model = buildVggSmall({ width: 0.25, seed: 5 });
    const x = images(3, 4);
    const plain = model.predict(x) as tf.Tensor;
    const none = predictWithChannelMask(model, 'block3_conv2', [], x);
    assertArraysClose(await none.data(), await plain.data(), 1e-5);
    // Independent: A = activations at block3_conv2 (tfjs's own executor), logits = mean_s(A * m) W + b.
    const F = layerChannelCount(model, 'block3_conv2');
    const drop = [1, 4, 7];
    const A = model.execute(x, (model.getLayer('block3_conv2').output as tf.SymbolicTensor).name) as tf.Tensor4D;
    const [W, b] = model.getLayer('logits').getWeights(); // the layer's own variables: not disposed here
    const mask = tf.tensor1d(Array.from({ length: F }, (_, f) => (drop.includes(f) ? 0 : 1)));
    const expected = tf.tidy(() => tf.add(tf.matMul(tf.mean(tf.mul(A, mask), [1, 2]) as tf.Tensor2D, W as tf.Tensor2D), b));
    const got = predictWithChannelMask(model, 'block3_conv2', drop, x);
    assertArraysClose(await got.data(), await expected.data(), 1e-5);
    assert.ok(tf.util.arraysEqual(got.shape, [3, 10]));
    // A per-image mask [batch, F] equals the per-mask runs.
    const perImage = tf.tensor2d([...Array(F).fill(1), ...Array.from({ length: F }, (_, f) => (drop.includes(f) ? 0 : 1)), ...Array(F).fill(1)], [3, F]);
    const mixed = runWithMask(model, 'block3_conv2', perImage, x);
    const md = await mixed.data(), pd = await plain.data(), gd = await got.data();
    assertArraysClose(md.subarray(10, 20), gd.subarray(10, 20), 1e-5);
    assertArraysClose(md.subarray(20, 30), pd.subarray(20, 30), 1e-5);
    tf.dispose([plain, none, A, mask, expected, got, perImage, mixed, x]);
    model.dispose();
  });

  it('the naive full-model evaluator and the fast head evaluator agree on scores', async () => {
    const model = buildResnetSmall({ width: 0.25, seed: 6 });
    randomiseBatchNorm(model, 1);
    const x = images(6, 8);
    const labels = [0, 1, 2, 3, 4, 5];
    const layer = 'conv3_block2_2_relu';
    const split = splitModel(model, layer);
    const fast = createHeadEvaluator(split.head, await cacheActivations(split, layer, indexedImagesFromTensor(x)), labels);
    const naive = createFullModelEvaluator(model, layer, indexedImagesFromTensor(x), labels, { batchSize: 4 });
    const F = fast.channelCount;
    const masks = maskMatrix(someMasks(F, 3), F);
    const pairs = { mask: Int32Array.from({ length: 30 }, (_, t) => t % 5), image: Int32Array.from({ length: 30 }, (_, t) => (t * 7) % 6) };
    const a = await fast.evaluate(masks, pairs), b = await naive.evaluate(masks, pairs);
    assert.deepEqual(a.correct, b.correct);
    assertArraysClose(a.trueProb, b.trueProb, 1e-5);
    fast.dispose(); split.dispose(); x.dispose(); model.dispose();
  });

  it('does not grow the tensor count', async () => {
    const model = buildVggSmall({ width: 0.25, seed: 1 });
    const x = images(4, 2);
    const split = splitModel(model, 'block3_conv2');
    const before = tf.memory().numTensors;
    for (let rep = 0; rep < 2; rep++) {
      const cache = await cacheActivations(split, 'block3_conv2', indexedImagesFromTensor(x), { batchSize: 3 });
      const ev = createHeadEvaluator(split.head, cache, [0, 1, 2, 3], { batchSize: 3 });
      await ev.evaluate(maskMatrix([[0], [1, 2]], 32), { mask: Int32Array.from([0, 1, 0, 1, 1]), image: indexRange(0, 5).map((i) => i % 4) });
      ev.dispose();
      predictWithChannelMask(model, 'block3_conv2', [3], x).dispose();
      const naive = createFullModelEvaluator(model, 'block3_conv2', indexedImagesFromTensor(x), [0, 1, 2, 3]);
      await naive.evaluate(maskMatrix([[0]], 32), { mask: Int32Array.from([0, 0]), image: Int32Array.from([1, 3]) });
    }
    assert.equal(tf.memory().numTensors, before);
    split.dispose(); x.dispose(); model.dispose();
  });

  it('errors: unknown layer lists valid layers, bad channels name the index and channel count, empty = nothing', async () => {
    const model = buildVggSmall({ width: 0.25, seed: 1 });
    const x = images(2, 3);
    assert.throws(() => predictWithChannelMask(model, 'block9_conv1', [0], x), /unknown layer 'block9_conv1' .*valid layers: .*block3_conv2/);
    assert.throws(() => createFullModelEvaluator(model, 'nope', indexedImagesFromTensor(x), [0, 1]), /unknown layer 'nope'/);
    assert.throws(() => predictWithChannelMask(model, 'block3_conv2', [32], x), /channel index 32 \(position 0\) is out of range; layer 'block3_conv2' has 32 channels \(0\.\.31\)/);
    assert.throws(() => predictWithChannelMask(model, 'block3_conv2', [2.5], x), /channel index 2\.5 .*not an integer; layer 'block3_conv2' has 32 channels/);
    assert.throws(() => runWithMask(model, 'block3_conv2', tf.ones([5]), x), /mask of shape \[5\] does not fit layer 'block3_conv2' with 32 channels/);
    const split = splitModel(model, 'block3_conv2');
    const ev = createHeadEvaluator(split.head, await cacheActivations(split, 'block3_conv2', indexedImagesFromTensor(x)), [0, 1]);
    const a = await ev.logits(maskMatrix([[]], 32), { mask: Int32Array.from([0, 0]), image: Int32Array.from([0, 1]) });
    const plain = model.predict(x) as tf.Tensor;
    assertArraysClose(a, await plain.data(), 1e-5);
    const cache = await cacheActivations(split, 'block3_conv2', indexedImagesFromTensor(x));
    assert.throws(() => createHeadEvaluator(split.head, cache, [0]), /1 labels for 2 cached images/);
    ev.dispose();
    await assert.rejects(ev.evaluate(maskMatrix([[]], 32), { mask: Int32Array.from([0]), image: Int32Array.from([0]) }), /disposed/);
    tf.dispose([plain, x]); split.dispose(); model.dispose();
  });
});
