import * as assert from 'node:assert/strict';
import { cumulativeOcclusions, faithfulCount, faithfulDecided, occlusionDrops } from '../../src/patches/faithful';

describe('patches/faithful', () => {
  it('faithfulCount follows the rule by hand (d_0 = 0, keep 1..i-1, at least one)', () => {
    assert.equal(faithfulCount([], 0.1), 0);
    assert.equal(faithfulCount([0.05], 0.1), 1);        // stops at i=1, keeps at least one
    assert.equal(faithfulCount([0.5], 0.1), 1);         // never stops: all
    assert.equal(faithfulCount([0.5, 0.55], 0.1), 1);   // i=2 adds 0.05
    assert.equal(faithfulCount([0.3, 0.5, 0.55], 0.1), 2);
    assert.equal(faithfulCount([0.3, 0.5, 0.7], 0.1), 3);
    assert.equal(faithfulCount([0.3, 0.4, 0.7], 0.1), 3); // an increment of exactly 0.1 passes
    assert.equal(faithfulCount([0.3, 0.2, 0.9], 0.1), 1); // a fall stops even if later ones rise
    assert.equal(faithfulCount([0.3, NaN, 0.9], 0.1), 1); // non-finite increment = stop
    assert.equal(faithfulCount([0.3, 0.35], 0.01), 2);
  });

  it('occlusionDrops is 1 - occluded/original', () => {
    assert.deepEqual(Array.from(occlusionDrops(4, [3, 1, 4])), [0.25, 0.75, 0]);
  });

  it('cumulativeOcclusions zeroes windows 1..i in every channel, without touching the input', () => {
    // 3x3 image, 2 channels, values 1..18
    const img = Float32Array.from({ length: 18 }, (_, i) => i + 1);
    const copy = Float32Array.from(img);
    const out = cumulativeOcclusions(img, 3, 3, 2, [{ x: 0, y: 0, size: 1, score: 1 }, { x: 1, y: 1, size: 2, score: 1 }]);
    assert.deepEqual(img, copy);
    const first = Array.from(copy); first[0] = 0; first[1] = 0;
    const second = Array.from(first);
    for (const p of [4, 5, 7, 8]) { second[p * 2] = 0; second[p * 2 + 1] = 0; }
    assert.deepEqual(Array.from(out), [...first, ...second]);
  });

  it('faithfulDecided says when the evaluated prefix fixes the answer', () => {
    assert.equal(faithfulDecided([], 3, 0.1), false);
    assert.equal(faithfulDecided([0.3], 3, 0.1), false);
    assert.equal(faithfulDecided([0.3, 0.35], 3, 0.1), true);
    assert.equal(faithfulDecided([0.3, 0.5, 0.7], 3, 0.1), true);
    assert.equal(faithfulDecided([], 0, 0.1), true);
  });

  it('cumulativeOcclusions emits a range of variants with earlier windows applied', () => {
    const img = Float32Array.of(1, 2, 3, 4);
    const ws = [{ x: 0, y: 0, size: 1, score: 1 }, { x: 1, y: 0, size: 1, score: 1 }, { x: 0, y: 1, size: 1, score: 1 }];
    assert.deepEqual(Array.from(cumulativeOcclusions(img, 2, 2, 1, ws, { from: 1, to: 3 })), [0, 0, 3, 4, 0, 0, 0, 4]);
    assert.throws(() => cumulativeOcclusions(img, 2, 2, 1, ws, { from: 2, to: 4 }), /range \[2, 4\) is not within \[0, 3\]/);
  });

  it('rejects windows outside the image', () => {
    assert.throws(() => cumulativeOcclusions(new Float32Array(9), 3, 3, 1, [{ x: 2, y: 0, size: 2, score: 1 }]), /outside the 3x3 image/);
  });
});
