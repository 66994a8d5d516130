/**
 * Grad-CAM on the default backend (wasm with the native addon when it is built), and on plain
 * wasm, equals the cpu backend's on real networks whose explained layer feeds a max-pool, where a
 * wrong max-pool gradient shows most: VGG16 at block4_conv3 and the shipped vgg-small at
 * block2_conv1.
 */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { explain, type ExplainResult } from '../../src/cam/explain';
import { classTarget } from '../../src/cam/targets';
import { selectBackend } from '../../src/backend';
import { buildVgg16 } from '../../src/models/vgg16';
import { loadShippedModel } from '../../src/models/shipped';
import { loadFashionMnist } from '../../src/data/fashion-mnist';
import { randomValues } from '../backend/cross-backend';

/** Pearson correlation of two equally long arrays (NaN when one is constant). */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ma = 0, mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
  ma /= a.length; mb /= b.length;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i] - ma, db = b[i] - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Grad-CAM of `images` for class `k` on one backend; the model's weights follow the backend. */
async function gradCamOn(backend: 'auto' | 'wasm' | 'cpu', model: tf.LayersModel, layer: string, images: tf.Tensor4D, k: number): Promise<ExplainResult> {
  await selectBackend(backend);
  return explain({ model, layer }, images, { target: classTarget(k), outputSize: 'layer', batchSize: 4, returnGradients: true });
}

/** Every image's map, and the layer gradient as a whole, correlate >= 0.9999 with cpu's. */
function assertSameMaps(got: ExplainResult, cpu: ExplainResult, what: string): number {
  assert.equal(got.explanations.length, cpu.explanations.length);
  assert.ok(cpu.explanations.length > 0, `${what}: no images explained`);
  let worst = 1;
  got.explanations.forEach((e, i) => {
    const ref = cpu.explanations[i];
    assert.equal(ref.defect, null, `${what}: image ${i}: the cpu map is degenerate (${String(ref.defect)}); pick other inputs`);
    const r = correlation(e.layerMap, ref.layerMap);
    worst = Math.min(worst, r);
    assert.ok(r >= 0.9999, `${what}: image ${i}: correlation ${r.toFixed(6)} with the cpu backend's map, expected >= 0.9999`);
  });
  // The map is clipped by a ReLU; the gradient it is made from is compared in full.
  const r = correlation(got.gradients!, cpu.gradients!);
  assert.ok(r >= 0.9999, `${what}: gradient at the layer: correlation ${r.toFixed(6)} with the cpu backend's, expected >= 0.9999`);
  return worst;
}

describe('cam: Grad-CAM on the default backend equals the cpu backend\'s', () => {
  after(async () => { await selectBackend('auto'); });

  it('VGG16 (seeded random weights, 32x32 input, the smallest the builder accepts) at block4_conv3', async () => {
    await selectBackend('auto');
    const model = buildVgg16({ seed: 3, inputSize: 32, logits: true });
    // Two images (the cpu backend needs ~6 s per image here); class 3 gives non-zero maps for this seed.
    const images = tf.tensor4d(randomValues([2, 32, 32, 3], 5).map((v) => v * 50), [2, 32, 32, 3]);
    try {
      const cpu = await gradCamOn('cpu', model, 'block4_conv3', images, 3);
      for (const b of ['auto', 'wasm'] as const) assertSameMaps(await gradCamOn(b, model, 'block4_conv3', images, 3), cpu, `vgg16 on ${b}`);
    } finally {
      model.dispose();
      images.dispose();
    }
  });

  it('vgg-small (shipped) at block2_conv1 on 16 Fashion-MNIST test images', async () => {
    await selectBackend('auto');
    const { model } = await loadShippedModel('vgg-small');
    const set = loadFashionMnist('test', { limit: 16 });
    const images = tf.tidy(() => tf.div(tf.tensor4d(set.images, [set.n, set.height, set.width, 1], 'float32'), 255) as tf.Tensor4D);
    try {
      for (const k of [0, 5]) {
        const cpu = await gradCamOn('cpu', model, 'block2_conv1', images, k);
        for (const b of ['auto', 'wasm'] as const) assertSameMaps(await gradCamOn(b, model, 'block2_conv1', images, k), cpu, `vgg-small class ${k} on ${b}`);
      }
    } finally {
      model.dispose();
      images.dispose();
    }
  });
});
