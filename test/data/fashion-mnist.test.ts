import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { fromIdx } from '../../src/data/idx';
import { loadFashionMnist, FASHION_MNIST_CLASSES } from '../../src/data/fashion-mnist';

describe('data/idx', () => {
  it('decodes a hand-made rank-3 file', () => {
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40]);
    const a = fromIdx(bytes, 'x');
    assert.deepEqual(a.shape, [2, 1, 2]);
    assert.deepEqual([...a.data], [10, 20, 30, 40]);
  });
  it('names the file when the length does not match the header', () => {
    const bytes = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 1, 2]);
    assert.throws(() => fromIdx(bytes, 'labels.idx'), /labels\.idx: expected 11 bytes for shape \[3\], got 10/);
  });
});

describe('data/fashion-mnist', () => {
  it('reads the test split with its class names', function () {
    const s = loadFashionMnist('test', { limit: 100 });
    assert.equal(s.n, 100);
    assert.equal(s.height, 28);
    assert.equal(s.width, 28);
    assert.equal(s.images.length, 100 * 28 * 28);
    assert.equal(s.classNames, FASHION_MNIST_CLASSES);
    assert.equal(s.labels[0], 9); // the first test image is an ankle boot
    assert.match(s.checksum, /^[0-9a-f]{64}$/);
  });
  it('reports a corrupt file by name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-'));
    fs.writeFileSync(path.join(dir, 't10k-images-idx3-ubyte.gz'), Buffer.from('not gzip'));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 0])));
    assert.throws(() => loadFashionMnist('test', { dir }), /t10k-images-idx3-ubyte\.gz is corrupt/);
  });
});
