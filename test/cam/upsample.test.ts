import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { bilinearWeights, bilinearPrefixWeights, upsampleBilinear } from '../../src/cam/upsample';
import { assertArraysClose } from '../helpers';
import { rng } from '../../src/util/rng';

function randomArray(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => r.normal());
}

describe('cam/upsample', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('bilinearWeights: hand-computed 2 -> 4 (half-pixel centres, edge clamp)', () => {
    // s = (o + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, 0.25, 0.75, 1
    assertArraysClose(bilinearWeights(2, 4), [1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1], 1e-7, 0);
  });

  it('bilinearWeights: rows sum to 1, identity when sizes are equal', () => {
    for (const [i, o] of [[7, 224], [3, 8], [5, 3], [1, 4]]) {
      const w = bilinearWeights(i, o);
      for (let r = 0; r < o; r++) {
        let s = 0;
        for (let c = 0; c < i; c++) s += w[r * i + c];
        assert.ok(Math.abs(s - 1) < 1e-6, `${i}->${o} row ${r} sums to ${s}`);
      }
    }
    const id = bilinearWeights(3, 3);
    assertArraysClose(id, [1, 0, 0, 0, 1, 0, 0, 0, 1], 0, 0);
  });

  it('upsampleBilinear matches tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=true)', () => {
    for (const [h, w, H, W] of [[7, 7, 224, 224], [3, 5, 8, 11], [4, 4, 4, 4], [6, 4, 3, 9]]) {
      const maps = randomArray(2 * h * w, h * 100 + W);
      const expected = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(maps, [2, h, w, 1]), [H, W], false, true).dataSync());
      assertArraysClose(upsampleBilinear(maps, 2, h, w, H, W), expected, 1e-5, 1e-5, `${h}x${w}->${H}x${W}`);
    }
  });

  it('bilinearPrefixWeights gives window sums of the upsampled map without materialising it', () => {
    const [h, w, H, W] = [5, 6, 40, 48];
    const a = randomArray(h * w, 3);
    const up = upsampleBilinear(a, 1, h, w, H, W);
    const ph = bilinearPrefixWeights(h, H), pw = bilinearPrefixWeights(w, W);
    for (const [r0, r1, c0, c1] of [[0, 40, 0, 48], [3, 17, 10, 30], [39, 40, 0, 1], [5, 6, 7, 8]]) {
      let direct = 0;
      for (let y = r0; y < r1; y++) for (let x = c0; x < c1; x++) direct += up[y * W + x];
      let fast = 0;
      for (let i = 0; i < h; i++) {
        const rc = ph[r1 * h + i] - ph[r0 * h + i];
        for (let j = 0; j < w; j++) fast += rc * a[i * w + j] * (pw[c1 * w + j] - pw[c0 * w + j]);
      }
      assert.ok(Math.abs(fast - direct) <= 1e-4 * Math.max(1, Math.abs(direct)), `window ${[r0, r1, c0, c1]}: ${fast} vs ${direct}`);
    }
  });

  it('does not modify its input; rejects bad sizes', () => {
    const a = randomArray(12, 1);
    const copy = a.slice();
    upsampleBilinear(a, 1, 3, 4, 6, 8);
    assertArraysClose(a, copy, 0, 0);
    assert.throws(() => upsampleBilinear(a, 2, 3, 4, 6, 8), /maps has length 12, expected count\*inH\*inW = 24/);
    assert.throws(() => bilinearWeights(0, 4), /inSize must be a positive integer, got 0/);
    assert.throws(() => bilinearWeights(3, 2.5), /outSize must be a positive integer, got 2.5/);
  });
});
