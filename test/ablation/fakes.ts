/**
 * Pure stand-ins for the ablation tests: a linear "global average pool + dense" head evaluated in
 * plain TypeScript, so the scoring engine can be checked against hand-computed numbers without tfjs.
 */
import { scoreLogits } from '../../src/ablation/core/metrics';
import type { MaskEvaluator, MaskPairs } from '../../src/ablation/core/scorer';

/** A fake network: logits_k = sum_f mean_s(act[i, s, f] * mask[f]) * w[f, k] + b[k]. */
export interface LinearGapNet {
  /** `[n, spatial, F]` activations. */
  acts: Float32Array;
  n: number;
  spatial: number;
  F: number;
  K: number;
  /** `[F, K]`. */
  w: Float32Array;
  /** `[K]`. */
  b: Float32Array;
  labels: Int32Array;
}

/** Logits of image i under a mask (length F). */
export function linearGapLogits(net: LinearGapNet, i: number, mask: ArrayLike<number>): Float64Array {
  const out = new Float64Array(net.K);
  for (let k = 0; k < net.K; k++) out[k] = net.b[k];
  for (let f = 0; f < net.F; f++) {
    let m = 0;
    for (let s = 0; s < net.spatial; s++) m += net.acts[(i * net.spatial + s) * net.F + f];
    m = (m / net.spatial) * mask[f];
    for (let k = 0; k < net.K; k++) out[k] += m * net.w[f * net.K + k];
  }
  return out;
}

/** A {@link MaskEvaluator} over a {@link LinearGapNet}, counting the pairs it scores. */
export function linearGapEvaluator(net: LinearGapNet): MaskEvaluator & { calls: number; pairs: number } {
  const ev = {
    layerName: 'fake_layer', channelCount: net.F, numClasses: net.K, numImages: net.n, labels: net.labels,
    calls: 0, pairs: 0,
    async evaluate(masks: Float32Array, pairs: MaskPairs) {
      ev.calls++; ev.pairs += pairs.mask.length;
      const logits = new Float64Array(pairs.mask.length * net.K);
      for (let t = 0; t < pairs.mask.length; t++) {
        const row = pairs.mask[t];
        logits.set(linearGapLogits(net, pairs.image[t], masks.subarray(row * net.F, (row + 1) * net.F)), t * net.K);
      }
      return scoreLogits(logits, net.K, Array.from(pairs.image, (i) => net.labels[i]));
    },
  };
  return ev;
}

/**
 * A net where class c is recognised by filter c only (w = identity-like, F >= K), with images whose
 * filter c (their class) is strongly active, plus noise filters: ablating filter c makes class c
 * images fall to another class, while other classes are unaffected.
 */
export function diagonalNet(K: number, F: number, perClass: number): LinearGapNet {
  const n = K * perClass, spatial = 2;
  const acts = new Float32Array(n * spatial * F);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % K;
    labels[i] = c;
    for (let s = 0; s < spatial; s++) {
      for (let f = 0; f < F; f++) acts[(i * spatial + s) * F + f] = f === c ? 2 + (i % 3) : f === (c + 1) % K ? 1 : 0.1 * ((i + f) % 2);
    }
  }
  const w = new Float32Array(F * K);
  for (let f = 0; f < Math.min(F, K); f++) w[f * K + f] = 1;
  return { acts, n, spatial, F, K, w, b: new Float32Array(K), labels };
}
