import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../../src/cli/commands/extract';
import { getCommand } from '../../src/cli/registry';
import { saveModel } from '../../src/models/io';
import { fashionMnistSearchPath } from '../../src/data/fashion-mnist';
import { skipOrFailInCI } from '../helpers';

/** A tiny seeded CNN for 28x28x1 input with a spatial layer 'feat' (7x7x4). */
function tiny28(): tf.LayersModel {
  const m = tf.sequential({ name: 'tiny28' });
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, strides: 4, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }), name: 'feat' }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }), name: 'logits' }));
  return m;
}

describe('cli extract', function () {
  this.timeout(60000);
  const hasData = fashionMnistSearchPath().some((d) => fs.existsSync(path.join(d, 't10k-images-idx3-ubyte.gz')));
  let dir = '';
  before(async function () {
    if (!hasData) skipOrFailInCI(this, 'the Fashion-MNIST data set is not installed (apt-get install dataset-fashion-mnist)');
    await tf.setBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-cli-'));
    const m = tiny28();
    await saveModel(m, path.join(dir, 'model'));
    m.dispose();
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });
  const cmd = () => getCommand('extract')!;

  it('runs on Fashion-MNIST from a model folder, then merges again with other k', async () => {
    const out = path.join(dir, 'run');
    const code = await cmd().run(['--model', path.join(dir, 'model'), '--layer', 'feat', '--limit', '60', '--chunk', '30', '--batch', '30',
      '--k', '3', '--backend', 'cpu', '--quiet', '--out', out]);
    assert.equal(code, 0);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.images, 60);
    assert.ok(fs.existsSync(path.join(out, 'transactions-k3.csv')));
    assert.equal(await cmd().run(['merge', '--out', out, '--k', '2,4']), 0);
    const csv = fs.readFileSync(path.join(out, 'transactions-k4.csv'), 'utf8').split('\n');
    assert.match(csv[1], /^0,\d,\d \d \d \d$/);
  });

  it('--no-merge: the shard that completes the run leaves the merge to `extract merge`', async () => {
    const out = path.join(dir, 'no-merge');
    const common = ['--model', path.join(dir, 'model'), '--layer', 'feat', '--limit', '60', '--chunk', '30', '--batch', '30',
      '--k', '3', '--backend', 'cpu', '--quiet', '--out', out, '--no-merge'];
    for (const shard of ['0/2', '1/2']) assert.equal(await cmd().run([...common, '--shard', shard]), 0);
    assert.equal(fs.readdirSync(path.join(out, 'chunks')).length, 2, 'both chunks written');
    assert.ok(!fs.existsSync(path.join(out, 'summary.json')), 'not merged');
    assert.equal(await cmd().run(['merge', '--out', out]), 0);
    assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')).images, 60);
  });

  it('rejects bad arguments with clear messages', async () => {
    await assert.rejects(() => cmd().run(['--layer', 'feat']), /--model is required/);
    await assert.rejects(() => cmd().run(['--model', 'x', '--data', 'cifar']), /unknown --data 'cifar'; known: fashion-mnist-test, fashion-mnist-train/);
    await assert.rejects(() => cmd().run(['--model', 'x', '--k', '5,zero']), /--k must be a comma-separated list/);
    await assert.rejects(() => cmd().run(['--model', path.join(dir, 'nope'), '--backend', 'cpu']), /neither a shipped model/);
    await assert.rejects(() => cmd().run(['--model', path.join(dir, 'model'), '--backend', 'cpu']), /--layer is required .* feat/);
    await assert.rejects(() => cmd().run(['merge']), /--out DIR is required/);
  });
});
