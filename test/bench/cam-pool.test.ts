import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { CamWorkerPool } from '../../bench/cam-pool/pool';
import { serializeModel } from '../../src/models/io';
import { explain } from '../../src/cam/explain';
import { classTargets } from '../../src/cam/targets';
import { selectBackend } from '../../src/backend';
import { assertArraysClose } from '../helpers';
import { buildTinyCamModel } from '../cam/fixtures';
import { randomImages } from '../graph/builders';

describe('bench/cam-pool (the benchmark\'s CAM worker pool)', function () {
  this.timeout(120000);
  let model: tf.LayersModel;
  let x: tf.Tensor4D;
  let pool: CamWorkerPool;
  before(async () => {
    await selectBackend('wasm');
    model = buildTinyCamModel(6);
    x = randomImages(5, 8, 2, 13);
    pool = await CamWorkerPool.start(model, 'c2', { workers: 2 });
  });
  after(async () => {
    await pool.close();
    model.dispose();
    x.dispose();
    await tf.setBackend('cpu');
  });

  it('starts wasm workers and reports the split geometry', () => {
    assert.equal(pool.size, 2);
    assert.equal(pool.backend, 'wasm');
    assert.deepEqual(pool.layerShape, [8, 8, 4]);
    assert.deepEqual(pool.inputShape, [8, 8, 2]);
  });

  it('gives the same explanations as explain() on one thread, for several methods, targets and chunkings', async () => {
    await selectBackend('wasm');
    for (const [method, batchSize] of [['gradcam', undefined], ['gradcam++', 1], ['layercam', 2]] as const) {
      const labels = [4, 0, 1, 2, 3];
      const single = await explain({ model, layer: 'c2' }, x, { method, target: classTargets(labels), outputSize: [16, 16], returnActivations: true });
      const before = tf.memory().numTensors;
      const multi = await pool.explain(x, { method, target: labels, outputSize: [16, 16], batchSize, returnActivations: true });
      assert.equal(tf.memory().numTensors, before, 'no tensor left on the calling thread');
      assert.equal(multi.explanations.length, 5);
      multi.explanations.forEach((e, i) => {
        const s = single.explanations[i];
        assert.equal(e.targetClass, labels[i]);
        assert.equal(e.predictedClass, s.predictedClass);
        assertArraysClose(e.heatmap, s.heatmap, 1e-5, 1e-4, `${method} heatmap ${i}`);
        assertArraysClose(e.logits, s.logits, 1e-5, 1e-5, `${method} logits ${i}`);
      });
      assertArraysClose(multi.activations as Float32Array, single.activations as Float32Array, 1e-6, 1e-6);
    }
  });

  it('reports bad input clearly; a bad layer fails at start listing the valid names', async () => {
    await assert.rejects(pool.explain(x, { method: 'nocam' }), /unknown CAM method 'nocam'/);
    await assert.rejects(pool.explain(x, { target: [1, 2] }), /got 2 target classes for 5 images/);
    await assert.rejects(pool.explain(x, { target: 9 }), /class 9 is out of range for 5 logits/);
    await assert.rejects(CamWorkerPool.start(model, 'gap', { workers: 1 }), /'gap' has output shape .* c1, r1, c2/);
  });

  it('serializeModel round-trips a model', async () => {
    const artifacts = await serializeModel(model);
    const copy = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const [a, b] = tf.tidy(() => [(model.predict(x) as tf.Tensor).dataSync(), (copy.predict(x) as tf.Tensor).dataSync()]);
    copy.dispose();
    assertArraysClose(a, b, 0, 0);
  });
});
