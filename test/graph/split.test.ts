import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { splitModel, activationsAt, headLogits, spatialLayerNames } from '../../src/graph/split';
import { assertArraysClose, maxAbsDiff } from '../helpers';
import { buildTestResnet50, buildTestVgg16, randomImages } from './builders';
import { selectBackend } from '../../src/backend';

/** Pre-softmax logits of a model ending in Dense(softmax), computed independently of splitModel. */
function referenceLogits(model: tf.LayersModel, x: tf.Tensor4D): Float32Array {
  return tf.tidy(() => {
    const last = model.layers[model.layers.length - 1];
    const features = tf.model({ inputs: model.inputs, outputs: model.layers[model.layers.length - 2].output as tf.SymbolicTensor });
    const [kernel, bias] = last.getWeights();
    return tf.add(tf.matMul(features.predict(x) as tf.Tensor2D, kernel as tf.Tensor2D), bias).dataSync() as Float32Array;
  });
}

/** Runs body then head and returns logits. */
function splitLogits(model: tf.LayersModel, layer: string, x: tf.Tensor4D): { logits: Float32Array; skips: string[] } {
  const split = splitModel(model, layer);
  try {
    const logits = tf.tidy(() => {
      const { activation, skips } = activationsAt(split, x);
      return headLogits(split, activation, skips).dataSync() as Float32Array;
    });
    return { logits, skips: [...split.skipNames] };
  } finally {
    split.dispose();
  }
}

function assertLogitsMatch(actual: Float32Array, expected: Float32Array, what: string): void {
  const scale = Math.max(1e-6, ...Array.from(expected, Math.abs));
  assert.ok(maxAbsDiff(actual, expected) <= 1e-4 * scale + 1e-5, `${what}: max |diff| ${maxAbsDiff(actual, expected)} (scale ${scale})`);
}

/** The split at each layer gives the full model's logits on one seeded random image. */
function assertSplitsReproduce(model: tf.LayersModel, size: number, seed: number, layers: readonly string[], o: { noSkips?: boolean } = {}): void {
  const x = randomImages(1, size, 3, seed);
  const ref = referenceLogits(model, x);
  for (const layer of layers) {
    const { logits, skips } = splitLogits(model, layer, x);
    if (o.noSkips) assert.deepEqual(skips, [], `${layer}: no skip tensors`);
    assertLogitsMatch(logits, ref, layer);
  }
  x.dispose();
}

/** Runs the enclosing describe's tests on wasm (about 30x faster than cpu for the full-size topologies), then back on cpu. */
function onWasm(): void {
  before(async () => { await selectBackend('wasm'); });
  after(async () => { await tf.setBackend('cpu'); });
}

