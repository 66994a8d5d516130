import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aq } from '../../src/util/arquero';
import {
  fromFimi, fromTransactionArrays, fromTransactionTable, fromTransactionsCsv, loadFimi, loadTransactionsCsv, topKTransactions,
} from '../../src/mining';

describe('mining/transactions', () => {
  it('builds compressed rows from arrays, keeping the item order', () => {
    const tx = fromTransactionArrays([[5, 1], [], [2]], [1, 0, 1], { ids: [10, 11, 12] });
    assert.deepEqual(Array.from(tx.items), [5, 1, 2]);
    assert.deepEqual(Array.from(tx.offsets), [0, 2, 2, 3]);
    assert.deepEqual(Array.from(tx.classes), [1, 0, 1]);
    assert.deepEqual(Array.from(tx.ids!), [10, 11, 12]);
    assert.equal(tx.nItems, 6);
  });

  it('parses FIMI text, skipping blank lines', () => {
    const tx = fromFimi('1 3 9\n\n2  3\n');
    assert.deepEqual(Array.from(tx.items), [1, 3, 9, 2, 3]);
    assert.deepEqual(Array.from(tx.offsets), [0, 3, 5]);
    assert.deepEqual(Array.from(tx.ids!), [1, 3]);
  });

  it('parses the extraction CSV in any column order, with extra and quoted columns', () => {
    const tx = fromTransactionsCsv('class,note,patch,items\n3,"a, b",7,4 2 9\n0,,8,\n');
    assert.deepEqual(Array.from(tx.items), [4, 2, 9]);
    assert.deepEqual(Array.from(tx.offsets), [0, 3, 3]);
    assert.deepEqual(Array.from(tx.classes), [3, 0]);
    assert.deepEqual(Array.from(tx.ids!), [7, 8]);
  });

  it('reads an arquero table with array or string items', () => {
    const t = aq.table({ patch: [0, 1], class: [2, 2], items: [[3, 1], '4 0'] });
    const tx = fromTransactionTable(t);
    assert.deepEqual(Array.from(tx.items), [3, 1, 4, 0]);
    assert.deepEqual(Array.from(tx.classes), [2, 2]);
  });

  it('cuts best-first transactions to their top k', () => {
    const tx = topKTransactions(fromTransactionArrays([[5, 1, 4], [2]], [0, 1]), 2);
    assert.deepEqual(Array.from(tx.items), [5, 1, 2]);
    assert.deepEqual(Array.from(tx.offsets), [0, 2, 3]);
    assert.throws(() => topKTransactions(tx, 0), /k must be a positive integer, got 0/);
  });

  it('names the line, column and value on bad input', () => {
    assert.throws(() => fromTransactionsCsv('patch,items\n1,2 3\n'), /line 1: missing column 'class'; expected columns patch,class,items \(got patch,items\)/);
    assert.throws(() => fromTransactionsCsv('patch,class,items\n0,1,2 3\n1,1,2 x3\n'), /line 3: item 'x3' is not a non-negative integer/);
    assert.throws(() => fromTransactionsCsv('patch,class,items\n0,1,2 3\n1,,4\n'), /line 3: class is empty; expected a non-negative integer/);
    assert.throws(() => fromTransactionsCsv('patch,class,items\n0,cat,4\n'), /line 2: class 'cat' is not a non-negative integer/);
    assert.throws(() => fromTransactionsCsv('patch,class,items\n0,1,4 4\n'), /line 2: item 4 appears twice/);
    assert.throws(() => fromTransactionsCsv('patch,class,items\n0,1\n'), /line 2: 2 fields, expected 3/);
    assert.throws(() => fromTransactionsCsv(''), /empty; expected a header line/);
    assert.throws(() => fromFimi('1 2\n3 -4\n'), /FIMI line 2: item '-4' is not a non-negative integer/);
    assert.throws(() => fromFimi('1 2.5\n'), /FIMI line 1: item '2\.5'/);
    assert.throws(() => fromTransactionTable(aq.table({ patch: [0], items: [[1]] })), /missing column 'class'; expected columns patch, class, items \(got patch, items\)/);
    assert.throws(() => fromTransactionTable(aq.table({ patch: [0], class: [0], items: [[1, 1.5]] })), /row 0: item 1\.5 is not a non-negative integer/);
    assert.throws(() => fromTransactionTable(aq.table({ patch: [0], class: [null], items: [[1]] })), /row 0: class null is not a non-negative integer/);
    assert.throws(() => fromTransactionArrays([[1, 2]], [0, 1]), /1 item lists but 2 classes/);
    assert.throws(() => fromTransactionArrays([[1, 2]], [-1]), /transaction 0: class -1 is not a non-negative integer/);
    assert.throws(() => fromTransactionArrays([[3, 2]], [0], { nItems: 3 }), /transaction 0: item 3 outside \[0, 3\)/);
  });

  it('loads files and names a missing one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-mining-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.dat'), '1 2\n2 3\n');
      fs.writeFileSync(path.join(dir, 'a.csv'), 'patch,class,items\n0,1,2 3\n1,0,x\n');
      assert.equal((await loadFimi(path.join(dir, 'a.dat'))).offsets.length, 3);
      await assert.rejects(loadTransactionsCsv(path.join(dir, 'a.csv')), /a\.csv: transactions CSV line 3: item 'x'/);
      await assert.rejects(loadFimi(path.join(dir, 'none.dat')), /loadFimi: file '.*none\.dat' does not exist/);
      await assert.rejects(loadTransactionsCsv(path.join(dir, 'none.csv')), /loadTransactionsCsv: file '.*none\.csv' does not exist/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not mutate or keep its inputs', () => {
    const items = [[3, 1], [2]];
    const classes = [0, 1];
    const tx = fromTransactionArrays(items, classes);
    items[0][0] = 9;
    classes[0] = 5;
    assert.deepEqual(Array.from(tx.items), [3, 1, 2]);
    assert.deepEqual(Array.from(tx.classes), [0, 1]);
    const cut = topKTransactions(tx, 1);
    assert.deepEqual(Array.from(tx.items), [3, 1, 2]);
    assert.deepEqual(Array.from(cut.items), [3, 2]);
  });
});
