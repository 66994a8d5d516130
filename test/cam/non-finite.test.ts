/**
 * NaN reaches the user as NaN: an image with NaN pixels is flagged `nonFinite` on every backend (not
 * an all-zero map: wasm's ReLU turns NaN into 0), a model whose weights hold NaN is warned about
 * when loaded, and asking to explain the input layer says so.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { explain } from '../../src/cam/explain';
import { selectBackend } from '../../src/backend';
import { splitModel } from '../../src/graph/split';
import { loadModel, saveModel } from '../../src/models/io';
import { loadShippedModel } from '../../src/models/shipped';

describe('cam: NaN inputs and weights', function () {
  this.timeout(60000);
  after(async () => { await selectBackend('auto'); });

  for (const backend of ['cpu', 'wasm', 'native'] as const) {
    it(`an image with NaN pixels is flagged nonFinite, the others explained (${backend})`, async () => {
      await selectBackend(backend);
      const { model } = await loadShippedModel('vgg-small');
      const px = new Float32Array(3 * 28 * 28).fill(0.5);
      px[5] = NaN;                       // image 0: one NaN pixel
      px[28 * 28 * 2 + 100] = Infinity;  // image 2: one infinite pixel
      const images = tf.tensor4d(px, [3, 28, 28, 1]);
      try {
        const before = tf.memory().numTensors;
        const r = await explain({ model, layer: 'block3_conv2' }, images);
        assert.equal(tf.memory().numTensors, before);
        assert.deepEqual(r.explanations.map((e) => e.defect), ['nonFinite', r.explanations[1].defect, 'nonFinite']);
        assert.notEqual(r.explanations[1].defect, 'nonFinite');
        assert.ok(r.explanations[0].heatmap.every((v) => v === 0), 'a flagged heatmap is all zero');
      } finally {
        images.dispose();
        model.dispose();
      }
    });
  }

  it('loading a model whose weights hold NaN emits a warning naming them', async () => {
    await selectBackend('cpu');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-nan-weights-'));
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, name: 'd' })] });
    m.layers[0].setWeights([tf.fill([3, 2], NaN), tf.zeros([2])]);
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await saveModel(m, dir);
      (await loadModel(dir)).dispose();
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
      m.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'FILTERMINE_NONFINITE_WEIGHTS');
    assert.equal(ours.length, 1, `warnings: ${warnings.map((w) => w.message).join(' | ')}`);
    assert.match(ours[0].message, /1 of 2 weights hold NaN or infinite values \(d\/kernel\)/);
  });

  it('explaining the input layer names it as the input layer', async () => {
    await selectBackend('cpu');
    const { model } = await loadShippedModel('vgg-small');
    try {
      const input = model.inputLayers[0].name;
      assert.throws(() => splitModel(model, input), new RegExp(`layer '${input}' is the model's input layer, which has no filters to explain; expected a layer inside the network`));
    } finally {
      model.dispose();
    }
  });
});
