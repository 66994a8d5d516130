import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/util/rng';
import {
  generateImage, generatePlantedParts, PLANTED_PARTS_CLASSES, PLANTED_PARTS_VOCABULARY, partRole,
  readGroundTruthFolder, validateGroundTruth, writeGroundTruthFolder, type Box,
} from '../../src/groundtruth';

const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

describe('groundtruth/generator', () => {
  it('same seed, same bytes and boxes; another seed differs; a smaller set is a prefix per class', () => {
    const a = generatePlantedParts({ seed: 3, perClass: 6 });
    const b = generatePlantedParts({ seed: 3, perClass: 6 });
    const c = generatePlantedParts({ seed: 4, perClass: 6 });
    const small = generatePlantedParts({ seed: 3, perClass: 2 });
    assert.equal(sha(a.set.images), sha(b.set.images));
    assert.equal(JSON.stringify(a.truth), JSON.stringify(b.truth));
    assert.notEqual(sha(a.set.images), sha(c.set.images));
    const px = 64 * 64 * 3;
    PLANTED_PARTS_CLASSES.forEach((_, k) => {
      for (let j = 0; j < 2; j++) {
        assert.deepEqual(small.set.images.subarray((k * 2 + j) * px, (k * 2 + j + 1) * px), a.set.images.subarray((k * 6 + j) * px, (k * 6 + j + 1) * px));
      }
    });
    const test = generatePlantedParts({ seed: 3, perClass: 6, split: 'test' });
    assert.notEqual(sha(a.set.images), sha(test.set.images));
  });

  it('every box is the tight box of the pixels its part changed (image with parts vs the same background alone)', () => {
    const names = ['disc', 'checker', 'ring', 'dots', 'stripes'];
    let checked = 0;
    for (let s = 0; s < 20; s++) {
      const withParts = generateImage(names, 64, [12, 18], rng(s));
      const bare = generateImage([], 64, [12, 18], rng(s));
      const changed = (x: number, y: number) => [0, 1, 2].some((c) => withParts.rgb[(y * 64 + x) * 3 + c] !== bare.rgb[(y * 64 + x) * 3 + c]);
      const inBox = (b: Box, x: number, y: number) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;
      assert.equal(withParts.parts.length, names.length);
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          if (changed(x, y)) assert.ok(withParts.parts.some((p) => inBox(p.box, x, y)), `seed ${s}: changed pixel (${x}, ${y}) lies in no box`);
        }
      }
      for (const p of withParts.parts) {
        let x0 = 64, y0 = 64, x1 = -1, y1 = -1;
        for (let y = p.box.y; y < p.box.y + p.box.height; y++) {
          for (let x = p.box.x; x < p.box.x + p.box.width; x++) {
            if (changed(x, y)) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
          }
        }
        assert.deepEqual({ x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, p.box, `seed ${s}: part ${p.part}`);
        checked++;
      }
    }
    assert.equal(checked, 100);
  });

  it('the vocabulary has specific, shared (never alone identifying a class) and distractor parts, and every class a distinct combination', () => {
    const roles = PLANTED_PARTS_VOCABULARY.map(partRole);
    assert.ok(roles.includes('specific') && roles.includes('shared') && roles.includes('distractor'));
    for (const p of PLANTED_PARTS_VOCABULARY) if (partRole(p) === 'shared') assert.ok(p.classes.length >= 2, p.name);
    const combos = PLANTED_PARTS_CLASSES.map((c) => PLANTED_PARTS_VOCABULARY.filter((p) => p.classes.includes(c)).map((p) => p.name).join('+'));
    assert.equal(new Set(combos).size, PLANTED_PARTS_CLASSES.length);
    // Every image holds exactly its class's parts plus distractors.
    const g = generatePlantedParts({ seed: 1, perClass: 5 });
    g.truth.images.forEach((im, i) => {
      const cls = PLANTED_PARTS_CLASSES[g.set.labels[i]];
      const own = PLANTED_PARTS_VOCABULARY.filter((p) => p.classes.includes(cls)).map((p) => p.name).sort();
      const got = im.parts.map((p) => p.part).filter((n) => PLANTED_PARTS_VOCABULARY.find((v) => v.name === n)!.classes.length > 0).sort();
      assert.deepEqual(got, own);
      assert.ok(im.file.startsWith(`${cls}/`));
    });
  });

  it('writes a folder in the format and reads it back unchanged', async function () {
    this.timeout(30000);
    await tf.setBackend('cpu');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-gt-'));
    try {
      const g = generatePlantedParts({ seed: 2, perClass: 3 });
      writeGroundTruthFolder(dir, g.set, g.truth);
      const before = tf.memory().numTensors;
      const back = await readGroundTruthFolder(dir, { size: 64 });
      assert.equal(tf.memory().numTensors, before);
      assert.deepEqual(back.set.classNames, [...PLANTED_PARTS_CLASSES].sort());
      // The folder is read in sorted class order; compare image by image through the file names.
      back.files.forEach((f, i) => {
        const j = g.truth.images.findIndex((im) => im.file === f);
        assert.ok(j >= 0, f);
        assert.deepEqual(back.set.images.subarray(i * 64 * 64 * 3, (i + 1) * 64 * 64 * 3), g.set.images.subarray(j * 64 * 64 * 3, (j + 1) * 64 * 64 * 3));
        assert.deepEqual(back.planted[i], g.truth.images[j].parts);
      });
      // An image without an entry, or a part naming a class without a folder, is refused before decoding.
      const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8'));
      fs.writeFileSync(path.join(dir, 'short.json'), JSON.stringify({ ...truth, images: truth.images.slice(1) }));
      await assert.rejects(readGroundTruthFolder(dir, { truthFile: path.join(dir, 'short.json') }), new RegExp(`short\\.json has no entry for image '${truth.images[0].file}'`));
      truth.parts[0].classes.push('omega');
      fs.writeFileSync(path.join(dir, 'omega.json'), JSON.stringify(truth));
      await assert.rejects(readGroundTruthFolder(dir, { truthFile: path.join(dir, 'omega.json') }), /part 'disc' names class 'omega', which has no folder/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects malformed ground truth, naming the field', () => {
    const ok = { format: 'filtermine-ground-truth', version: 1, parts: [{ name: 'a', classes: ['x'] }], images: [{ file: 'x/1.png', width: 8, height: 8, parts: [{ part: 'a', box: { x: 0, y: 0, width: 4, height: 4 } }] }] };
    assert.doesNotThrow(() => validateGroundTruth(ok));
    assert.throws(() => validateGroundTruth({ ...ok, format: 'coco' }), /format must be 'filtermine-ground-truth'/);
    assert.throws(() => validateGroundTruth({ ...ok, parts: [{ name: 'a', classes: ['x'] }, { name: 'a', classes: [] }] }), /parts\[1\]\.name must be unique/);
    const bad = JSON.parse(JSON.stringify(ok));
    bad.images[0].parts[0].box.width = 9;
    assert.throws(() => validateGroundTruth(bad), /images\[0\]\.parts\[0\]\.box must be inside the 8x8 image/);
    bad.images[0].parts[0].part = 'zz';
    assert.throws(() => validateGroundTruth(bad), /images\[0\]\.parts\[0\]\.part must be a part name from parts/);
    assert.throws(() => generatePlantedParts({ perClass: 0 }), /perClass must be an integer >= 1, got 0/);
  });
});
