/**
 * Per-image, per-filter statistics that simple filter rankings are built from (see
 * docs/method.md, "Baselines"). Pure: typed arrays in and out, no tfjs; the gradients come from
 * an adapter that runs the model (`classGradientStatistics` in `src/ablation/evaluators`).
 *
 * For image i with class c (its true label), at a layer with activations `A[i, s, f]` over S
 * positions and F filters, and `G[i, s, f] = d y_c / d A[i, s, f]` (y_c: the class's pre-softmax
 * logit):
 * - mean activation: `(1/S) sum_s A[i, s, f]`;
 * - Grad-CAM channel weight: `(1/S) sum_s G[i, s, f]` (the weight Grad-CAM gives filter f);
 * - gradient x activation: `sum_s G[i, s, f] A[i, s, f]` (first-order estimate of how much the
 *   logit falls when filter f is zeroed).
 */

/** The three statistics, each row-major `[n, F]`. */
export interface FilterStatistics {
  /** Number of images. */
  n: number;
  /** Filters F. */
  filters: number;
  /** Spatial mean of the activation. */
  meanActivation: Float32Array;
  /** Spatial mean of the gradient of the image's class logit (Grad-CAM's channel weight). */
  gradcamWeight: Float32Array;
  /** Spatial sum of gradient x activation. */
  gradTimesActivation: Float32Array;
}

/** Names of the statistics, in table order. */
export const FILTER_STATISTICS = ['meanActivation', 'gradcamWeight', 'gradTimesActivation'] as const;
/** One of {@link FILTER_STATISTICS}. */
export type FilterStatisticName = typeof FILTER_STATISTICS[number];

function checkShape(name: string, length: number, n: number, F: number): number {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(F) && F > 0) || length % (n * F) !== 0 || length === 0) {
    throw new Error(`filterStatistics: ${name} of length ${length} is not n (${n}) x positions x filters (${F})`);
  }
  return length / (n * F);
}

/**
 * Computes the statistics from activations and class-logit gradients.
 * @param activations row-major `[n, S, F]` (NHWC with S = H*W)
 * @param gradients row-major `[n, S, F]`, gradient of each image's class logit w.r.t. the activations
 * @param n number of images
 * @param F number of filters
 * @returns the three statistics
 * @throws if a length is not `n * S * F` or the two arrays differ in length
 */
export function filterStatistics(activations: ArrayLike<number>, gradients: ArrayLike<number>, n: number, F: number): FilterStatistics {
  const S = checkShape('activations', activations.length, n, F);
  if (gradients.length !== activations.length) {
    throw new Error(`filterStatistics: gradients have length ${gradients.length}, activations ${activations.length}; expected the same [n, S, F] shape`);
  }
  const meanActivation = new Float32Array(n * F), gradcamWeight = new Float32Array(n * F), gradTimesActivation = new Float32Array(n * F);
  const a = new Float64Array(F), g = new Float64Array(F), ga = new Float64Array(F);
  for (let i = 0; i < n; i++) {
    a.fill(0); g.fill(0); ga.fill(0);
    for (let s = 0; s < S; s++) {
      const o = (i * S + s) * F;
      for (let f = 0; f < F; f++) {
        const x = activations[o + f], d = gradients[o + f];
        a[f] += x; g[f] += d; ga[f] += d * x;
      }
    }
    for (let f = 0; f < F; f++) {
      meanActivation[i * F + f] = a[f] / S;
      gradcamWeight[i * F + f] = g[f] / S;
      gradTimesActivation[i * F + f] = ga[f];
    }
  }
  return { n, filters: F, meanActivation, gradcamWeight, gradTimesActivation };
}
