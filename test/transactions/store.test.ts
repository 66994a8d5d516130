import * as assert from 'node:assert/strict';
import { concatTransactionStores, topKItems, transactionsForK, transactionsForKs } from '../../src/transactions/store';
import { tinyStore } from './fixtures';

describe('transactions/store', () => {
  it('builds the transaction table with items best first and class = label', () => {
    const t = transactionsForK(tinyStore(), 2);
    assert.deepEqual(t.columnNames(), ['image', 'patch', 'x', 'y', 'size', 'label', 'pred', 'score', 'drop', 'items', 'class']);
    assert.deepEqual(t.objects(), [
      { image: 0, patch: 0, x: 1, y: 2, size: 7, label: 3, pred: 3, score: 0.75, drop: 0.25, items: [1, 2], class: 3 },
      { image: 2, patch: 1, x: 0, y: 3, size: 7, label: 5, pred: 4, score: 0.5, drop: 0.125, items: [3, 0], class: 5 },
    ]);
  });

  it('gives prefixes of one ranking for several k, clamped to the filter count', () => {
    const m = topKItems(tinyStore(), [1, 3, 10]);
    assert.deepEqual(m.get(1), [[1], [3]]);
    assert.deepEqual(m.get(3), [[1, 2, 3], [3, 0, 2]]);
    assert.deepEqual(m.get(10), [[1, 2, 3, 0], [3, 0, 2, 1]]);
    const tables = transactionsForKs(tinyStore(), [1, 3]);
    assert.deepEqual(tables.get(3)!.array('items'), [[1, 2, 3], [3, 0, 2]]);
  });

  it('does not modify the store, and the table does not alias it', () => {
    const s = tinyStore();
    const t = transactionsForK(s, 2);
    assert.deepEqual(s, tinyStore());
    s.columns.x[0] = 99;
    s.scores[1] = -1;
    assert.equal(t.get('x', 0), 1);
    assert.deepEqual(t.get('items', 0), [1, 2]);
  });

  it('concatenates stores in order and checks shapes', () => {
    const c = concatTransactionStores([tinyStore(), tinyStore()]);
    assert.deepEqual(Array.from(c.columns.image), [0, 2, 0, 2]);
    assert.equal(c.scores.length, 16);
    assert.deepEqual(Array.from(c.scores.subarray(8, 12)), Array.from(tinyStore().scores.subarray(0, 4)));
    const bad = tinyStore(); bad.columns.x = Int32Array.of(1);
    assert.throws(() => transactionsForK(bad, 2), /column 'x' has 1 rows, expected 2/);
  });
});
