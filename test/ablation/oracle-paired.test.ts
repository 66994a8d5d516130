import * as assert from 'node:assert/strict';
import { greedyOracle } from '../../src/ablation/core/oracle';
import { pairedComparison, quantile } from '../../src/ablation/core/paired';
import { scoreLogits } from '../../src/ablation/core/metrics';
import type { MaskEvaluator } from '../../src/ablation/core/scorer';

/**
 * A hand-made affine head: logit 0 of image i is sum_f mask_f * a[i][f], logit 1 is 0.5, so an
 * image stays correct (class 0) while its kept filters sum to more than 0.5.
 */
const a = [
  [0.3, 1, 0, 0, 0], // needs filter 1
  [0, 1, 0, 0, 0.2], // needs filter 1
  [0, 0, 0.2, 1, 0], // needs filter 3
  [0, 0, 0, 1, 0.3], // needs filter 3
  [0, 0, 0, 1, 0], // needs filter 3
  [0.6, 0, 0, 0, 0], // needs filter 0
];
const F = 5, K = 2;
const labels = new Int32Array(a.length); // all class 0; class 1 has no images
function handHead(): MaskEvaluator & { calls: number } {
  const ev = {
    layerName: 'hand', channelCount: F, numClasses: K, numImages: a.length, labels, calls: 0,
    async evaluate(masks: Float32Array, pairs: { mask: Int32Array; image: Int32Array }) {
      ev.calls++;
      const logits = new Float32Array(pairs.mask.length * K);
      for (let t = 0; t < pairs.mask.length; t++) {
        let z = 0;
        for (let f = 0; f < F; f++) z += masks[pairs.mask[t] * F + f] * a[pairs.image[t]][f];
        logits[t * K] = z; logits[t * K + 1] = 0.5;
      }
      return scoreLogits(logits, K, Int32Array.from(pairs.image, (i) => labels[i]));
    },
  };
  return ev;
}
/** Correct images when the filters in `set` are zeroed (brute-force reference). */
const correctWithout = (set: number[]) => a.filter((row) => row.reduce((s, x, f) => s + (set.includes(f) ? 0 : x), 0) > 0.5).length;

describe('ablation/oracle', () => {
  it('returns the best set on a hand-made head, and its greedy order is a ranking', async () => {
    const ev = handHead();
    const res = await greedyOracle(ev, [2, 0]);
    // Step 1: zeroing 3 breaks 3 images (the most); step 2: then 1 breaks 2 more.
    assert.deepEqual(res.rankings, [[3, 1], []]);
    assert.deepEqual(res.correct[0], [3, 1]);
    let best = Infinity, bestSet: number[] = [];
    for (let x = 0; x < F; x++) for (let y = x + 1; y < F; y++) { const c = correctWithout([x, y]); if (c < best) { best = c; bestSet = [x, y]; } }
    assert.deepEqual([...res.rankings[0]].sort(), bestSet);
    assert.equal(correctWithout(res.rankings[0]), best);
    // Cost: (F + F - 1) masks x 6 images for class 0, nothing for class 1.
    assert.equal(res.pairsEvaluated, (F + F - 1) * a.length);
    assert.equal(ev.calls, 2);
  });

  it('refuses counts that do not fit', async () => {
    await assert.rejects(greedyOracle(handHead(), [6, 0]), /count 6 of class 0 is not an integer in \[0, 5\]/);
    await assert.rejects(greedyOracle(handHead(), [1]), /1 counts for 2 classes/);
  });
});

describe('ablation/paired', () => {
  it('quantile: linear interpolation (numpy default)', () => {
    assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
    assert.equal(quantile([4, 1, 3, 2], 0.25), 1.75);
    assert.throws(() => quantile([], 0.5), /no values/);
  });

  it('matches a hand computation: exact sign flips and the enumerated bootstrap', () => {
    // Differences [1, 2, 3]: of the 8 sign patterns, |sum| >= 6 for +++ and --- -> p = 2/8.
    // Bootstrap: the 27 resamples' sums are 3 (1 way), 4 (3), 5 (6), 6 (7), 7 (6), 8 (3), 9 (1);
    // sorted means s[0] = 1, s[1] = 4/3, s[25] = 8/3, s[26] = 3; 2.5%: h = 26 * 0.025 = 0.65.
    const p = pairedComparison([1, 2, 3], [0, 0, 0]);
    assert.equal(p.pValue, 0.25);
    assert.equal(p.meanDifference, 2);
    assert.ok(p.exact);
    assert.ok(Math.abs(p.low - (1 + 0.65 / 3)) < 1e-12, `low ${p.low}`);
    assert.ok(Math.abs(p.high - (8 / 3 + 0.35 / 3)) < 1e-12, `high ${p.high}`);
    assert.deepEqual([p.wins, p.losses], [3, 0]);
  });

  it('sign flips against brute force on 10 classes; seeded bootstrap is repeatable', () => {
    const x = [0.5, -0.2, 0.1, 0.9, 0.3, -0.1, 0.4, 0.0, 0.2, 0.6], y = new Array(10).fill(0.1);
    const d = x.map((v, i) => v - y[i]);
    const obs = Math.abs(d.reduce((s, v) => s + v, 0));
    let extreme = 0;
    for (let m = 0; m < 1024; m++) {
      const s = d.reduce((acc, v, j) => acc + ((m >> j) & 1 ? -v : v), 0);
      if (Math.abs(s) >= obs - 1e-9) extreme++;
    }
    const p = pairedComparison(x, y, { seed: 3 });
    assert.equal(p.pValue, extreme / 1024);
    assert.ok(!p.exact);
    assert.ok(p.low <= p.meanDifference && p.meanDifference <= p.high);
    assert.deepEqual(pairedComparison(x, y, { seed: 3 }), p);
    assert.throws(() => pairedComparison([1], [1, 2]), /same non-zero length/);
  });
});
