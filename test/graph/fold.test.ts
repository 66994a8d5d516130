import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { foldBatchNorm } from '../../src/graph/fold';
import { splitModel, activationsAt } from '../../src/graph/split';
import { assertArraysClose, maxAbsDiff } from '../helpers';
import { buildTestResnet50, buildTestVgg16, randomImages, randomizeWeights } from './builders';

function outputs(m: tf.LayersModel, x: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const out = m.predict(x);
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync() as Float32Array);
  });
}

function assertRelClose(a: Float32Array, b: Float32Array, what: string): void {
  const scale = Math.max(1e-6, ...Array.from(b, Math.abs));
  assert.ok(maxAbsDiff(a, b) <= 1e-4 * scale, `${what}: max |diff| ${maxAbsDiff(a, b)} vs scale ${scale}`);
}

describe('graph/fold', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('folds every conv+BN pair of a ResNet50 topology and fuses the following ReLUs; outputs unchanged', () => {
    const before = tf.memory().numTensors;
    const model = buildTestResnet50({ width: 1 / 16, inputSize: 32, seed: 2, head: 'linear' });
    const x = randomImages(2, 32);
    const f = foldBatchNorm(model);
    const bnCount = model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length;
    assert.equal(bnCount, 53);
    assert.equal(f.folded.length, 53);
    assert.equal(f.fusedRelu.length, 1 + 16 * 2 + 16, 'conv1_relu, the _1_relu/_2_relu of 16 blocks and their _out');
    assert.equal(f.fusedAdd.length, 16, 'every residual join');
    assert.deepEqual(f.absorbedPadding, ['conv1_pad'], 'the stem padding (pool1_pad feeds a max-pool: kept)');
    const kinds = new Set(f.model.layers.map((l) => l.getClassName()));
    for (const gone of ['BatchNormalization', 'Add', 'Activation']) assert.ok(!kinds.has(gone), `${gone} left in the folded model`);
    assert.equal(f.model.layers.filter((l) => l.getClassName() === 'ZeroPadding2D').length, 1);
    assertRelClose(outputs(f.model, x)[0], outputs(model, x)[0], 'logits');
    f.dispose();
    f.dispose();
    assertArraysClose(outputs(model, x)[0], outputs(model, x)[0], 0, 0);
    assert.doesNotThrow(() => model.getLayer('conv5_block3_out').output);
    model.dispose();
    x.dispose();
    assert.equal(tf.memory().numTensors, before, 'all weights (folded and original) freed');
  });

  it('keeps model outputs: a BN output or a conv output that is cut is not folded away', () => {
    const model = buildTestResnet50({ width: 1 / 16, inputSize: 32, seed: 4 });
    const x = randomImages(2, 32, 3, 9);
    for (const layer of ['conv4_block2_2_bn', 'conv4_block2_2_conv', 'conv4_block2_2_relu', 'conv5_block3_out']) {
      const plain = splitModel(model, layer);
      const fast = splitModel(model, layer, { foldBatchNorm: true });
      const [a, b] = tf.tidy(() => [activationsAt(plain, x), activationsAt(fast, x)].map((r) => [r.activation, ...r.skips].map((t) => t.dataSync() as Float32Array)));
      assert.equal(a.length, b.length);
      a.forEach((arr, i) => assertRelClose(b[i], arr, `${layer} output ${i}`));
      plain.dispose();
      fast.dispose();
    }
    model.dispose();
    x.dispose();
  });

  it('handles BN without centre/scale and convs without bias; leaves convs with a built-in activation alone', () => {
    const model = tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, useBias: false, name: 'c' }),
      tf.layers.batchNormalization({ center: false, scale: false, name: 'bn' }),
      tf.layers.activation({ activation: 'relu', name: 'r' }),
      tf.layers.conv2d({ filters: 2, kernelSize: 2, activation: 'relu', name: 'c2' }),
      tf.layers.batchNormalization({ name: 'bn2' }),
    ] });
    randomizeWeights(model, 3);
    const x = randomImages(2, 6, 2);
    const f = foldBatchNorm(model);
    assert.deepEqual(f.folded, ['bn']);
    assert.deepEqual(f.fusedRelu, ['r']);
    assertRelClose(outputs(f.model, x)[0], outputs(model, x)[0], 'output');
    f.dispose(); model.dispose(); x.dispose();
  });

  it('a split with foldBatchNorm folds the head too and gives the same logits and input gradient at an inner layer', () => {
    const model = buildTestResnet50({ width: 1 / 16, inputSize: 32, seed: 8 });
    randomizeWeights(model, 8);
    const x = randomImages(2, 32, 3, 4);
    const results = [false, true].map((fold) => {
      const split = splitModel(model, 'conv4_block2_out', { foldBatchNorm: fold });
      const kinds = split.head.layers.map((l) => l.getClassName());
      const out = tf.tidy(() => {
        const { activation, skips } = activationsAt(split, x);
        const f = (a: tf.Tensor) => {
          const y = split.head.apply([a, ...skips]) as tf.Tensor;
          return tf.sum(tf.mul(y, tf.linspace(-1, 1, y.shape[1] as number)));
        };
        const { value, grad } = tf.valueAndGrad(f)(activation);
        return [value.dataSync() as Float32Array, grad.dataSync() as Float32Array];
      });
      split.dispose();
      return { kinds, out };
    });
    assert.ok(results[0].kinds.includes('BatchNormalization'));
    assert.ok(!results[1].kinds.includes('BatchNormalization'), 'the head was not folded');
    assertRelClose(results[1].out[0], results[0].out[0], 'score');
    assertRelClose(results[1].out[1], results[0].out[1], 'gradient at the cut');
    model.dispose(); x.dispose();
  });

  it('absorbs a zero padding into a plain valid convolution (own weights, bias and ReLU) and keeps one that feeds anything else', () => {
    const input = tf.input({ shape: [7, 9, 3] });
    const p1 = tf.layers.zeroPadding2d({ padding: [[2, 1], [0, 3]], name: 'p1' }).apply(input) as tf.SymbolicTensor;
    const c1 = tf.layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: [2, 1], activation: 'relu', name: 'c1' }).apply(p1) as tf.SymbolicTensor;
    const p2 = tf.layers.zeroPadding2d({ padding: 1, name: 'p2' }).apply(c1) as tf.SymbolicTensor;
    const c2 = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'c2' }).apply(p2) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: c2 });
    randomizeWeights(model, 5);
    const x = tf.randomUniform([2, 7, 9, 3], 0, 1, 'float32', 3);
    const f = foldBatchNorm(model);
    assert.deepEqual(f.absorbedPadding, ['p1'], "p2 feeds a 'same' convolution: kept");
    assertRelClose(outputs(f.model, x)[0], outputs(model, x)[0], 'output');
    f.dispose(); model.dispose(); x.dispose();
  });

  it('finds nothing to fold in VGG16 (convolutions carry their ReLU)', () => {
    const model = buildTestVgg16({ inputSize: 32, width: 1 / 16, fc: 8 });
    const f = foldBatchNorm(model);
    assert.deepEqual(f.folded, []);
    f.dispose(); model.dispose();
  });
});
