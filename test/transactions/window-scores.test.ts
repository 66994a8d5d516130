import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { createWindowScorer, windowFilterScores, windowFilterScoresNaive, type ActivationMaps } from '../../src/transactions/window-scores';
import { rng } from '../../src/util/rng';
import { assertArraysClose } from '../helpers';

function randomMaps(seed: number, height: number, width: number, channels: number): ActivationMaps {
  const r = rng(seed);
  return { data: Float32Array.from({ length: height * width * channels }, () => r.next() * 4), height, width, channels };
}

describe('transactions/window-scores', () => {
  before(async () => { await tf.setBackend('cpu'); });

  it('fast window sums equal naive upsample-then-sum within 1e-4 on random maps', () => {
    const cases = [
      { h: 7, w: 7, F: 16, H: 28, W: 28, size: 7 },
      { h: 14, w: 14, F: 8, H: 224, W: 224, size: 56 },
      { h: 3, w: 5, F: 4, H: 28, W: 20, size: 6 },
      { h: 1, w: 1, F: 3, H: 8, W: 8, size: 3 },
    ];
    const r = rng(7);
    for (const [ci, c] of cases.entries()) {
      const acts = randomMaps(ci, c.h, c.w, c.F);
      for (let t = 0; t < 5; t++) {
        const win = { x: r.int(c.W - c.size + 1), y: r.int(c.H - c.size + 1), size: c.size };
        const fast = windowFilterScores(acts, win, c.H, c.W);
        const naive = windowFilterScoresNaive(acts, win, c.H, c.W);
        // relative to the window area, since sums grow with it
        assertArraysClose(fast, naive, 1e-4, 1e-4, `case ${ci} window ${JSON.stringify(win)}`);
      }
    }
  });

  it('the naive reference agrees with tf.image.resizeBilinear (alignCorners false, halfPixelCenters true)', () => {
    const acts = randomMaps(3, 7, 5, 3);
    const H = 28, W = 20, win = { x: 3, y: 11, size: 9 };
    const expected = tf.tidy(() => {
      const up = tf.image.resizeBilinear(tf.tensor4d(acts.data, [1, 7, 5, 3]), [H, W], false, true);
      return up.slice([0, win.y, win.x, 0], [1, win.size, win.size, 3]).sum([0, 1, 2]).dataSync();
    });
    assertArraysClose(windowFilterScoresNaive(acts, win, H, W), expected, 1e-4, 1e-5);
    assertArraysClose(windowFilterScores(acts, win, H, W), expected, 1e-4, 1e-5);
  });

  it('a constant map of 1 scores the window area (upsampling weights sum to one)', () => {
    const acts: ActivationMaps = { data: new Float32Array(4 * 4 * 2).fill(1), height: 4, width: 4, channels: 2 };
    assertArraysClose(windowFilterScores(acts, { x: 5, y: 2, size: 4 }, 16, 16), [16, 16], 1e-5);
  });

  it('reads a slice of a batch at an offset and does not modify the activations', () => {
    const a = randomMaps(1, 4, 4, 3), b = randomMaps(2, 4, 4, 3);
    const batch = new Float32Array(96); batch.set(a.data); batch.set(b.data, 48);
    const copy = Float32Array.from(batch);
    const scorer = createWindowScorer(4, 4, 3, 12, 12);
    const win = { x: 2, y: 5, size: 3 };
    assertArraysClose(scorer.scores(batch, win, undefined, 48), windowFilterScores(b, win, 12, 12), 1e-6);
    assert.deepEqual(batch, copy);
  });

  it('rejects windows outside the input', () => {
    const scorer = createWindowScorer(2, 2, 1, 8, 8);
    assert.throws(() => scorer.scores(new Float32Array(4), { x: 6, y: 0, size: 3 }), /not inside the 8x8 input/);
  });
});
