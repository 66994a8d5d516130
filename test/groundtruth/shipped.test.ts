import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { shippedModelsDir } from '../../src/extract/model';
import { loadModel } from '../../src/models/io';
import { evaluateAccuracy } from '../../src/models/evaluate';
import type { ModelCard } from '../../src/models/card';
import { generatePlantedParts, PLANTED_PARTS_CLASSES } from '../../src/groundtruth';

describe('groundtruth: the shipped planted-parts models', () => {
  for (const name of ['vgg-parts', 'resnet-parts']) {
    it(`${name}: its card records >= 97% test accuracy, and it gets >= 97% on regenerated test images`, async function () {
      this.timeout(120000);
      const dir = path.join(shippedModelsDir(), name);
      assert.ok(fs.existsSync(path.join(dir, 'card.json')), `${dir}/card.json is missing: train it with 'npm run train -- --model ${name} --data planted-parts --out models/${name}' (see its card)`);
      const card = JSON.parse(fs.readFileSync(path.join(dir, 'card.json'), 'utf8')) as ModelCard;
      assert.equal(card.name, name);
      assert.deepEqual(card.classNames, [...PLANTED_PARTS_CLASSES]);
      assert.ok(card.testAccuracy.overall >= 0.97, `card accuracy ${card.testAccuracy.overall}`);
      await selectBackend('wasm');
      const before = tf.memory().numTensors;
      const model = await loadModel(dir);
      try {
        // The card's test split is seed 1's test split; its first 100 images per class are regenerated here.
        const test = generatePlantedParts({ seed: 1, perClass: 100, split: 'test' }).set;
        const acc = await evaluateAccuracy(model, test);
        assert.ok(acc.overall >= 0.97, `accuracy on ${test.n} regenerated test images: ${acc.overall}`);
      } finally {
        model.dispose();
      }
      assert.equal(tf.memory().numTensors, before);
      const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
      assert.ok(bytes < 1024 * 1024, `${bytes} bytes on disk`);
    });
  }
});
