/**
 * Damaged and hostile run folders: a flipped bit in a chunk, a corrupted chunk header, k above the
 * layer's width, an empty data set, a second process on the same folder, tables of another k left
 * by an earlier merge, `--limit 0` on the CLI. Each fails at once with a message naming the value
 * and what was expected, before any chunk is computed.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { extractDataset } from '../../src/extract/run';
import { mergeExtraction, chunkPath } from '../../src/extract/merge';
import { imageSetSource } from '../../src/extract/source';
import { tinyImageSet, tinyModel } from './fixtures';
import '../../src/cli/commands/extract';
import { getCommand } from '../../src/cli/registry';
import { runTransactionTable } from '../../src/cli/run-folder';

describe('extract: damaged and hostile run folders', function () {
  this.timeout(60000);
  let model: tf.LayersModel;
  let root = '';
  const data = imageSetSource(tinyImageSet(60), 'tiny');
  const base = { layer: 'feat', chunkSize: 20, batchSize: 20, seed: 2, ks: [2, 4] };
  let full = '';

  before(async () => {
    await tf.setBackend('cpu');
    model = tinyModel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-hostile-'));
    full = path.join(root, 'full');
    const r = await extractDataset(model, data, { ...base, out: full });
    assert.ok(r.complete && r.merged);
  });
  after(() => { model.dispose(); fs.rmSync(root, { recursive: true, force: true }); });

  /** A copy of the finished run folder to damage. */
  function copyRun(name: string): string {
    const dir = path.join(root, name);
    fs.cpSync(full, dir, { recursive: true });
    return dir;
  }

  it('a flipped float in a chunk is reported, naming the file and how to recompute it, not merged', () => {
    const dir = copyRun('flipped');
    const f = chunkPath(dir, 1);
    const bytes = fs.readFileSync(f);
    bytes[bytes.length - 3] ^= 0x40; // inside the last score
    fs.writeFileSync(f, bytes);
    assert.throws(() => mergeExtraction(dir), (e: Error) => {
      assert.ok(e.message.includes(f), e.message);
      assert.match(e.message, /damaged chunk file \(SHA-256 checksum mismatch\); delete it and rerun the same 'filtermine extract' command/);
      return true;
    });
  });

  it('a corrupted chunk header is reported with the file name (not a bare JSON error)', () => {
    const dir = copyRun('header');
    const f = chunkPath(dir, 0);
    const bytes = fs.readFileSync(f);
    const at = bytes.indexOf('"images"');
    bytes[at + 1] = '{'.charCodeAt(0);
    fs.writeFileSync(f, bytes);
    assert.throws(() => mergeExtraction(dir), (e: Error) => e.message.startsWith(`${f}: damaged chunk file`));
  });

  it('k above the layer width is refused before anything is written (extract and merge)', async () => {
    const out = path.join(root, 'wide');
    await assert.rejects(extractDataset(model, data, { ...base, ks: [2, 7, 9], out }),
      /k = 7, 9 is above the width of layer 'feat' \(6 filters\); expected every k between 1 and 6/);
    assert.equal(fs.existsSync(path.join(out, 'manifest.json')), false);
    assert.throws(() => mergeExtraction(copyRun('wide-merge'), { ks: [7] }), /k = 7 is above the width of layer 'feat'/);
    // Reading a finished run at such a k (mine --run, evaluate --run) is refused too: the store would
    // otherwise hand back every filter of every patch.
    assert.throws(() => runTransactionTable('mine', full, 7), /k = 7 is above the width of layer 'feat' \(6 filters\)/);
    assert.equal(runTransactionTable('mine', full, 6).table.numRows(), runTransactionTable('mine', full, 2).table.numRows());
  });

  it('an empty data set is refused before a manifest is written', async () => {
    const out = path.join(root, 'empty');
    await assert.rejects(extractDataset(model, imageSetSource(tinyImageSet(60), 'tiny', 0), { ...base, out }), /has no images; expected at least one/);
    assert.equal(fs.existsSync(out), false);
  });

  it('a second process on the same folder and shard stops at once; a lock of a dead process is taken over', async () => {
    const dir = path.join(root, 'locked');
    await extractDataset(model, data, { ...base, out: dir, maxChunks: 1 });
    const lock = path.join(dir, 'lock-0of1');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), started: 'now' }));
    await assert.rejects(extractDataset(model, data, { ...base, out: dir }), (e: Error) => {
      assert.match(e.message, new RegExp(`being extracted by another process \\(pid ${process.pid} on `));
      assert.ok(e.message.includes(lock), e.message);
      return true;
    });
    assert.equal(fs.existsSync(chunkPath(dir, 1)), false, 'nothing computed while locked');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(lock, JSON.stringify({ pid: Number(dead), host: os.hostname(), started: 'earlier' }));
    const r = await extractDataset(model, data, { ...base, out: dir });
    assert.deepEqual(r.chunksComputed, [1, 2]);
    assert.equal(fs.existsSync(lock), false, 'lock released');
  });

  it('merging with other k values removes the old tables, so the folder and summary.json agree', () => {
    const dir = copyRun('other-k');
    const r = mergeExtraction(dir, { ks: [3] });
    assert.deepEqual(r.removed.sort(), ['transactions-k2.arrow', 'transactions-k2.csv', 'transactions-k4.arrow', 'transactions-k4.csv']);
    const tables = fs.readdirSync(dir).filter((f) => f.startsWith('transactions-k')).sort();
    assert.deepEqual(tables, ['transactions-k3.arrow', 'transactions-k3.csv']);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')).ks, [3]);
  });

  it('filtermine extract --limit 0 names --limit and leaves no folder behind', async () => {
    const out = path.join(root, 'limit0');
    await assert.rejects(getCommand('extract')!.run(['--model', 'vgg-small', '--limit', '0', '--out', out, '--quiet']),
      /extract: --limit must be a positive integer \(images to process\), got '0'/);
    assert.equal(fs.existsSync(out), false);
  });
});
