import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { cacheActivations } from '../../src/ablation/tf/activation-cache';
import { createFullModelEvaluator, layerChannelCount, predictWithChannelMask, runWithMask } from '../../src/ablation/tf/full-model';
import { affineHeadProblem, createHeadEvaluator, type HeadStrategy } from '../../src/ablation/tf/head-evaluator';
import { indexRange, indexedImagesFromTensor } from '../../src/ablation/tf/images';
import { maskMatrix } from '../../src/ablation/core/mask';
import { splitModel } from '../../src/graph/split';
import { getArchitecture } from '../../src/models/registry';
import { rng } from '../../src/util/rng';
import { assertArraysClose, maxAbsDiff } from '../helpers';
import { randomiseBatchNorm, resnetLike, testImages, vggLike } from './nets';

/** Masks: none, single channels, a random half, all channels. */
function someMasks(F: number, seed: number): number[][] {
  const r = rng(seed);
  return [[], [0], [F - 1], Array.from({ length: F }, (_, i) => i).filter(() => r.next() < 0.5), Array.from({ length: F }, (_, i) => i)];
}

/** Checks the fast path (given strategy) against masking inside the full model, all masks x images in one call. */
async function checkSplitAgainstFull(model: tf.LayersModel, layer: string, x: tf.Tensor4D, strategy: HeadStrategy): Promise<string> {
  const n = x.shape[0];
  const split = splitModel(model, layer);
  const cache = await cacheActivations(split, layer, indexedImagesFromTensor(x), { batchSize: 2 });
  const F = layerChannelCount(model, layer);
  const lists = someMasks(F, 2);
  const ev = await createHeadEvaluator(split.head, cache, new Array(n).fill(0), { strategy, batchSize: 7 });
  const M = lists.length;
  const pairs = { mask: Int32Array.from({ length: M * n }, (_, t) => t % M), image: Int32Array.from({ length: M * n }, (_, t) => Math.floor(t / M)) };
  const fast = await ev.logits(maskMatrix(lists, F), pairs);
  const K = ev.numClasses;
  // The masks matter (guards against both paths ignoring them): ablating every channel moves the logits.
  assert.ok(maxAbsDiff(fast.subarray(0, K), fast.subarray((M - 1) * K, M * K)) > 1e-3);
  for (let m = 0; m < M; m++) {
    const ref = predictWithChannelMask(model, layer, lists[m], x);
    const refData = await ref.data();
    ref.dispose();
    for (let i = 0; i < n; i++) {
      const t = i * M + m;
      assertArraysClose(fast.subarray(t * K, (t + 1) * K), refData.subarray(i * K, (i + 1) * K), 1e-4, 1e-4, `${layer} ${ev.strategy} mask ${m} image ${i}`);
    }
  }
  ev.dispose();
  split.dispose();
  return ev.strategy;
}

