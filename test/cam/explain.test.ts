import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { explain, computeCamArrays, explanationsFromArrays, type ExplainResult } from '../../src/cam/explain';
import { predictedClass, classTarget, classTargets, type CamTarget } from '../../src/cam/targets';
import { getCamMethod, listCamMethods, registerCamMethod, unregisterCamMethod } from '../../src/cam/registry';
import { splitModel, activationsAt, headLogits, type ModelSplit } from '../../src/graph/split';
import { selectBackend } from '../../src/backend';
import { assertArraysClose, maxAbsDiff } from '../helpers';
import { buildTinyCamModel } from './fixtures';
import { buildTestResnet50, randomImages } from '../graph/builders';

const LAYER = 'c2';
const K = 3; // class explained in the reference tests

/**
 * d(logit_k)/dA by central finite differences of the head, one image at a time, every element of A
 * perturbed in one batched head call.
 */
function finiteDifferenceGrads(split: ModelSplit, x: tf.Tensor4D, k: number, eps = 1e-2): { acts: Float32Array; grads: Float32Array } {
  return tf.tidy(() => {
    const { activation, skips } = activationsAt(split, x);
    const [n, h, w, c] = activation.shape;
    const per = h * w * c;
    const acts = activation.dataSync() as Float32Array;
    const grads = new Float32Array(n * per);
    for (let b = 0; b < n; b++) {
      const base = tf.slice(activation, [b, 0, 0, 0], [1, -1, -1, -1]);
      const eye = tf.reshape(tf.eye(per), [per, h, w, c]);
      const tile = (t: tf.Tensor) => tf.tile(tf.slice(t, [b], [1]), [per, ...t.shape.slice(1).map(() => 1)]);
      const sk = skips.map(tile);
      const plus = headLogits(split, tf.add(base, tf.mul(eye, eps)) as tf.Tensor4D, sk).dataSync();
      const minus = headLogits(split, tf.sub(base, tf.mul(eye, eps)) as tf.Tensor4D, sk).dataSync();
      const numClasses = plus.length / per;
      for (let i = 0; i < per; i++) grads[b * per + i] = (plus[i * numClasses + k] - minus[i * numClasses + k]) / (2 * eps);
    }
    return { acts, grads };
  });
}

/** min-max of tf.image.resizeBilinear(halfPixelCenters) of one map: an independent upsampler. */
function referenceHeatmap(map: Float32Array, h: number, w: number, size: [number, number]): Float32Array {
  return tf.tidy(() => {
    const up = tf.image.resizeBilinear(tf.tensor4d(map, [1, h, w, 1]), size, false, true);
    const min = up.min(), max = up.max();
    return tf.div(tf.sub(up, min), tf.sub(max, min)).dataSync() as Float32Array;
  });
}

