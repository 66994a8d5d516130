import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { loadFashionMnist } from '../../src/data/fashion-mnist';
import { loadShippedModel, packageRoot, shippedModelDir, SHIPPED_MODELS } from '../../src/models/shipped';
import { evaluateAccuracy } from '../../src/models/evaluate';
import { requireLayer } from '../../src/models/layers';
import { skipOrFailInCI } from '../helpers';

describe('models/shipped', () => {
  it('finds the package root from src and dist folders', () => {
    const root = packageRoot();
    assert.equal(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name, 'filtermine');
    assert.equal(packageRoot(path.join(root, 'dist', 'src', 'models')), root);
    assert.throws(() => packageRoot('/'), /no package.json named 'filtermine' above \//);
  });

  it('refuses an unknown shipped model by listing the shipped ones', async () => {
    await assert.rejects(loadShippedModel('vgg16' as 'vgg-small'), /unknown shipped model 'vgg16'; shipped models: vgg-small, resnet-small/);
  });

  it('every model in models/ explains with Grad-CAM (its card names no other method)', () => {
    const dir = path.dirname(shippedModelDir('vgg-small'));
    const cards = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'card.json')));
    assert.ok(cards.length >= 5, `model cards in ${dir}: ${cards.join(', ')}`);
    for (const d of cards) {
      const card = JSON.parse(fs.readFileSync(path.join(dir, d, 'card.json'), 'utf8')) as { camMethod?: string };
      assert.equal(card.camMethod ?? 'gradcam', 'gradcam', `${d}/card.json camMethod`);
    }
  });

  for (const name of SHIPPED_MODELS) {
    it(`${name}: >= 89% on the first 1,000 test images; its card records >= 91% on all 10,000`, async function () {
      if (!fs.existsSync(path.join(shippedModelDir(name), 'card.json'))) {
        skipOrFailInCI(this, `shipped model ${name} is not trained in this checkout (npm run train -- --model ${name} --out models/${name})`);
      }
      await selectBackend('wasm');
      const before = tf.memory().numTensors;
      const { model, card } = await loadShippedModel(name);
      try {
        assert.equal(card.name, name);
        assert.equal(card.testAccuracy.n, 10_000);
        assert.ok(card.testAccuracy.overall >= 0.91, `card accuracy ${card.testAccuracy.overall}`);
        assert.deepEqual((requireLayer(model, card.analysisLayer).outputShape as number[]).slice(1, 3), [7, 7]);
        const test = loadFashionMnist('test', { limit: 1000 });
        assert.equal(card.testDataChecksum, loadFashionMnist('test', { limit: 0 }).checksum);
        const acc = await evaluateAccuracy(model, test);
        assert.ok(acc.overall >= 0.89, `accuracy on 1,000 test images: ${acc.overall}`);
        const bytes = fs.readdirSync(shippedModelDir(name)).reduce((n, f) => n + fs.statSync(path.join(shippedModelDir(name), f)).size, 0);
        assert.ok(bytes < 5 * 1024 * 1024, `${bytes} bytes on disk`);
      } finally {
        model.dispose();
      }
      assert.equal(tf.memory().numTensors, before);
    });
  }
});
