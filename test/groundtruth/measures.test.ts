import * as assert from 'node:assert/strict';
import {
  boxCells, classFilterScores, filterPartSelectivity, filterParts, inpaintBox, partIndex, pointingGame,
  randomWindowPointing, sharingAgreement, usedParts, type PlantedPart,
} from '../../src/groundtruth';

const parts = [
  { name: 'A', classes: ['c0'] },        // specific
  { name: 'B', classes: ['c0', 'c1'] },  // shared
  { name: 'D', classes: [] },            // distractor
];
const index = partIndex(parts, ['c0', 'c1']);
const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });

describe('groundtruth/measures', () => {
  it('indexes the vocabulary: roles and each class\'s parts', () => {
    assert.deepEqual(index.roles, ['specific', 'shared', 'distractor']);
    assert.deepEqual(index.classParts, [[0, 1], [1]]);
    assert.throws(() => partIndex([{ name: 'A', classes: ['zz'] }], ['c0']), /part 'A' names class 'zz', not one of c0/);
  });

  it('maps boxes to activation cells by cell centre (a box smaller than a cell gets the cell of its centre)', () => {
    // 8x8 image, 4x4 cells of 2 px: cell centres at 1, 3, 5, 7.
    assert.deepEqual(boxCells(box(0, 0, 4, 4), 4, 4, 8, 8), [0, 1, 4, 5]);
    assert.deepEqual(boxCells(box(4.2, 6.2, 0.5, 0.5), 4, 4, 8, 8), [3 * 4 + 2]);
  });

  it('selectivity on a hand-built activation fixture', () => {
    // Two 8x8 images, 4x4 activation grid, 3 filters. Image 0 holds A at cells {0,1,4,5} and B at
    // cells {10,11,14,15}; image 1 holds only B at cells {0,1,4,5}.
    const planted: PlantedPart[][] = [
      [{ part: 'A', box: box(0, 0, 4, 4) }, { part: 'B', box: box(4, 4, 4, 4) }],
      [{ part: 'B', box: box(0, 0, 4, 4) }],
    ];
    const n = 2, h = 4, w = 4, F = 3;
    const data = new Float32Array(n * h * w * F);
    const set = (i: number, cell: number, f: number, v: number) => { data[(i * h * w + cell) * F + f] = v; };
    // f0: an A detector (2 on A's cells). f1: 1 everywhere. f2: 4 on A, 2 on B (both images).
    for (const c of [0, 1, 4, 5]) { set(0, c, 0, 2); set(0, c, 2, 4); set(1, c, 2, 2); }
    for (const c of [10, 11, 14, 15]) set(0, c, 2, 2);
    for (let i = 0; i < n; i++) for (let c = 0; c < 16; c++) set(i, c, 1, 1);
    const sel = filterPartSelectivity({ data, n, h, w, F, imageHeight: 8, imageWidth: 8 }, planted, index);
    const at = (f: number, p: number) => sel.score[f * 3 + p];
    // f0, A: inside max 2 (one instance); outside: image 0 max outside A = 0, image 1 (no A) max = 0 -> (2-0)/2 = 1.
    assert.equal(at(0, 0), 1);
    // f0, B: inside: 0 and 0; outside: image 0 max outside B = 2, image 1 = 0 -> mean 1 -> (0-1)/1 = -1.
    assert.equal(at(0, 1), -1);
    // f1 is flat: 0 for every part that occurs.
    assert.equal(at(1, 0), 0);
    assert.equal(at(1, 1), 0);
    // f2, A: inside 4; outside: image 0 outside A = 2, image 1 = 2 -> (4-2)/(4+2) = 1/3.
    assert.ok(Math.abs(at(2, 0) - 1 / 3) < 1e-12);
    // f2, B: inside (2 + 2)/2 = 2; outside: image 0 outside B = 4, image 1 outside B = 0 -> 2 -> 0.
    assert.equal(at(2, 1), 0);
    // D never occurs: NaN.
    assert.ok(Number.isNaN(at(0, 2)));
    assert.deepEqual(Array.from(sel.instances), [1, 2, 0]);
    assert.deepEqual(Array.from(filterParts(sel, 0.3)), [0, -1, 0]);
    assert.deepEqual(Array.from(filterParts(sel, 0.5)), [0, -1, -1]);
  });

  it('precision and recall on a hand-made example', () => {
    // Filter parts: f0 -> A, f1 -> B, f2 -> D (distractor), f3 -> none.
    const partOf = Int32Array.from([0, 1, 2, -1]);
    const rows = classFilterScores([[0, 2, 3], [1, 0]], partOf, index.classParts);
    // c0: {f0 (A, own), f2 (D), f3 (none)} -> precision 1/3; parts {A, B}: covered {A} -> recall 1/2.
    assert.deepEqual([rows[0].precision, rows[0].recall], [1 / 3, 1 / 2]);
    // c1: {f1 (B, own), f0 (A, not c1's)} -> precision 1/2; parts {B}: covered -> recall 1.
    assert.deepEqual([rows[1].precision, rows[1].recall], [1 / 2, 1]);
    // Against the parts the model uses (c0 uses only B): c0 precision 0, recall 0.
    const used = classFilterScores([[0, 2, 3], [1, 0]], partOf, [[1], []]);
    assert.deepEqual([used[0].precision, used[0].recall], [0, 0]);
    assert.ok(Number.isNaN(used[1].recall));
    assert.ok(Number.isNaN(classFilterScores([[], []], partOf, index.classParts)[0].precision));
    assert.throws(() => classFilterScores([[9], []], partOf, index.classParts), /class 0 has filter 9/);
  });

  it('specific/shared agreement on a hand-made example', () => {
    const partOf = Int32Array.from([0, 1, 2, -1, 0]);
    // f0 (A, specific) in c0 only: agree. f1 (B, shared) in both: agree. f4 (A) in both: disagree.
    // f2 (distractor) and f3 (none) are not judged.
    const a = sharingAgreement([[0, 1, 2, 4], [1, 3, 4]], partOf, index);
    assert.equal(a.judged, 3);
    assert.equal(a.agree, 2);
    assert.deepEqual(a.confusion, { specific: { specific: 1, shared: 0 }, shared: { specific: 1, shared: 1 } });
    assert.equal(a.distractor, 1);
    assert.equal(a.unselective, 1);
  });

  it('pointing game and kept-patch share on a hand-made example, and its chance level by brute force', () => {
    const planted: PlantedPart[][] = [
      [{ part: 'A', box: box(0, 0, 4, 4) }, { part: 'D', box: box(10, 10, 4, 4) }],
      [{ part: 'B', box: box(8, 0, 4, 4) }],
    ];
    const labels = [0, 1];
    const r = pointingGame([
      { image: 0, x: 0, y: 0, size: 4 }, // on A (class part): first patch of image 0 -> hit
      { image: 0, x: 10, y: 10, size: 4 }, // on the distractor
      { image: 1, x: 0, y: 8, size: 4 }, // on nothing: first patch of image 1 -> miss
      { image: 1, x: 9, y: 1, size: 4 }, // overlap with B: 3x3 / 16 = 0.5625 -> on a class part
    ], planted, labels, index);
    assert.deepEqual(r, { images: 2, hits: 1, pointing: 0.5, patches: 4, onClassPart: 2, onDistractor: 1, onNothing: 1, share: 0.5 });
    // Chance: image 0 (16x16, window 4, 169 positions): overlap with A = (4-x)(4-y)/16 >= 0.5 at
    // (x, y) in {(0,0), (1,0), (0,1), (1,1), (2,0), (0,2)} -> 6 of 169.
    const chance = randomWindowPointing([planted[0]], [0], index, 4, 16, 16);
    assert.equal(chance, 6 / 169);
  });

  it('inpainting fills a box from its surroundings and leaves the rest alone', () => {
    const H = 6, W = 6;
    const img = new Float32Array(H * W).fill(0.25);
    for (let y = 2; y < 4; y++) for (let x = 2; x < 4; x++) img[y * W + x] = 1;
    const orig = img.slice();
    inpaintBox(img, H, W, 1, box(2, 2, 2, 2));
    for (let i = 0; i < H * W; i++) assert.ok(Math.abs(img[i] - 0.25) < 1e-7, `pixel ${i}: ${img[i]}`);
    // A horizontal ramp outside is continued linearly along the row for a box spanning full height.
    const ramp = new Float32Array(1 * 5).map((_, x) => x);
    inpaintBox(ramp, 1, 5, 1, box(1, 0, 3, 1));
    assert.deepEqual(Array.from(ramp), [0, 1, 2, 3, 4]);
    assert.throws(() => inpaintBox(orig, H, W, 1, box(0, 0, 6, 6)), /covers the whole image/);
  });

  it('used parts', () => {
    const used = usedParts([
      { class: 0, part: 0, images: 5, probabilityDrop: 0.4, accuracyBefore: 1, accuracyAfter: 0.2 },
      { class: 0, part: 1, images: 5, probabilityDrop: 0.01, accuracyBefore: 1, accuracyAfter: 1 },
      { class: 1, part: 1, images: 4, probabilityDrop: 0.9, accuracyBefore: 1, accuracyAfter: 1 },
    ], 2, 0.1, 5);
    assert.deepEqual(used, [[0], []]);
    assert.deepEqual(usedParts([{ class: 1, part: 1, images: 4, probabilityDrop: 0.9, accuracyBefore: 1, accuracyAfter: 1 }], 2, 0.1, 4), [[], [1]]);
  });
});
