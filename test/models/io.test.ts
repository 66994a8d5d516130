import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { buildVggSmall } from '../../src/models/vgg-small';
import { buildResnetSmall } from '../../src/models/resnet-small';
import { saveModel, loadModel, loadWeightsInto, folderIOHandler } from '../../src/models/io';
import { rng } from '../../src/util/rng';

/** Replaces every weight (BN moving statistics included) by seeded random values, so a round trip must carry each one. */
function randomizeWeights(model: tf.LayersModel, seed: number): void {
  const r = rng(seed);
  const fresh = model.weights.map((w) => {
    const n = w.shape.reduce((a: number, b) => a * (b as number), 1);
    const v = new Float32Array(n);
    // positive values keep batch-norm variances valid
    for (let i = 0; i < n; i++) v[i] = 0.05 + 0.5 * r.next();
    return tf.tensor(v, w.shape as number[]);
  });
  model.setWeights(fresh);
  tf.dispose(fresh);
}

async function predict(model: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const d = await y.data() as Float32Array;
  y.dispose();
  return d;
}

const made: string[] = [];
function tmpDir(): string { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-io-')); made.push(d); return d; }

describe('models/io', () => {
  let input: tf.Tensor4D;
  before(async () => {
    await tf.setBackend('cpu');
    const r = rng(7);
    input = tf.tensor4d(Float32Array.from({ length: 3 * 28 * 28 }, () => r.next()), [3, 28, 28, 1]);
  });
  after(() => { input.dispose(); for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

  it('saves a model to a folder and loads it back with identical predictions', async () => {
    const dir = tmpDir();
    const model = buildVggSmall({ seed: 3, width: 0.25 });
    await saveModel(model, dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['group1-shard1of1.bin', 'model.json']);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.equal(json.format, 'layers-model');
    const before = tf.memory().numTensors;
    const back = await loadModel(dir);
    assert.deepEqual(back.layers.map((l) => l.name), model.layers.map((l) => l.name));
    assert.deepEqual(await predict(back, input), await predict(model, input));
    back.dispose();
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });

  it('round-trips a batch-norm ResNet (moving statistics included) through several shards', async () => {
    const dir = tmpDir();
    const model = buildResnetSmall({ seed: 4, width: 0.5 });
    randomizeWeights(model, 11);
    await model.save(folderIOHandler(dir, { shardBytes: 20_000 }));
    const shards = fs.readdirSync(dir).filter((f) => f.endsWith('.bin'));
    assert.ok(shards.length > 3, `${shards.length} shards`);
    const back = await loadModel(dir);
    assert.deepEqual(await predict(back, input), await predict(model, input));
    for (const [a, b] of back.weights.map((w, i) => [w, model.weights[i]] as const)) {
      assert.equal(a.originalName, b.originalName);
      assert.deepEqual(await a.read().data(), await b.read().data(), a.originalName);
    }
    back.dispose();
    model.dispose();
  });

  it('loads from an http URL (folder or model.json), and names a shard the server lacks', async () => {
    const dir = tmpDir();
    const model = buildVggSmall({ seed: 5, width: 0.25 });
    await model.save(folderIOHandler(dir, { shardBytes: 8_000 }));
    let hideShard = '';
    const server = http.createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').replace(/^\/m\//, ''));
      const file = path.join(dir, name);
      if (name === hideShard || name.includes('..') || !fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
    try {
      const expected = await predict(model, input);
      for (const url of [base, `${base}/`, `${base}/model.json`]) {
        const back = await loadModel(url);
        assert.deepEqual(await predict(back, input), expected, url);
        back.dispose();
      }
      const paths: string[] = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths;
      assert.ok(paths.length >= 3, `${paths.length} shards`);
      hideShard = paths[1];
      await assert.rejects(loadModel(base), new RegExp(`weight shard '${hideShard}' listed in .*model\\.json could not be fetched: HTTP 404`));
      await assert.rejects(loadModel(`http://127.0.0.1:${(server.address() as AddressInfo).port}/nothing`), /cannot fetch .*nothing\/model\.json: HTTP 404/);
    } finally {
      server.close();
      model.dispose();
    }
  });

  it('names a missing model.json, a missing shard and a truncated shard', async () => {
    const dir = tmpDir();
    await assert.rejects(loadModel(dir), new RegExp(`no model\\.json in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const model = buildVggSmall({ width: 0.25 });
    await model.save(folderIOHandler(dir, { shardBytes: 8_000 }));
    model.dispose();
    const paths: string[] = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).weightsManifest[0].paths;
    const last = paths[paths.length - 1];
    const shard = path.join(dir, last);
    const bytes = fs.readFileSync(shard);
    fs.writeFileSync(shard, bytes.subarray(0, bytes.length - 4));
    await assert.rejects(loadModel(dir), /hold \d+ bytes but the manifest's weights need \d+/);
    fs.rmSync(shard);
    await assert.rejects(loadModel(dir), new RegExp(`weight shard '${last}' listed in .*model\\.json is missing`));
  });

  it('reports a shape mismatch by weight name, and leaves the target model unchanged', async () => {
    const dir = tmpDir();
    const model = buildVggSmall({ width: 0.25 });
    await saveModel(model, dir);
    model.dispose();
    // a model.json whose manifest disagrees with its topology (same byte count)
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const spec = json.weightsManifest[0].weights.find((w: { name: string }) => w.name === 'logits/bias');
    spec.shape = [5, 2];
    const bad = tmpDir();
    fs.writeFileSync(path.join(bad, 'model.json'), JSON.stringify(json));
    fs.copyFileSync(path.join(dir, 'group1-shard1of1.bin'), path.join(bad, 'group1-shard1of1.bin'));
    await assert.rejects(loadModel(bad), /shape mismatch for weight 'logits\/bias': the model expects \[10\], the file has \[5, 2\]/);
    // weights of a narrower model into a wider one
    const wide = buildVggSmall({ width: 0.5, seed: 9 });
    const before = await wide.weights[0].read().data();
    await assert.rejects(loadWeightsInto(wide, dir), /shape mismatch for weight 'block1_conv1\/kernel': the model expects \[3, 3, 1, 16\], the file has \[3, 3, 1, 8\]/);
    assert.deepEqual(await wide.weights[0].read().data(), before);
    wide.dispose();
  });

  it('loadWeightsInto sets the weights of a freshly built model of the same topology', async () => {
    const dir = tmpDir();
    const a = buildVggSmall({ seed: 1, width: 0.25 });
    const b = buildVggSmall({ seed: 2, width: 0.25 });
    await saveModel(a, dir);
    assert.notDeepEqual(await predict(b, input), await predict(a, input));
    await loadWeightsInto(b, dir);
    assert.deepEqual(await predict(b, input), await predict(a, input));
    a.dispose(); b.dispose();
  });
});
