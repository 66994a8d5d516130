import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { loadFashionMnist, type ImageSet } from '../../src/data/fashion-mnist';
import { trainModel } from '../../src/models/train';
import { buildVggSmall } from '../../src/models/vgg-small';

async function weightsOf(model: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map((w) => w.read().data() as Promise<Float32Array>));
}

function sameWeights(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((w, i) => w.length === b[i].length && w.every((v, j) => v === b[i][j]));
}

describe('models/train', () => {
  let set: ImageSet;
  before(async () => {
    await selectBackend('wasm');
    set = loadFashionMnist('train', { limit: 256 });
  });

  it('two runs with the same seed give identical weights; another seed differs (vgg-small, 256 images)', async () => {
    await selectBackend('wasm');
    const labels = set.labels.slice();
    const before = tf.memory().numTensors;
    const run = async (seed: number) => {
      const r = await trainModel(set, { architecture: 'vgg-small', seed, epochs: 1, batchSize: 64, width: 0.5, progress: null });
      const w = await weightsOf(r.model);
      assert.equal(r.history.length, 1);
      assert.ok(Number.isFinite(r.history[0].loss));
      r.model.dispose();
      return w;
    };
    const a = await run(1), b = await run(1), c = await run(2);
    assert.ok(sameWeights(a, b), 'same seed, same weights');
    assert.ok(!sameWeights(a, c), 'different seed, different weights');
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(set.labels, labels); // input not modified
  });

  it('is repeatable with batch norm too (resnet-small, 128 images, moving statistics included)', async () => {
    await selectBackend('wasm');
    const small = { ...set, n: 128, images: set.images.subarray(0, 128 * 784), labels: set.labels.subarray(0, 128) };
    const run = async () => {
      const r = await trainModel(small, { architecture: 'resnet-small', seed: 3, epochs: 1, batchSize: 64, width: 0.25, progress: null });
      const w = await weightsOf(r.model);
      r.model.dispose();
      return w;
    };
    assert.ok(sameWeights(await run(), await run()));
  });

  it('learns: loss falls over a few epochs on a small set', async () => {
    await selectBackend('wasm');
    const r = await trainModel(set, { architecture: 'vgg-small', seed: 1, epochs: 3, batchSize: 16, width: 0.5, augment: false, learningRate: 3e-3, progress: null });
    r.model.dispose();
    // The global-average-pooling head learns more slowly than a flatten head: a 10% fall in 3 short epochs.
    assert.ok(r.history[2].loss < r.history[0].loss * 0.9, `losses ${r.history.map((h) => h.loss.toFixed(3))}`);
  });

  it('initFrom: starts from the same-named layers of another model (the head that differs keeps its init)', async () => {
    const source = buildVggSmall({ width: 0.25, seed: 9, head: 'flatten' });
    const before = tf.memory().numTensors;
    const r = await trainModel(set, { architecture: 'vgg-small', width: 0.25, seed: 1, epochs: 1, batchSize: 64, learningRate: 1e-12, progress: null, initFrom: source });
    try {
      assert.deepEqual(r.initializedLayers, ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block3_conv2']);
      // With a negligible learning rate the copied kernel is still the source's.
      const [a, b] = [r.model.getLayer('block3_conv2').getWeights()[0], source.getLayer('block3_conv2').getWeights()[0]];
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))));
      const [d] = await diff.data();
      diff.dispose();
      assert.ok(d < 1e-6, `block3_conv2 moved by ${d}`);
    } finally {
      r.model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    source.dispose();
    const other = buildVggSmall({ width: 0.5, seed: 1, head: 'flatten' });
    await assert.rejects(trainModel(set, { architecture: 'resnet-small', width: 0.25, epochs: 1, progress: null, initFrom: other }), /has no layer with the name and weight shapes/);
    other.dispose();
  });

  it('refuses bad options with a clear message', async () => {
    await assert.rejects(trainModel(set, { epochs: 0, progress: null }), /trainModel: epochs must be a positive integer, got 0/);
    await assert.rejects(trainModel(set, { architecture: 'alexnet', progress: null }), /unknown model architecture 'alexnet'/);
  });
});