describe('graph/split', () => {
  before(async () => { await tf.setBackend('cpu'); });

  describe('on a narrow ResNet50 topology (width 1/16, 32x32)', () => {
    let model: tf.LayersModel;
    let x: tf.Tensor4D;
    let ref: Float32Array;
    before(() => {
      model = buildTestResnet50({ width: 1 / 16, inputSize: 32, seed: 3 });
      x = randomImages(3, 32);
      ref = referenceLogits(model, x);
    });
    after(() => { model.dispose(); x.dispose(); });

    it('reproduces the logits at conv5_block3_out, with no skip', () => {
      const { logits, skips } = splitLogits(model, 'conv5_block3_out', x);
      assert.deepEqual(skips, []);
      assertLogitsMatch(logits, ref, 'conv5_block3_out');
    });

    it('reproduces the logits inside a residual block, the shortcut becoming a head input', () => {
      for (const [layer, skip] of [['conv4_block2_2_conv', 'conv4_block1_out'], ['conv4_block3_1_relu', 'conv4_block2_out']]) {
        const { logits, skips } = splitLogits(model, layer, x);
        assert.deepEqual(skips, [skip], layer);
        assertLogitsMatch(logits, ref, layer);
      }
    });

    it('cuts on a projection shortcut: the main branch becomes the skip', () => {
      const { logits, skips } = splitLogits(model, 'conv3_block1_0_bn', x);
      assert.deepEqual(skips, ['conv3_block1_3_bn']);
      assertLogitsMatch(logits, ref, 'conv3_block1_0_bn');
    });

    it('softmax of the head logits equals the model output (softmax stripped, not lost)', () => {
      const split = splitModel(model, 'conv5_block2_out');
      const [viaHead, full] = tf.tidy(() => {
        const { activation, skips } = activationsAt(split, x);
        return [tf.softmax(headLogits(split, activation, skips)).dataSync(), (model.predict(x) as tf.Tensor).dataSync()];
      });
      split.dispose();
      assert.equal(split.strippedSoftmax, true);
      assertArraysClose(viaHead, full, 1e-5, 1e-4, 'probabilities');
    });

    it('shares the layers (and so the weights) instead of copying them', () => {
      const before = tf.memory().numTensors;
      const split = splitModel(model, 'conv4_block3_out');
      assert.equal(tf.memory().numTensors, before, 'splitting allocates no tensor');
      assert.equal(split.head.getLayer('conv5_block1_1_conv'), model.getLayer('conv5_block1_1_conv'));
      assert.equal(split.body.getLayer('conv2_block1_1_conv'), model.getLayer('conv2_block1_1_conv'));
      split.dispose();
    });

    it('dispose leaves the model intact and the tensor count unchanged', () => {
      const before = tf.memory().numTensors;
      const out0 = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
      const split = splitModel(model, 'conv4_block2_2_conv');
      tf.tidy(() => { const { activation, skips } = activationsAt(split, x); headLogits(split, activation, skips); });
      split.dispose();
      split.dispose(); // idempotent
      assert.equal(tf.memory().numTensors, before);
      assert.equal(split.disposed, true);
      assert.throws(() => activationsAt(split, x), /disposed/);
      // single-use layers have a single inbound node again
      assert.doesNotThrow(() => model.getLayer('conv5_block3_out').output);
      const out1 = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
      assertArraysClose(out1, out0, 0, 0, 'model output after split');
    });

    it('two live splits of one model work independently', () => {
      const a = splitModel(model, 'conv5_block3_out');
      const b = splitModel(model, 'conv4_block2_2_conv');
      a.dispose(); // removing a's nodes must not break b
      const logits = tf.tidy(() => {
        const { activation, skips } = activationsAt(b, x);
        return headLogits(b, activation, skips).dataSync() as Float32Array;
      });
      b.dispose();
      assertLogitsMatch(logits, ref, 'second split');
    });

    it('does not modify its inputs', () => {
      const split = splitModel(model, 'conv5_block3_out');
      const x0 = x.dataSync().slice();
      tf.tidy(() => {
        const { activation, skips } = activationsAt(split, x);
        const a0 = activation.dataSync().slice();
        headLogits(split, activation, skips);
        assertArraysClose(activation.dataSync(), a0, 0, 0, 'activation');
      });
      split.dispose();
      assertArraysClose(x.dataSync(), x0, 0, 0, 'images');
    });

    it('an unknown layer is an error listing the spatial layer names', () => {
      assert.throws(() => splitModel(model, 'conv9_block1_out'), (e: Error) =>
        /no layer named 'conv9_block1_out'/.test(e.message) && /conv5_block3_out/.test(e.message) && /conv1_conv/.test(e.message) && !/predictions/.test(e.message));
    });

    it('a non-spatial layer is an error listing the spatial layer names', () => {
      assert.throws(() => splitModel(model, 'avg_pool'), /'avg_pool' has output shape \[null,\d+\], not a spatial \(4-D\) one; .*conv5_block3_out/);
      assert.throws(() => splitModel(model, 'input_1'), /is the model's input layer, which has no filters to explain/);
    });

    it('spatialLayerNames lists 4-D layers in topological order', () => {
      const names = spatialLayerNames(model);
      assert.equal(names[0], 'conv1_pad');
      assert.equal(names[names.length - 1], 'conv5_block3_out');
      assert.ok(!names.includes('avg_pool') && !names.includes('input_1'));
      assert.ok(names.indexOf('conv4_block1_out') < names.indexOf('conv4_block2_1_conv'));
    });

    it('a wrong number of skips is an error naming them', () => {
      const split = splitModel(model, 'conv4_block2_2_conv');
      try {
        tf.tidy(() => {
          const { activation } = activationsAt(split, x);
          assert.throws(() => headLogits(split, activation, []), /needs 1 skip tensor\(s\) \(conv4_block1_out\), got 0/);
        });
      } finally { split.dispose(); }
    });
  });

  // The full-size topologies run on wasm (about 30x faster than cpu); the graph logic is the same.
  describe('on the real ResNet50 topology at 64x64 (random weights)', function () {
    this.timeout(120000);
    onWasm();
    it('reproduces the logits at conv5_block3_out and at conv4_block2_2_conv', () => {
      const model = buildTestResnet50({ inputSize: 64, seed: 5, classes: 20 });
      assertSplitsReproduce(model, 64, 11, ['conv5_block3_out', 'conv4_block2_2_conv']);
      model.dispose();
    });
  });

  describe('on the VGG16 topology (Sequential) at 32x32', function () {
    this.timeout(60000);
    onWasm();
    it('reproduces the logits at block5_pool and block3_conv2', () => {
      const model = buildTestVgg16({ inputSize: 32, fc: 512, seed: 2 });
      assertSplitsReproduce(model, 32, 5, ['block5_pool', 'block3_conv2'], { noSkips: true });
      assert.throws(() => splitModel(model, 'fc1'), /'fc1' has output shape .* block5_pool/);
      model.dispose();
    });
  });

  describe('logits handling', () => {
    it('a model with linear logits: the head output equals the model output', () => {
      const model = buildTestVgg16({ inputSize: 32, width: 1 / 16, fc: 16, head: 'linear' });
      const x = randomImages(2, 32);
      const split = splitModel(model, 'block4_conv3');
      const [a, b] = tf.tidy(() => {
        const { activation, skips } = activationsAt(split, x);
        return [headLogits(split, activation, skips).dataSync(), (model.predict(x) as tf.Tensor).dataSync()];
      });
      assert.equal(split.strippedSoftmax, false);
      assert.equal(split.numClasses, 10);
      assert.deepEqual(split.activationShape, [4, 4, 32]);
      assertArraysClose(a, b, 1e-6, 1e-5, 'logits');
      split.dispose();
      model.dispose();
      x.dispose();
    });

    it("a final Activation('softmax') layer is skipped; logits: 'asIs' keeps it", () => {
      const model = tf.sequential({ layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, name: 'conv' }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ units: 4, name: 'logits' }),
        tf.layers.activation({ activation: 'softmax', name: 'probs' }),
      ] });
      const x = randomImages(2, 6, 2);
      const expectLogits = tf.tidy(() => (tf.model({ inputs: model.inputs, outputs: model.getLayer('logits').output as tf.SymbolicTensor }).predict(x) as tf.Tensor).dataSync());
      const probs = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
      const auto = splitModel(model, 'conv');
      const asIs = splitModel(model, 'conv', { logits: 'asIs' });
      tf.tidy(() => {
        assertArraysClose(headLogits(auto, activationsAt(auto, x).activation).dataSync(), expectLogits, 1e-6, 1e-5, 'auto');
        assertArraysClose(headLogits(asIs, activationsAt(asIs, x).activation).dataSync(), probs, 1e-6, 1e-5, 'asIs');
      });
      assert.throws(() => splitModel(model, 'conv', { logits: 'raw' as 'auto' }), /options.logits must be 'auto' or 'asIs', got raw/);
      auto.dispose(); asIs.dispose(); model.dispose(); x.dispose();
    });

    it('model.dispose() after split.dispose() frees every weight', () => {
      const before = tf.memory().numTensors;
      const model = buildTestResnet50({ width: 1 / 32, inputSize: 32 });
      const split = splitModel(model, 'conv3_block2_2_conv');
      split.dispose();
      model.dispose();
      assert.equal(tf.memory().numTensors, before);
    });
  });
});