describe('cam/explain', () => {
  let model: tf.LayersModel;
  let x: tf.Tensor4D;
  before(async () => {
    await tf.setBackend('cpu');
    model = buildTinyCamModel();
    x = randomImages(5, 8, 2, 21);
  });
  after(() => { model.dispose(); x.dispose(); });
  beforeEach(async () => { await tf.setBackend('cpu'); });

  it('gradients of the selected pre-softmax logit match central finite differences', async () => {
    const split = splitModel(model, LAYER);
    const x2 = tf.slice(x, [0], [2]) as tf.Tensor4D;
    const arrays = await computeCamArrays(split, x2, { target: classTarget(K) });
    const fd = finiteDifferenceGrads(split, x2, K);
    split.dispose(); x2.dispose();
    assert.ok(arrays.gradients != null);
    const scale = Math.max(...Array.from(fd.grads, Math.abs));
    assert.ok(scale > 1e-3, `gradients are not trivially zero (max ${scale})`);
    assertArraysClose(arrays.gradients, fd.grads, 2e-3 * scale, 1e-2, 'autodiff vs finite differences');
    assertArraysClose(arrays.activations, fd.acts, 0, 0, 'activations');
  });

  it('the Grad-CAM heatmap equals a direct computation: w_f = mean dlogit/dA_f, relu(sum_f w_f A_f), upsample, min-max', async () => {
    const split = splitModel(model, LAYER);
    const [, h, w, c] = [0, ...split.activationShape];
    const fd = finiteDifferenceGrads(split, x, K);
    const r = await explain(split, x, { method: 'gradcam', target: classTarget(K), outputSize: [13, 20] });
    split.dispose();
    const hw = h * w;
    r.explanations.forEach((e, b) => {
      const cam = new Float32Array(hw);
      for (let f = 0; f < c; f++) {
        let wf = 0;
        for (let p = 0; p < hw; p++) wf += fd.grads[(b * hw + p) * c + f];
        wf /= hw;
        for (let p = 0; p < hw; p++) cam[p] += wf * fd.acts[(b * hw + p) * c + f];
      }
      for (let p = 0; p < hw; p++) cam[p] = Math.max(0, cam[p]);
      const camScale = Math.max(...cam);
      assert.ok(camScale > 0, `image ${b}: a non-trivial reference map`);
      assertArraysClose(e.layerMap, cam, 2e-3 * camScale, 0, `layer map ${b}`);
      assertArraysClose(e.heatmap, referenceHeatmap(cam, h, w, [13, 20]), 5e-3, 0, `heatmap ${b}`);
      assert.equal(e.targetClass, K);
      assert.equal(e.heatmap.length, 13 * 20);
    });
    assert.deepEqual(r.heatmapSize, [13, 20]);
    assert.deepEqual(r.layerShape, [8, 8, 4]);
  });

  it('uses the pre-softmax logits of a softmax model, in inference mode', async () => {
    const soft = buildTinyCamModel(9, { softmax: true });
    const r = await explain({ model: soft, layer: LAYER }, x);
    const expected = tf.tidy(() => {
      const features = tf.model({ inputs: soft.inputs, outputs: soft.getLayer('gap').output as tf.SymbolicTensor }).predict(x) as tf.Tensor2D;
      const [kernel, bias] = soft.getLayer('logits').getWeights();
      return tf.add(tf.matMul(features, kernel as tf.Tensor2D), bias).dataSync();
    });
    const probs = tf.tidy(() => (soft.predict(x) as tf.Tensor2D).argMax(1).dataSync());
    soft.dispose();
    assertArraysClose(r.explanations.flatMap((e) => Array.from(e.logits)), expected, 1e-5, 1e-5, 'logits');
    r.explanations.forEach((e, i) => {
      assert.equal(e.predictedClass, probs[i]);
      assert.equal(e.targetClass, probs[i], 'default target: the predicted class');
      assert.ok(Math.abs(e.score - e.logits[e.targetClass]) < 1e-6);
    });
  });

  it('results do not depend on batch size', async () => {
    const runs: ExplainResult[] = [];
    for (const batchSize of [1, 2, 5]) runs.push(await explain({ model, layer: LAYER }, x, { batchSize, method: 'gradcam++', target: classTargets([0, 1, 2, 3, 4]), returnActivations: true }));
    for (const r of runs.slice(1)) {
      assert.equal(r.explanations.length, 5);
      r.explanations.forEach((e, i) => {
        assertArraysClose(e.heatmap, runs[0].explanations[i].heatmap, 1e-5, 1e-4, `heatmap ${i}`);
        assertArraysClose(e.logits, runs[0].explanations[i].logits, 1e-5, 1e-5, `logits ${i}`);
        assert.equal(e.targetClass, i);
      });
      assertArraysClose(r.activations as Float32Array, runs[0].activations as Float32Array, 1e-6, 1e-6);
    }
  });

  it('the tensor count does not grow, for every method; inputs are not modified', async () => {
    const split = splitModel(model, LAYER);
    const x0 = x.dataSync().slice();
    await explain(split, x, { method: 'gradcam' }); // warm-up (kernels may cache on first use)
    const before = tf.memory().numTensors;
    for (const method of listCamMethods()) await explain(split, x, { method, batchSize: 2 });
    await explain({ model, layer: LAYER }, x);
    assert.equal(tf.memory().numTensors, before);
    split.dispose();
    assertArraysClose(x.dataSync(), x0, 0, 0, 'images');
  });

  it('method x option cross-product smoke test', async () => {
    const split = splitModel(model, LAYER);
    const softTarget: CamTarget = (logits) => tf.softmax(logits); // a non-one-hot target
    const targets: Array<[string, CamTarget, (i: number) => number | null]> = [
      ['predicted', predictedClass(), () => null],
      ['class 1', classTarget(1), () => 1],
      ['per image', classTargets([4, 3, 2, 1, 0]), (i) => 4 - i],
      ['softmax-weighted', softTarget, () => null],
    ];
    let count = 0;
    for (const method of listCamMethods()) {
      for (const outputSize of ['input', 'layer', [5, 7]] as const) {
        for (const normalise of ['minmax', 'none'] as const) {
          for (const [tname, target, expectClass] of targets) {
            const what = `${method}/${JSON.stringify(outputSize)}/${normalise}/${tname}`;
            const r = await explain(count % 2 ? split : { model, layer: LAYER }, x, { method, outputSize, normalise, target, batchSize: 3 });
            const [H, W] = outputSize === 'input' || outputSize === 'layer' ? [8, 8] : outputSize;
            assert.equal(r.method, method);
            assert.deepEqual(r.heatmapSize, [H, W], what);
            assert.equal(r.explanations.length, 5, what);
            r.explanations.forEach((e, i) => {
              assert.equal(e.heatmap.length, H * W, what);
              assert.equal(e.layerMap.length, 64, what);
              assert.ok(e.heatmap.every(Number.isFinite) && e.layerMap.every((v) => v >= 0), what);
              if (normalise === 'minmax' && e.defect == null) {
                assert.ok(Math.abs(Math.max(...e.heatmap) - 1) < 1e-6 && Math.abs(Math.min(...e.heatmap)) < 1e-6, `${what}: range [0, 1]`);
              }
              const k = expectClass(i);
              if (k != null) assert.equal(e.targetClass, k, what);
            });
            count++;
          }
        }
      }
    }
    split.dispose();
    assert.equal(count, listCamMethods().length * 3 * 2 * 4);
  });

  it('runs a gradient-free method registered by the user (cam = relu(sum of activations))', async () => {
    registerCamMethod('test-sum', {
      name: 'test-sum', description: 'sum of activations', usesGradients: false, weighting: 'channel',
      weights: (_a, g, s) => { assert.equal(g, null); return new Float32Array(s.n * s.c).fill(1); },
    });
    try {
      const r = await explain({ model, layer: LAYER }, x, { method: 'test-sum', outputSize: 'layer', returnActivations: true });
      const acts = r.activations as Float32Array;
      r.explanations.forEach((e, b) => {
        const expected = Array.from({ length: 64 }, (_, p) => Math.max(0, acts[(b * 64 + p) * 4] + acts[(b * 64 + p) * 4 + 1] + acts[(b * 64 + p) * 4 + 2] + acts[(b * 64 + p) * 4 + 3]));
        assertArraysClose(e.layerMap, expected, 1e-5, 1e-5);
      });
    } finally {
      unregisterCamMethod('test-sum');
    }
  });

  it('returnActivations / returnGradients give the NHWC arrays of all images', async () => {
    const r = await explain({ model, layer: LAYER }, x, { batchSize: 2, returnActivations: true, returnGradients: true, target: classTarget(K) });
    const split = splitModel(model, LAYER);
    const arrays = await computeCamArrays(split, x, { target: classTarget(K) });
    split.dispose();
    assertArraysClose(r.activations as Float32Array, arrays.activations, 1e-6, 1e-6);
    assertArraysClose(r.gradients as Float32Array, arrays.gradients as Float32Array, 1e-6, 1e-5);
    const again = explanationsFromArrays(arrays, getCamMethod('gradcam'), { outputSize: [8, 8] });
    again.forEach((e, i) => assertArraysClose(e.heatmap, r.explanations[i].heatmap, 1e-5, 1e-4));
  });

  it('flags degenerate heatmaps (all zero, NaN) instead of failing', async () => {
    const dead = buildTinyCamModel(4);
    const logits = dead.getLayer('logits');
    tf.tidy(() => logits.setWeights(logits.getWeights().map((w) => tf.zerosLike(w))));
    const r = await explain({ model: dead, layer: LAYER }, x);
    assert.equal(r.defectCount, 5);
    r.explanations.forEach((e) => { assert.equal(e.defect, 'zero'); assert.ok(e.heatmap.every((v) => v === 0)); });
    const nanImages = tf.tidy(() => tf.concat([tf.slice(x, [0], [1]), tf.fill([1, 8, 8, 2], NaN)]) as tf.Tensor4D);
    const r2 = await explain({ model, layer: LAYER }, nanImages);
    assert.equal(r2.explanations[0].defect, null);
    assert.equal(r2.explanations[1].defect, 'nonFinite');
    assert.ok(r2.explanations[1].heatmap.every((v) => v === 0));
    assert.equal(r2.defectCount, 1);
    nanImages.dispose();
    dead.dispose();
  });

  it('errors: unknown layer lists the valid ones; unknown method lists the methods; bad options', async () => {
    await assert.rejects(explain({ model, layer: 'nope' }, x), /no layer named 'nope'; layers with a spatial \(4-D\) output: c1, r1, c2, t2, proj, add, bn/);
    await assert.rejects(explain({ model, layer: 'gap' }, x), /'gap' has output shape \[null,4\], not a spatial/);
    await assert.rejects(explain({ model, layer: LAYER }, x, { method: 'gradkam' }), /unknown CAM method 'gradkam'; known: gradcam, gradcam\+\+, xgradcam, layercam, hirescam/);
    await assert.rejects(explain({ model, layer: LAYER }, x, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
    await assert.rejects(explain({ model, layer: LAYER }, x, { outputSize: [0, 3] }), /outputSize must be 'input', 'layer' or \[height, width\]/);
    await assert.rejects(explain({ model, layer: LAYER }, x, { target: classTarget(7) }), /class 7 is out of range for 5 logits/);
    await assert.rejects(explain({ model, layer: LAYER }, x, { target: classTargets([1, 2]) }), /got 2 classes, but images 0..4 were explained/);
    await assert.rejects(explain({ model, layer: LAYER }, x, { target: (l) => tf.ones([l.shape[0], 2]) }), /target must return a mask of shape \[5,5\]/);
    await assert.rejects(explain({ model, layer: LAYER }, tf.zeros([8, 8, 2]) as unknown as tf.Tensor4D), /images must be a 4-D tensor/);
    assert.throws(() => classTarget(-1), /non-negative integer, got -1/);
  });

  describe('cpu and wasm agree', function () {
    this.timeout(120000);
    after(async () => { await tf.setBackend('cpu'); });

    /** Runs every method on both backends and compares (tolerance relative to each map's max). */
    async function compare(m: tf.LayersModel, layer: string, images: tf.Tensor4D, methods: string[]): Promise<number> {
      let worst = 0;
      for (const method of methods) {
        await tf.setBackend('cpu');
        const cpu = await explain({ model: m, layer }, images, { method, target: classTarget(1), returnGradients: true });
        await selectBackend('wasm');
        assert.equal(tf.getBackend(), 'wasm');
        const wasm = await explain({ model: m, layer }, images, { method, target: classTarget(1), returnGradients: true });
        const g = cpu.gradients as Float32Array;
        const gScale = Math.max(...Array.from(g, Math.abs));
        assert.ok(maxAbsDiff(wasm.gradients as Float32Array, g) <= 1e-3 * gScale, `${method}: gradients differ by ${maxAbsDiff(wasm.gradients as Float32Array, g)} (scale ${gScale})`);
        cpu.explanations.forEach((e, i) => {
          const w = wasm.explanations[i];
          const scale = Math.max(...e.layerMap);
          assert.ok(maxAbsDiff(w.layerMap, e.layerMap) <= 1e-3 * scale + 1e-7, `${method} image ${i}: layer maps differ`);
          assert.ok(maxAbsDiff(w.heatmap, e.heatmap) <= 2e-3, `${method} image ${i}: heatmaps differ by ${maxAbsDiff(w.heatmap, e.heatmap)}`);
          assertArraysClose(w.logits, e.logits, 1e-4, 1e-4, `${method} logits ${i}`);
          worst = Math.max(worst, maxAbsDiff(w.heatmap, e.heatmap));
        });
      }
      return worst;
    }

    it('on the tiny model, for every built-in method (heatmaps within 2e-3, gradients within 1e-3 of max)', async () => {
      await compare(model, LAYER, x, ['gradcam', 'gradcam++', 'xgradcam', 'layercam', 'hirescam']);
    });

    it('on a narrow ResNet50 inside a residual stage (strided conv, batch norm, skips)', async () => {
      await tf.setBackend('cpu');
      const resnet = buildTestResnet50({ width: 1 / 16, inputSize: 32, seed: 8 });
      const images = randomImages(2, 32, 3, 3);
      try {
        await compare(resnet, 'conv4_block1_2_conv', images, ['gradcam']);
        await compare(resnet, 'conv5_block3_out', images, ['gradcam']);
      } finally {
        await tf.setBackend('cpu');
        resnet.dispose();
        images.dispose();
      }
    });
  });

  describe('failed calls leak no tensors', () => {
    const failing: Array<[string, CamTarget, RegExp]> = [
      ['a target that throws', () => { throw new Error('target failed'); }, /target failed/],
      ['classTarget(99)', classTarget(99), /class 99 is out of range for \d+ logits/],
      ['a mask of the wrong shape', (logits) => tf.ones([logits.shape[0], 2]) as tf.Tensor2D, /mask of shape \[\d+,\d+\] \(like the logits\), got shape \[\d+,2\]/],
    ];
    for (const [what, target, message] of failing) {
      for (const method of ['gradcam', 'gradcam++']) {
        it(`${what} (${method})`, async () => {
          const before = tf.memory().numTensors;
          await assert.rejects(explain({ model, layer: LAYER }, x, { target, method, batchSize: 2 }), message);
          assert.equal(tf.memory().numTensors, before, 'tensors after the failed call');
        });
      }
    }
  });
});
