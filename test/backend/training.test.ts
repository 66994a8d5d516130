/**
 * Whole-network checks on wasm against the cpu backend: a training step of a small conv net and
 * Grad-CAM-style gradients through a ResNet-style graph in inference mode. These exercise every
 * kernel tf.grad needs on such graphs, including the ones filtermine registers for wasm.
 */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertArraysClose } from '../helpers';
import { maxAbs, randomValues, runOn, TOL } from './cross-backend';
import { selectBackend } from '../../src/backend';

const INPUT: [number, number, number] = [16, 16, 1];
const BATCH = 4, CLASSES = 5;

/** conv-bn-relu-pool-conv-dense, VGG style. */
function smallConvNet(): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: INPUT, filters: 6, kernelSize: 3, padding: 'same' }),
    tf.layers.batchNormalization(),
    tf.layers.reLU(),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu' }),
    tf.layers.flatten(),
    tf.layers.dense({ units: CLASSES }),
  ] });
}

/** Stem (7x7/2 conv, bn, relu, 3x3/2 max-pool) + one residual block with a 1x1/2 projection, GAP, dense. */
function smallResNet(): tf.LayersModel {
  const input = tf.input({ shape: INPUT });
  let x = tf.layers.conv2d({ filters: 6, kernelSize: 7, strides: 2, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  let y = tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'relu' }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.batchNormalization().apply(y) as tf.SymbolicTensor;
  const shortcut = tf.layers.conv2d({ filters: 8, kernelSize: 1, strides: 2 }).apply(x) as tf.SymbolicTensor;
  let z = tf.layers.add().apply([y, shortcut]) as tf.SymbolicTensor;
  z = tf.layers.activation({ activation: 'relu' }).apply(z) as tf.SymbolicTensor;
  z = tf.layers.globalAveragePooling2d({}).apply(z) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: CLASSES }).apply(z) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Seeded weights for a model (positive moving variances), identical on every backend. */
function seededWeights(model: tf.LayersModel): tf.Tensor[] {
  return model.weights.map((w, i) => {
    const v = randomValues(w.shape as number[], 1000 + i).map((a) => 0.3 * a);
    return tf.tensor(/moving_variance|gamma/.test(w.originalName) ? v.map((a) => Math.abs(a) + 0.5) : v, w.shape as number[]);
  });
}

/** Builds the model on the active backend, sets the seeded weights and returns it with its inputs. */
function setUp(build: () => tf.LayersModel) {
  const model = build();
  const ws = seededWeights(model);
  model.setWeights(ws);
  tf.dispose(ws);
  const x = tf.tensor4d(randomValues([BATCH, ...INPUT], 7), [BATCH, ...INPUT]);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 3, 1, 4], 'int32'), CLASSES));
  return { model, x, labels };
}

/** Gradients of softmax cross-entropy (training mode) w.r.t. every trainable weight, and the loss. */
async function trainingGrads(backend: 'wasm' | 'cpu'): Promise<{ grads: Float32Array[]; loss: number; lossAfter: number }> {
  await selectBackend(backend);
  const { model, x, labels } = setUp(smallConvNet);
  const lossFn = () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
  const { value, grads } = tf.variableGrads(lossFn);
  const names = model.trainableWeights.map((w) => w.name);
  const out = await Promise.all(names.map(async (n) => Float32Array.from(await grads[n].data())));
  const loss = (await value.data())[0];
  const optimizer = tf.train.adam(0.01);
  optimizer.applyGradients(grads as tf.NamedTensorMap & Record<string, tf.Variable>);
  const after = tf.tidy(lossFn);
  const lossAfter = (await after.data())[0];
  tf.dispose([value, after, x, labels, ...Object.values(grads)]);
  optimizer.dispose();
  model.dispose();
  return { grads: out, loss, lossAfter };
}

describe('backend: whole networks on wasm vs cpu', () => {
  it('a conv-bn-relu-pool-conv-dense net takes an Adam training step on wasm with the same gradients as cpu', async () => {
    const wasm = await trainingGrads('wasm');
    // The first run may fill tfjs-layers' scalar cache; a second run must leave the count unchanged.
    const before = tf.memory().numTensors;
    const again = await trainingGrads('wasm');
    assert.equal(tf.memory().numTensors, before, 'tensor count grew');
    assert.deepEqual(again, wasm, 'a second run gave different results');
    const cpu = await trainingGrads('cpu');
    assert.ok(Math.abs(wasm.loss - cpu.loss) <= TOL * Math.abs(cpu.loss), `loss ${wasm.loss} vs ${cpu.loss}`);
    assert.equal(wasm.grads.length, cpu.grads.length);
    // Scale of the tolerance: the largest gradient of the net (the conv bias feeding batch norm has a
    // true gradient of 0, so its own scale is rounding noise).
    const scale = Math.max(...cpu.grads.map(maxAbs));
    wasm.grads.forEach((g, i) => assertArraysClose(g, cpu.grads[i], TOL * scale, TOL, `gradient ${i}`));
    assert.ok(wasm.lossAfter < wasm.loss, `the step did not lower the loss: ${wasm.loss} -> ${wasm.lossAfter}`);
  });

  it('Grad-CAM-style gradients through a ResNet-style graph in inference mode match cpu (input and weights)', async () => {
    const f = () => {
      const { model, x, labels } = setUp(smallResNet);
      // Select the class score with a one-hot multiply (gather is avoided in differentiated code).
      const score = (input: tf.Tensor) => tf.sum(tf.mul(model.apply(input, { training: false }) as tf.Tensor, labels)) as tf.Scalar;
      const dx = tf.grad(score)(x);
      const { grads } = tf.variableGrads(() => score(x));
      const out = [dx, ...model.trainableWeights.map((w) => grads[w.name])];
      model.dispose();
      return out;
    };
    const before = tf.memory().numTensors;
    const wasm = await runOn('wasm', f);
    assert.equal(tf.memory().numTensors, before, 'tensor count grew');
    const cpu = await runOn('cpu', f);
    assert.equal(wasm.length, cpu.length);
    wasm.forEach((g, i) => assertArraysClose(g, cpu[i], TOL * maxAbs(cpu[i]), TOL, i === 0 ? 'd score / d input' : `weight gradient ${i}`));
  });
});
