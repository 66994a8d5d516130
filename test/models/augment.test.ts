import * as assert from 'node:assert/strict';
import { assembleBatch, oneHot, cosineLearningRate } from '../../src/models/augment';
import { permutation } from '../../src/util/rng';
import { rng } from '../../src/util/rng';

describe('models/augment', () => {
  // two 2x3 images: 0..5 and 10..15 (x255 scale irrelevant: divide by 255)
  const images = new Uint8Array([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15]);
  const scaled = (xs: number[]) => xs.map((v) => v / 255);

  it('gathers images in index order, scaled to [0, 1], without augmentation', () => {
    const b = assembleBatch(images, 2, 3, [1, 0], null);
    assert.deepEqual([...b], scaled([10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5]).map(Math.fround));
  });

  it('shifts with zero fill and flips left-right (hand-computed)', () => {
    // find seeds giving (dy, dx, flip) = a shift right by 1 without flip, and a pure flip
    const want = (dy: number, dx: number, flip: boolean) => {
      for (let seed = 0; seed < 1000; seed++) {
        const r = rng(seed);
        const gy = r.int(3) - 1, gx = r.int(3) - 1, gf = r.next() < 0.5;
        if (gy === dy && gx === dx && gf === flip) return seed;
      }
      throw new Error('no seed');
    };
    const right = assembleBatch(images, 2, 3, [0], rng(want(0, 1, false)), { maxShift: 1, flip: true });
    assert.deepEqual([...right], scaled([0, 0, 1, 0, 3, 4]).map(Math.fround));
    const flipped = assembleBatch(images, 2, 3, [0], rng(want(0, 0, true)), { maxShift: 1, flip: true });
    assert.deepEqual([...flipped], scaled([2, 1, 0, 5, 4, 3]).map(Math.fround));
    const down = assembleBatch(images, 2, 3, [0], rng(want(1, 0, false)), { maxShift: 1, flip: true });
    assert.deepEqual([...down], scaled([0, 0, 0, 0, 1, 2]).map(Math.fround));
  });

  it('moves RGB pixels as a whole (channels interleaved): a flip of one 1x2 RGB image swaps its two pixels', () => {
    const rgb = new Uint8Array([1, 2, 3, 4, 5, 6]);
    // Find a seed whose first draw flips (with maxShift 0 only the flip is drawn from the generator).
    const flipSeed = [0, 1, 2, 3, 4, 5, 6, 7].find((s) => rng(s).next() < 0.5)!;
    const b = assembleBatch(rgb, 1, 2, [0], rng(flipSeed), { maxShift: 0, flip: true }, 3);
    assert.deepEqual([...b], scaled([4, 5, 6, 1, 2, 3]).map(Math.fround));
    assert.deepEqual([...assembleBatch(rgb, 1, 2, [0], null, {}, 3)], scaled([1, 2, 3, 4, 5, 6]).map(Math.fround));
  });

  it('is repeatable for a seed and does not modify its input', () => {
    const copy = images.slice();
    const a = assembleBatch(images, 2, 3, [0, 1, 1, 0], rng(3));
    const b = assembleBatch(images, 2, 3, [0, 1, 1, 0], rng(3));
    assert.deepEqual(a, b);
    assert.deepEqual(images, copy);
  });

  it('refuses bad indices and shifts', () => {
    assert.throws(() => assembleBatch(images, 2, 3, [2], null), /assembleBatch: index 2 is not within \[0, 2\)/);
    assert.throws(() => assembleBatch(images, 2, 3, [0], rng(1), { maxShift: -1 }), /maxShift must be a non-negative integer, got -1/);
  });

  it('one-hot encodes labels and refuses out-of-range ones', () => {
    assert.deepEqual([...oneHot(new Uint8Array([2, 0]), [1, 0], 3)], [1, 0, 0, 0, 0, 1]);
    assert.throws(() => oneHot(new Uint8Array([5]), [0], 3), /label 5 of image 0 is not within \[0, 3\)/);
  });

  it('permutation is a seeded permutation', () => {
    const p = permutation(50, rng(1));
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual(p, permutation(50, rng(1)));
    assert.notDeepEqual(p, permutation(50, rng(2)));
  });

  it('cosine learning rate goes from base to base * floor', () => {
    assert.equal(cosineLearningRate(0, 11, 1, 0.1), 1);
    assert.ok(Math.abs(cosineLearningRate(5, 11, 1, 0.1) - 0.55) < 1e-12);
    assert.ok(Math.abs(cosineLearningRate(10, 11, 1, 0.1) - 0.1) < 1e-12);
    assert.equal(cosineLearningRate(0, 1, 0.3), 0.3);
  });
});
