import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { extractDataset, parseShard, chunkRange } from '../../src/extract/run';
import { mergeExtraction, chunkPath } from '../../src/extract/merge';
import { imageSetSource } from '../../src/extract/source';
import { extractDatasetParallel } from '../../src/extract/parallel';
import { loadTransactions, loadTransactionStore } from '../../src/transactions/io';
import { transactionsForK } from '../../src/transactions/store';
import { tinyImageSet, tinyModel } from './fixtures';

/** Every file under `dir` (relative path -> bytes), except temp files. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

function assertSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [k, v] of a) assert.ok(v.equals(b.get(k)!), `file ${k} differs`);
}

describe('extract/run', function () {
  this.timeout(60000);
  let model: tf.LayersModel;
  let root = '';
  const data = imageSetSource(tinyImageSet(200), 'tiny');
  const base = { layer: 'feat', chunkSize: 50, batchSize: 25, seed: 11, ks: [2, 4] };
  let reference: Map<string, Buffer>;

  before(async () => {
    await tf.setBackend('cpu');
    model = tinyModel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-extract-'));
    const before = tf.memory().numTensors;
    const r = await extractDataset(model, data, { ...base, out: path.join(root, 'full') });
    assert.equal(tf.memory().numTensors, before, 'tensor count after a run equals the count before');
    assert.ok(r.complete && r.merged);
    assert.deepEqual(r.chunksComputed, [0, 1, 2, 3]);
    reference = snapshot(path.join(root, 'full'));
  });
  after(() => { model.dispose(); fs.rmSync(root, { recursive: true, force: true }); });

  it('writes chunks, the store, per-k transaction tables (Arrow + CSV), images and a summary', () => {
    const out = path.join(root, 'full');
    for (const f of ['manifest.json', 'chunks/chunk-000003.fmc', 'store/patches.arrow', 'store/scores.f32', 'store/scores.json',
      'transactions-k2.arrow', 'transactions-k2.csv', 'transactions-k4.csv', 'images.arrow', 'summary.json']) {
      assert.ok(reference.has(f), `missing ${f}`);
    }
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    assert.equal(summary.images, 200);
    assert.equal(summary.outcomes.zero, 8); // every 25th image is blank
    assert.equal(summary.outcomes.ok, 192);
    const store = loadTransactionStore(path.join(out, 'store'));
    assert.equal(store.columns.patch.length, summary.patches);
    assert.deepEqual(Array.from(store.columns.patch), Array.from({ length: summary.patches }, (_, i) => i));
    // k can be changed later from the store alone, and matches the table written by the run
    const t4 = loadTransactions(path.join(out, 'transactions-k4.arrow'));
    assert.deepEqual(transactionsForK(store, 4).objects(), t4.objects());
    const csv = fs.readFileSync(path.join(out, 'transactions-k2.csv'), 'utf8').split('\n');
    assert.equal(csv[0], 'patch,class,items');
    assert.match(csv[1], /^0,\d,\d \d$/);
  });

  it('killed after some chunks and restarted, finishes with byte-identical output', async () => {
    const out = path.join(root, 'resumed');
    const first = await extractDataset(model, data, { ...base, out, maxChunks: 2 });
    assert.deepEqual(first.chunksComputed, [0, 1]);
    assert.equal(first.complete, false);
    assert.ok(!fs.existsSync(path.join(out, 'summary.json')));
    // a half-written chunk left by the killed writer must not count as done
    fs.writeFileSync(`${chunkPath(out, 2)}.tmp-999-x`, 'partial');
    const second = await extractDataset(model, data, { ...base, out });
    assert.deepEqual(second.chunksSkipped, [0, 1]);
    assert.deepEqual(second.chunksComputed, [2, 3]);
    assertSameFiles(snapshot(out), reference);
  });

  it('shards i/n plus merge equal a single run', async () => {
    const out = path.join(root, 'sharded');
    const s1 = await extractDataset(model, data, { ...base, out, shard: parseShard('1/2') });
    assert.deepEqual(s1.chunksComputed, [1, 3]);
    assert.equal(s1.complete, false);
    assert.throws(() => mergeExtraction(out), /chunk\(s\) 0, 2 of 4 are not done yet/);
    const s0 = await extractDataset(model, data, { ...base, out, shard: parseShard('0/2'), merge: false });
    assert.ok(s0.complete && !s0.merged);
    mergeExtraction(out, { ks: [2, 4] });
    assertSameFiles(snapshot(out), reference);
  });

  it('two worker threads (one shard each) give the same bytes as a single run', async () => {
    const out = path.join(root, 'workers');
    const before = tf.memory().numTensors;
    const r = await extractDatasetParallel(model, data, { ...base, out, workers: 2, backend: 'cpu' });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(r.chunksComputed, [0, 1, 2, 3]);
    assert.ok(r.complete && r.merged);
    assertSameFiles(snapshot(out), reference);
  });

  it('refuses to reuse a folder made with different parameters', async () => {
    await assert.rejects(() => extractDataset(model, data, { ...base, seed: 12, out: path.join(root, 'full') }),
      /different parameters \(differs in: params.seed\)/);
  });

  it('same seed, same transactions; another seed, other windows', async () => {
    const small = imageSetSource(tinyImageSet(20), 'tiny20');
    const run = async (seed: number, name: string) => {
      const out = path.join(root, name);
      // few samples, so that the seed matters (1000 samples find the best of 100 windows every time)
      await extractDataset(model, small, { ...base, seed, out, patch: { samples: 5 } });
      return fs.readFileSync(path.join(out, 'store', 'patches.arrow'));
    };
    const a = await run(1, 's1a'), b = await run(1, 's1b'), c = await run(2, 's2');
    assert.ok(a.equals(b));
    assert.ok(!a.equals(c));
    // rerunning a finished run computes nothing; asking for other k values merges again
    const again = await extractDataset(model, small, { ...base, seed: 1, out: path.join(root, 's1a'), patch: { samples: 5 }, ks: [3] });
    assert.deepEqual(again.chunksComputed, []);
    assert.ok(again.merged && fs.existsSync(path.join(root, 's1a', 'transactions-k3.csv')));
    const same = await extractDataset(model, small, { ...base, seed: 1, out: path.join(root, 's1a'), patch: { samples: 5 }, ks: [3] });
    assert.equal(same.merged, undefined);
  });

  it('parses shards and chunk ranges', () => {
    assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
    assert.throws(() => parseShard('5/5'), /0 <= i < n/);
    assert.deepEqual(chunkRange(3, 50, 170), [150, 170]);
  });
});
