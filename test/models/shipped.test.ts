import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { loadFashionMnist } from '../../src/data/fashion-mnist';
import { loadShippedModel, packageRoot, readModelCard, shippedModelDir, shippedModelsDir, SHIPPED_MODELS } from '../../src/models/shipped';
import { evaluateAccuracy } from '../../src/models/evaluate';
import { loadOnnxModel } from '../../src/models/onnx';
import { unitPixelRange } from '../../src/data/image-set';
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

  it('every model in models/ explains with Grad-CAM (its card names no other method) and records >= 91% test accuracy', () => {
    const dir = shippedModelsDir();
    const cards = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'card.json')));
    assert.ok(cards.length >= 5, `model cards in ${dir}: ${cards.join(', ')}`);
    for (const d of cards) {
      const card = readModelCard(path.join(dir, d))!;
      assert.equal(card.camMethod ?? 'gradcam', 'gradcam', `${d}/card.json camMethod`);
      assert.ok((card.testAccuracy?.overall ?? 0) >= 0.91, `${d}/card.json testAccuracy.overall: ${card.testAccuracy?.overall}`);
    }
  });

  it('fashion-cnn-onnx: imported from its ONNX file, it classifies Fashion-MNIST test images as its card says', async function () {
    // The PyTorch training script measured the card's accuracy; this measures it again through
    // filtermine's own ONNX import, on the first 1,000 test images prepared as the script prepares
    // them (resize 73 with half-pixel centres, centre crop 64, grey as RGB; an untinted image is one
    // of the tints the model was trained on). Measured: 92.7% (card: 92.6% on all 10,000).
    await selectBackend('wasm');
    const dir = path.join(shippedModelsDir(), 'fashion-cnn-onnx');
    const card = readModelCard(dir)!;
    const resize = (card as { resize?: number }).resize ?? 0;
    assert.deepEqual(card.inputShape, [64, 64, 3]);
    const before = tf.memory().numTensors;
    const model = await loadOnnxModel(path.join(dir, 'model.onnx'));
    try {
      const test = loadFashionMnist('test', { limit: 1000 });
      const off = Math.floor((resize - 64) / 2);
      let correct = 0;
      for (let i = 0; i < test.n; i += 250) {
        const n = Math.min(250, test.n - i);
        const pred = tf.tidy(() => {
          const grey = tf.tensor4d(unitPixelRange(test, i, i + n, 'test'), [n, 28, 28, 1]);
          const big = tf.image.resizeBilinear(grey, [resize, resize], false, true);
          const rgb = big.slice([0, off, off, 0], [n, 64, 64, 1]).tile([1, 1, 1, 3]);
          return (model.predict(rgb) as tf.Tensor).argMax(1);
        });
        const p = await pred.data();
        pred.dispose();
        for (let j = 0; j < n; j++) if (p[j] === test.labels[i + j]) correct++;
      }
      const acc = correct / test.n;
      assert.ok(acc >= card.testAccuracy.overall - 0.03, `accuracy on 1,000 test images ${acc}; card ${card.testAccuracy.overall}`);
    } finally {
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
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
