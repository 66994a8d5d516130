import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { withFastTrainingKernels } from '../../src/models/fast-grads';
import { getArchitecture } from '../../src/models/registry';
import { rng } from '../../src/util/rng';

/** Loss gradients of every trainable weight (training mode), as typed arrays. */
async function gradients(arch: string): Promise<Float32Array[]> {
  const model = getArchitecture(arch).build({ seed: 3, width: 0.25 });
  const r = rng(1);
  const x = tf.tensor4d(Float32Array.from({ length: 4 * 28 * 28 }, () => r.next()), [4, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10).toFloat());
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
  const out = await Promise.all(vars.map((v) => grads[v.name].data() as Promise<Float32Array>));
  tf.dispose([x, y, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe('models/fast-grads', () => {
  for (const arch of ['vgg-small', 'resnet-small']) {
    it(`${arch}: gradients on wasm with the fast kernels match the cpu backend`, async () => {
      await tf.setBackend('cpu');
      const expected = await gradients(arch);
      await selectBackend('wasm');
      const before = tf.memory().numTensors;
      const got = await withFastTrainingKernels(() => gradients(arch));
      assert.equal(tf.memory().numTensors, before);
      assert.equal(got.length, expected.length);
      expected.forEach((e, i) => {
        const scale = e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        let worst = 0;
        for (let j = 0; j < e.length; j++) worst = Math.max(worst, Math.abs(e[j] - got[i][j]));
        assert.ok(worst <= 1e-4 * scale + 1e-7, `weight ${i}: max |diff| ${worst} vs scale ${scale}`);
      });
    });
  }

  it('restores the previous kernels afterwards, also on error', async () => {
    await selectBackend('wasm');
    const names = [tf.BatchMatMul, tf.Conv2DBackpropInput, tf.Tile];
    const before = names.map((n) => tf.getKernel(n, 'wasm'));
    let inside: unknown[] = [];
    await assert.rejects(withFastTrainingKernels(async () => {
      inside = names.map((n) => tf.getKernel(n, 'wasm'));
      throw new Error('boom');
    }), /boom/);
    assert.ok(inside.every((k, i) => k !== before[i]), 'fast kernels were installed');
    names.forEach((n, i) => assert.equal(tf.getKernel(n, 'wasm'), before[i], n));
  });
});
