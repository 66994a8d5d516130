import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  float32FromBytesLE, float32ToBytesLE, loadTransactions, loadTransactionStore, saveTransactions, saveTransactionStore,
  transactionsFromArrowIPC, transactionsFromCsv, transactionsToArrowIPC, transactionsToCsv,
} from '../../src/transactions/io';
import { transactionsForK } from '../../src/transactions/store';
import { tinyStore } from './fixtures';

describe('transactions/io', () => {
  let dir = '';
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-tx-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the CSV patch,class,items with space-separated items, best first, and parses it back', () => {
    const csv = transactionsToCsv(transactionsForK(tinyStore(), 3));
    assert.equal(csv, 'patch,class,items\n0,3,1 2 3\n1,5,3 0 2\n');
    const back = transactionsFromCsv(csv);
    assert.deepEqual(back.objects(), [{ patch: 0, class: 3, items: [1, 2, 3] }, { patch: 1, class: 5, items: [3, 0, 2] }]);
    assert.throws(() => transactionsFromCsv('a,b\n'), /missing column 'patch'/);
  });

  it('round-trips a transaction table through Arrow IPC with typed columns', () => {
    const t = transactionsForK(tinyStore(), 2);
    const back = transactionsFromArrowIPC(transactionsToArrowIPC(t));
    assert.deepEqual(back.objects(), t.objects());
    assert.ok(back.column('image') instanceof Int32Array);
    assert.ok(back.column('score') instanceof Float32Array);
  });

  it('stores float32 little-endian bytes independent of platform order', () => {
    const v = Float32Array.of(1, -2.5, NaN);
    const b = float32ToBytesLE(v);
    assert.deepEqual(Array.from(b.subarray(0, 4)), [0, 0, 0x80, 0x3f]); // 1.0f LE
    assert.deepEqual(float32FromBytesLE(b), v);
  });

  it('saves and loads a store (table + raw scores + JSON header)', () => {
    saveTransactionStore(tinyStore(), dir);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['patches.arrow', 'scores.f32', 'scores.json']);
    const header = JSON.parse(fs.readFileSync(path.join(dir, 'scores.json'), 'utf8'));
    assert.deepEqual(header.shape, [2, 4]);
    assert.deepEqual(loadTransactionStore(dir), tinyStore());
    fs.rmSync(path.join(dir, 'scores.f32'));
    assert.throws(() => loadTransactionStore(dir), /scores.f32 is missing/);
  });

  it('saves a table as .arrow and .csv', () => {
    const t = transactionsForK(tinyStore(), 2);
    saveTransactions(t, path.join(dir, 'k2'));
    assert.deepEqual(loadTransactions(path.join(dir, 'k2.arrow')).objects(), t.objects());
    assert.equal(fs.readFileSync(path.join(dir, 'k2.csv'), 'utf8'), 'patch,class,items\n0,3,1 2\n1,5,3 0\n');
  });
});
