import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { assertArraysClose } from '../helpers';
import { decodeImage, loadImageFolder, openImageFolder, resizeCropGeometry, scanImageFolder } from '../../src/data/image-folder';
import { selectBackend } from '../../src/backend';

/** RGB pixel function -> PNG bytes. */
function png(width: number, height: number, rgb: (y: number, x: number) => [number, number, number]): Buffer {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b] = rgb(y, x), i = (y * width + x) * 4;
    img.data[i] = r; img.data[i + 1] = g; img.data[i + 2] = b; img.data[i + 3] = 255;
  }
  return PNG.sync.write(img);
}

/** A uniform-colour JPEG (quality 100: a flat colour survives compression within a few levels). */
function flatJpeg(width: number, height: number, rgb: [number, number, number]): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return jpeg.encode({ width, height, data }, 100).data;
}

/**
 * root/
 *   bird/  a.png (8 rows x 4 cols, row r has value 10*r in every channel), notes.txt
 *   cat/   b.jpg (flat red 6x10), c.jpg (corrupt: JPEG header then garbage), d.PNG (flat (0, 128, 255) 5x5)
 *   dog/   e.jpeg (flat green 10x6)
 *   stray.png (not inside a class folder)
 */
function makeFolder(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-imgfolder-'));
  for (const c of ['bird', 'cat', 'dog']) fs.mkdirSync(path.join(root, c));
  fs.writeFileSync(path.join(root, 'bird', 'a.png'), png(4, 8, (y) => [10 * y, 10 * y, 10 * y]));
  fs.writeFileSync(path.join(root, 'bird', 'notes.txt'), 'not an image');
  fs.writeFileSync(path.join(root, 'cat', 'b.jpg'), flatJpeg(10, 6, [255, 0, 0]));
  fs.writeFileSync(path.join(root, 'cat', 'c.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 300 }, (_, i) => (i * 37) % 256)]));
  fs.writeFileSync(path.join(root, 'cat', 'd.PNG'), png(5, 5, () => [0, 128, 255]));
  fs.writeFileSync(path.join(root, 'dog', 'e.jpeg'), flatJpeg(6, 10, [0, 255, 0]));
  fs.writeFileSync(path.join(root, 'stray.png'), png(2, 2, () => [1, 2, 3]));
  return root;
}

describe('data/image-folder', () => {
  let root = '';
  before(async () => { await selectBackend('wasm'); root = makeFolder(); });
  after(() => { fs.rmSync(root, { recursive: true, force: true }); });

  it('decodeImage reads PNG and JPEG by their bytes and rejects other bytes with the reason', () => {
    const p = decodeImage(png(2, 1, (_, x) => [x, 2, 3]));
    assert.deepEqual([p.width, p.height, ...p.data], [2, 1, 0, 2, 3, 1, 2, 3]);
    const j = decodeImage(flatJpeg(3, 2, [255, 0, 0]));
    assert.deepEqual([j.width, j.height, j.data.length], [3, 2, 18]);
    assert.ok(j.data[0] > 250 && j.data[1] < 5 && j.data[2] < 5, `red came back as ${Array.from(j.data.subarray(0, 3))}`);
    assert.throws(() => decodeImage(Buffer.from('hello')), /not a JPEG or PNG file \(starts with bytes 68 65 6c 6c\)/);
  });

  it('resizeCropGeometry resizes the shorter side and centres the crop (hand-computed)', () => {
    assert.deepEqual(resizeCropGeometry(8, 4, 2, 2), { resizedHeight: 4, resizedWidth: 2, top: 1, left: 0 });
    assert.deepEqual(resizeCropGeometry(375, 500, 256, 224), { resizedHeight: 256, resizedWidth: 341, top: 16, left: 58 });
    assert.throws(() => resizeCropGeometry(4, 4, 2, 3), /resize \(2\) must be at least size \(3\)/);
  });

  it('scan: sorted class folders give the labels; non-image names and stray files are rejected', () => {
    const s = scanImageFolder(root);
    assert.deepEqual(s.classNames, ['bird', 'cat', 'dog']);
    assert.deepEqual(s.entries.map((e) => [path.relative(root, e.file), e.label]),
      [['bird/a.png', 0], ['cat/b.jpg', 1], ['cat/c.jpg', 1], ['cat/d.PNG', 1], ['dog/e.jpeg', 2]]);
    assert.deepEqual(s.rejected.map((r) => path.relative(root, r.file)).sort(), ['bird/notes.txt', 'stray.png']);
    assert.match(s.rejected.find((r) => r.file.endsWith('notes.txt'))!.reason, /not an image file name/);
  });

  it('scan: classes, classNames, perClass and limit; a missing class folder is an error naming it', () => {
    const s = scanImageFolder(root, { classes: ['dog', 'cat'], classNames: ['ant', 'bird', 'cat', 'dog'], perClass: 1 });
    assert.deepEqual(s.entries.map((e) => [path.basename(e.file), e.label]), [['b.jpg', 2], ['e.jpeg', 3]]);
    assert.equal(scanImageFolder(root, { limit: 2 }).entries.length, 2);
    assert.throws(() => scanImageFolder(root, { classes: ['horse'] }), /class 'horse' has no folder under .*; folders: bird, cat, dog/);
    assert.throws(() => scanImageFolder(path.join(root, 'nope')), /cannot read image folder/);
  });

  it("loads, resizes the shorter side, centre-crops and applies 'unit' (hand-computed pixels)", async () => {
    const before = tf.memory().numTensors;
    const r = await loadImageFolder(root, { size: 2, resize: 2, preset: 'unit' });
    assert.deepEqual(r.images.shape, [4, 2, 2, 3]);
    assert.deepEqual(Array.from(r.labels), [0, 1, 1, 2]);
    assert.deepEqual(r.files.map((f) => path.relative(root, f)), ['bird/a.png', 'cat/b.jpg', 'cat/d.PNG', 'dog/e.jpeg']);
    const v = await r.images.data();
    // a.png: 8x4 -> 4x2 (scale 1/2, half-pixel centres: row i samples source row 2i + 0.5, value 20i + 5),
    // crop rows 1..2 -> values 25 and 45.
    assertArraysClose(v.subarray(0, 12), [25, 25, 25, 25, 25, 25, 45, 45, 45, 45, 45, 45].map((x) => x / 255), 1e-5, 0, 'a.png');
    // flat images stay flat: red, (0,128,255), green; JPEG within 3 levels.
    assertArraysClose(v.subarray(12, 24), Array(4).fill([1, 0, 0]).flat(), 3 / 255, 0, 'b.jpg');
    assertArraysClose(v.subarray(24, 36), Array(4).fill([0, 128 / 255, 1]).flat(), 1e-5, 0, 'd.PNG');
    assertArraysClose(v.subarray(36, 48), Array(4).fill([0, 1, 0]).flat(), 3 / 255, 0, 'e.jpeg');
    assert.deepEqual(r.rejected.map((x) => path.relative(root, x.file)).sort(), ['bird/notes.txt', 'cat/c.jpg', 'stray.png']);
    assert.match(r.rejected.find((x) => x.file.endsWith('c.jpg'))!.reason, /JPEG marker/);
    r.images.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it("'caffe' gives BGR minus the ImageNet mean on the decoded pixels (hand-computed)", async () => {
    const r = await loadImageFolder(root, { size: 3, resize: 5, classes: ['cat'], preset: 'caffe' });
    const v = await r.images.data();
    // d.PNG is flat (R, G, B) = (0, 128, 255): BGR = (255, 128, 0).
    const d = r.files.findIndex((f) => f.endsWith('d.PNG'));
    assertArraysClose(v.subarray(d * 27, d * 27 + 27), Array(9).fill([255 - 103.939, 128 - 116.779, 0 - 123.68]).flat(), 1e-3, 0, 'd.PNG');
    r.images.dispose();
  });

  it('the lazy iterator yields batches of decoded images, reports rejects per batch and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const folder = openImageFolder(root, { size: 4, preset: 'torch' });
    assert.equal(folder.resize, 5); // round(4 * 256 / 224)
    const seen: string[][] = [];
    const batchRejects: string[] = [];
    for await (const b of folder.batches(3)) {
      assert.deepEqual(b.images.shape, [b.files.length, 4, 4, 3]);
      seen.push(b.files.map((f) => path.basename(f)));
      batchRejects.push(...b.rejected.map((x) => path.basename(x.file)));
      b.images.dispose();
    }
    assert.deepEqual(seen, [['a.png', 'b.jpg', 'd.PNG'], ['e.jpeg']]);
    assert.deepEqual(batchRejects, ['c.jpg']);
    assert.equal(folder.rejected.length, 3);
    // Breaking out early disposes the images already decoded.
    for await (const b of openImageFolder(root, { size: 4 }).batches(2)) { b.images.dispose(); break; }
    assert.equal(tf.memory().numTensors, before);
  });

  it('bad options are errors naming the value; the options object is not modified', async () => {
    const options = { size: 4, preset: 'imagenet', classes: ['cat'] };
    assert.throws(() => openImageFolder(root, options), /unknown preprocessing preset 'imagenet'; known: caffe/);
    assert.deepEqual(options, { size: 4, preset: 'imagenet', classes: ['cat'] });
    assert.throws(() => openImageFolder(root, { size: 0 }), /size must be a positive integer, got 0/);
    assert.throws(() => openImageFolder(root, { size: 8, resize: 4 }), /resize \(4\) must be at least size \(8\)/);
    assert.throws(() => openImageFolder(root, { perClass: -1 }), /perClass must be a non-negative integer, got -1/);
  });
});