describe('ablation/split-mask (tfjs)', () => {
  before(async () => { await tf.setBackend('cpu'); });

  const cases: Array<[string, () => tf.LayersModel, string, 'affine' | 'generic']> = [
    ['VGG-style, flatten head', () => vggLike(3), 'c3', 'affine'],
    ['VGG-style, GAP head', () => vggLike(3, 'gap'), 'c3', 'affine'],
    ['VGG-style, mid network', () => vggLike(3), 'p1', 'generic'],
    ['ResNet-style, last block output', () => resnetLike(4), 'b2_out', 'affine'],
    ['ResNet-style, inside a residual block (a skip crosses the cut)', () => resnetLike(4), 'b2_2_relu', 'generic'],
    ['ResNet-style, first block', () => resnetLike(4), 'b1_1_relu', 'generic'],
  ];
  for (const [what, build, layer, auto] of cases) {
    it(`split-and-mask logits equal masking inside the full model: ${what} (${layer})`, async () => {
      const model = build();
      const x = testImages(4, 1);
      assert.equal(await checkSplitAgainstFull(model, layer, x, 'generic'), 'generic');
      assert.equal(await checkSplitAgainstFull(model, layer, x, 'auto'), auto);
      x.dispose();
      model.dispose();
    });
  }

  for (const name of ['vgg-small', 'resnet-small']) {
    it(`split-and-mask logits equal masking inside the full model: registered ${name} at its analysis layer`, async () => {
      const arch = getArchitecture(name);
      const model = arch.build({ width: 0.25, seed: 2 });
      randomiseBatchNorm(model, 5);
      const x = testImages(3, 2, arch.inputShape[0]);
      await checkSplitAgainstFull(model, arch.analysisLayer, x, 'generic');
      await checkSplitAgainstFull(model, arch.analysisLayer, x, 'auto');
      x.dispose();
      model.dispose();
    });
  }

  it('the reference path equals the model without a mask, and a hand-computed GAP+dense head with one', async () => {
    const model = vggLike(5, 'gap');
    const x = testImages(3, 4);
    const plain = model.predict(x) as tf.Tensor;
    const none = predictWithChannelMask(model, 'c3', [], x);
    assertArraysClose(await none.data(), await plain.data(), 1e-5);
    // Independent: A = activations at c3 (tfjs's own executor), logits = mean_s(A * m) W + b.
    const drop = [1, 4, 7];
    const A = model.execute(x, (model.getLayer('c3').output as tf.SymbolicTensor).name) as tf.Tensor4D;
    const [W, b] = model.getLayer('logits').getWeights(); // the layer's own variables: not disposed here
    const mask = tf.tensor1d(Array.from({ length: 8 }, (_, f) => (drop.includes(f) ? 0 : 1)));
    const expected = tf.tidy(() => tf.add(tf.matMul(tf.mean(tf.mul(A, mask), [1, 2]) as tf.Tensor2D, W as tf.Tensor2D), b));
    const got = predictWithChannelMask(model, 'c3', drop, x);
    assertArraysClose(await got.data(), await expected.data(), 1e-5);
    assert.ok(maxAbsDiff(await got.data(), await plain.data()) > 1e-3);
    // A per-image mask [batch, F] equals the per-mask runs.
    const perImage = tf.tensor2d([...Array(8).fill(1), ...Array.from({ length: 8 }, (_, f) => (drop.includes(f) ? 0 : 1)), ...Array(8).fill(1)], [3, 8]);
    const mixed = runWithMask(model, 'c3', perImage, x);
    const md = await mixed.data(), pd = await plain.data(), gd = await got.data();
    assertArraysClose(md.subarray(5, 10), gd.subarray(5, 10), 1e-5);
    assertArraysClose(md.subarray(10, 15), pd.subarray(10, 15), 1e-5);
    tf.dispose([plain, none, A, mask, expected, got, perImage, mixed, x]);
    model.dispose();
  });

  it('the naive full-model evaluator and the fast head evaluator agree on scores', async () => {
    const model = resnetLike(6);
    const x = testImages(6, 8);
    const labels = [0, 1, 2, 3, 4, 0];
    for (const layer of ['b2_2_relu', 'b2_out']) {
      const split = splitModel(model, layer);
      const fast = await createHeadEvaluator(split.head, await cacheActivations(split, layer, indexedImagesFromTensor(x)), labels);
      const naive = createFullModelEvaluator(model, layer, indexedImagesFromTensor(x), labels, { batchSize: 4 });
      const F = fast.channelCount;
      const masks = maskMatrix(someMasks(F, 3), F);
      const pairs = { mask: Int32Array.from({ length: 30 }, (_, t) => t % 5), image: Int32Array.from({ length: 30 }, (_, t) => (t * 7) % 6) };
      const a = await fast.evaluate(masks, pairs), b = await naive.evaluate(masks, pairs);
      assert.deepEqual(a.correct, b.correct);
      assertArraysClose(a.trueProb, b.trueProb, 1e-5);
      fast.dispose(); split.dispose();
    }
    x.dispose(); model.dispose();
  });

  it('does not grow the tensor count', async () => {
    const model = resnetLike(1);
    const x = testImages(4, 2);
    const before = tf.memory().numTensors;
    for (let rep = 0; rep < 2; rep++) {
      for (const layer of ['b2_out', 'b2_2_relu']) {
        const split = splitModel(model, layer);
        const cache = await cacheActivations(split, layer, indexedImagesFromTensor(x), { batchSize: 3 });
        const ev = await createHeadEvaluator(split.head, cache, [0, 1, 2, 3], { batchSize: 3 });
        await ev.evaluate(maskMatrix([[0], [1, 2]], ev.channelCount), { mask: Int32Array.from([0, 1, 0, 1, 1]), image: indexRange(0, 5).map((i) => i % 4) });
        ev.dispose();
        split.dispose();
        predictWithChannelMask(model, layer, [3], x).dispose();
        const naive = createFullModelEvaluator(model, layer, indexedImagesFromTensor(x), [0, 1, 2, 3]);
        await naive.evaluate(maskMatrix([[0]], naive.channelCount), { mask: Int32Array.from([0, 0]), image: Int32Array.from([1, 3]) });
      }
    }
    assert.equal(tf.memory().numTensors, before);
    x.dispose(); model.dispose();
  });

  it('errors: unknown layer lists valid layers, bad channels name the index and channel count, empty = nothing', async () => {
    const model = vggLike(1);
    const x = testImages(2, 3);
    assert.throws(() => predictWithChannelMask(model, 'c9', [0], x), /unknown layer 'c9' in model 'vgg_like_flatten'; valid layers: input, c1, p1, c2, c3, flatten, logits/);
    assert.throws(() => createFullModelEvaluator(model, 'nope', indexedImagesFromTensor(x), [0, 1]), /unknown layer 'nope'/);
    assert.throws(() => predictWithChannelMask(model, 'c3', [8], x), /channel index 8 \(position 0\) is out of range; layer 'c3' has 8 channels \(0\.\.7\)/);
    assert.throws(() => predictWithChannelMask(model, 'c3', [0, 2.5], x), /channel index 2\.5 \(position 1\) is not an integer; layer 'c3' has 8 channels/);
    assert.throws(() => runWithMask(model, 'c3', tf.ones([5]), x), /mask of shape \[5\] does not fit layer 'c3' with 8 channels/);
    const split = splitModel(model, 'c3');
    const cache = await cacheActivations(split, 'c3', indexedImagesFromTensor(x));
    for (const strategy of ['affine', 'generic'] as const) {
      const ev = await createHeadEvaluator(split.head, cache, [0, 1], { strategy });
      const a = await ev.logits(maskMatrix([[]], 8), { mask: Int32Array.from([0, 0]), image: Int32Array.from([0, 1]) });
      const plain = model.predict(x) as tf.Tensor;
      assertArraysClose(a, await plain.data(), 1e-5);
      plain.dispose();
      ev.dispose();
      await assert.rejects(ev.evaluate(maskMatrix([[]], 8), { mask: Int32Array.from([0]), image: Int32Array.from([0]) }), /disposed/);
    }
    await assert.rejects(createHeadEvaluator(split.head, cache, [0]), /1 labels for 2 cached images/);
    split.dispose();
    const inner = splitModel(model, 'p1');
    assert.match(affineHeadProblem(inner.head) ?? '', /layer 'c2' \(Conv2D\) has activation 'relu'/);
    const innerCache = await cacheActivations(inner, 'p1', indexedImagesFromTensor(x));
    await assert.rejects(createHeadEvaluator(inner.head, innerCache, [0, 1], { strategy: 'affine' }), /strategy 'affine' needs an affine head, but layer 'c2' \(Conv2D\) has activation 'relu'/);
    inner.dispose();
    x.dispose(); model.dispose();
  });
});
