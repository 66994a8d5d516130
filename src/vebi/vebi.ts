/**
 * VEBI baseline (Oramas et al., "Visual Explanation by Interpretation", ICLR 2019), as used for
 * comparison in docs/method.md, "Evaluation": each image is described by the L2 norm of every filter's
 * feature map at the layer; a non-negative lasso from these F features to the one-hot class labels
 * gives, per class, a weight per filter; the filters with non-zero weight for class c are c's
 * relevant filters, ranked by weight. Pure: no tfjs.
 *
 * Standardisation (documented choice): each feature column is centred and scaled to unit
 * variance (a constant column becomes zero and never gets weight) and each one-hot label column
 * is centred, so no intercept is needed and `lambda` is on the scale of a correlation. The loss is
 * per sample: `(1/(2n)) ||y_c - Z w_c||^2 + lambda ||w_c||_1`, `w_c >= 0`, solved per class by
 * {@link nnLassoGram}. Above `lambdaMax = max_{j,c} z_j^T y_c / n` every weight is zero.
 */
import { gramAndCross, nnLassoGram } from '../lasso/nn-lasso';

/**
 * Per-image, per-filter L2 norms of feature maps.
 * @param activations row-major `[n, spatial, channels]` (e.g. NHWC with H*W = spatial)
 * @param n number of images
 * @param channels F
 * @returns row-major `[n, F]` Float32Array with `sqrt(sum over space of a^2)`
 * @throws if the length is not a multiple of `n * channels`
 */
export function filterNorms(activations: ArrayLike<number>, n: number, channels: number): Float32Array {
  if (!(Number.isInteger(n) && n > 0 && Number.isInteger(channels) && channels > 0) || activations.length % (n * channels) !== 0) {
    throw new Error(`filterNorms: activations of length ${activations.length} is not n (${n}) x spatial x channels (${channels})`);
  }
  const spatial = activations.length / (n * channels);
  const out = new Float32Array(n * channels);
  const acc = new Float64Array(channels);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    const base = i * spatial * channels;
    for (let s = 0; s < spatial; s++) {
      const o = base + s * channels;
      for (let f = 0; f < channels; f++) { const a = activations[o + f]; acc[f] += a * a; }
    }
    for (let f = 0; f < channels; f++) out[i * channels + f] = Math.sqrt(acc[f]);
  }
  return out;
}

/** Options of {@link vebiFilters}. */
export interface VebiOptions {
  /** The L1 penalty (on the standardised, per-sample scale). Default: chosen by `targetFiltersPerClass`. */
  lambda?: number;
  /**
   * When `lambda` is not given: the lambda is the one (found by bisection on a log scale between
   * `lambdaMax * 1e-6` and `lambdaMax`) whose mean number of non-zero filters per class is closest
   * to this. Default 5, about what the paper's VEBI ablated (5.4 per class on VGG16, 4.5 on ResNet50).
   */
  targetFiltersPerClass?: number;
  /** Solver tolerance (largest KKT violation). Default 1e-7. */
  tolerance?: number;
}

const defaults = { targetFiltersPerClass: 5, tolerance: 1e-7 };
const BISECTION_STEPS = 40;
const LAMBDA_RANGE = 1e-6;

/** The result of {@link vebiFilters}. */
export interface VebiResult {
  /** Per class, the filters with positive weight, by decreasing weight. */
  filters: number[][];
  /** Row-major `[F, numClasses]` weights (>= 0). */
  weights: Float64Array;
  /** The lambda used. */
  lambda: number;
  /** The smallest lambda at which every weight is zero. */
  lambdaMax: number;
  /** Mean of `filters[c].length` over classes. */
  meanFiltersPerClass: number;
  /**
   * Row-major `[F, numClasses]` correlation of each standardised filter with each centred class
   * column (`z_j^T y_c / n`): the order in which filters enter the lasso path as lambda falls,
   * used to rank the filters that have zero weight.
   */
  correlations: Float64Array;
}

interface Problem { gram: Float64Array; xty: Float64Array; p: number; q: number }

function standardisedProblem(features: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): Problem {
  const n = labels.length;
  const p = features.length / n;
  const z = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += features[i * p + j];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) { const d = features[i * p + j] - mean; v += d * d; }
    const sd = Math.sqrt(v / n);
    // A constant column carries no information: leave it zero (its Gram diagonal is 0, weight 0).
    if (sd > 0) for (let i = 0; i < n; i++) z[i * p + j] = (features[i * p + j] - mean) / sd;
  }
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  const y = new Float64Array(n * numClasses);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < numClasses; c++) y[i * numClasses + c] = (labels[i] === c ? 1 : 0) - counts[c] / n;
  }
  const { gram, xty } = gramAndCross(z, y, n);
  for (let k = 0; k < gram.length; k++) gram[k] /= n;
  for (let k = 0; k < xty.length; k++) xty[k] /= n;
  return { gram, xty, p, q: numClasses };
}

function solveAll(prob: Problem, lambda: number, tolerance: number, warm?: Float64Array): Float64Array {
  const { gram, xty, p, q } = prob;
  const weights = new Float64Array(p * q);
  const b = new Float64Array(p);
  const init = new Float64Array(p);
  for (let c = 0; c < q; c++) {
    for (let j = 0; j < p; j++) { b[j] = xty[j * q + c]; init[j] = warm ? warm[j * q + c] : 0; }
    const r = nnLassoGram(gram, b, lambda, { tolerance, initial: init });
    for (let j = 0; j < p; j++) weights[j * q + c] = r.weights[j];
  }
  return weights;
}

function rankedFilters(weights: Float64Array, p: number, q: number): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < q; c++) {
    const fs: number[] = [];
    for (let j = 0; j < p; j++) if (weights[j * q + c] > 0) fs.push(j);
    fs.sort((a, b) => weights[b * q + c] - weights[a * q + c] || a - b);
    out.push(fs);
  }
  return out;
}

const meanCount = (fs: number[][]): number => fs.reduce((s, f) => s + f.length, 0) / fs.length;

/**
 * VEBI's relevant filters per class.
 * @param features row-major `[n, F]` per-image filter descriptors (see {@link filterNorms}); not mutated
 * @param labels class per image (integers in [0, numClasses)), length n
 * @param numClasses number of classes
 * @param options see {@link VebiOptions}
 * @returns per-class ranked filters, the weights and the lambda used
 * @throws if sizes disagree, a label is out of range, or lambda / target are invalid
 */
export function vebiFilters(features: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, options: VebiOptions = {}): VebiResult {
  const n = labels.length;
  if (!(n > 1) || features.length % n !== 0 || features.length === 0) {
    throw new Error(`vebiFilters: features (length ${features.length}) must be n x F with n = labels.length = ${n} >= 2`);
  }
  if (!(Number.isInteger(numClasses) && numClasses > 0)) throw new Error(`vebiFilters: numClasses must be a positive integer, got ${numClasses}`);
  for (let i = 0; i < n; i++) {
    if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < numClasses)) {
      throw new Error(`vebiFilters: label ${labels[i]} of image ${i} is not in [0, ${numClasses})`);
    }
  }
  const tolerance = options.tolerance ?? defaults.tolerance;
  const prob = standardisedProblem(features, labels, numClasses);
  let lambdaMax = 0;
  for (const v of prob.xty) if (v > lambdaMax) lambdaMax = v;
  const finish = (lambda: number, weights: Float64Array): VebiResult => {
    const filters = rankedFilters(weights, prob.p, prob.q);
    return { filters, weights, lambda, lambdaMax, meanFiltersPerClass: meanCount(filters), correlations: prob.xty };
  };
  if (options.lambda !== undefined) {
    if (!(Number.isFinite(options.lambda) && options.lambda >= 0)) throw new Error(`vebiFilters: lambda must be a finite number >= 0, got ${options.lambda}`);
    return finish(options.lambda, solveAll(prob, options.lambda, tolerance));
  }
  const target = options.targetFiltersPerClass ?? defaults.targetFiltersPerClass;
  if (!(Number.isFinite(target) && target >= 0)) throw new Error(`vebiFilters: targetFiltersPerClass must be a number >= 0, got ${target}`);
  if (lambdaMax <= 0) return finish(0, new Float64Array(prob.p * prob.q)); // no feature correlates positively with any class
  // Bisection on log(lambda): the mean count falls (not always strictly) as lambda grows.
  let lo = Math.log(lambdaMax * LAMBDA_RANGE), hi = Math.log(lambdaMax);
  let wLo = solveAll(prob, Math.exp(lo), tolerance);
  let wHi = new Float64Array(prob.p * prob.q);
  for (let s = 0; s < BISECTION_STEPS; s++) {
    const mid = (lo + hi) / 2;
    const w = solveAll(prob, Math.exp(mid), tolerance, wHi);
    if (meanCount(rankedFilters(w, prob.p, prob.q)) >= target) { lo = mid; wLo = w; } else { hi = mid; wHi = w; }
  }
  const cLo = meanCount(rankedFilters(wLo, prob.p, prob.q)), cHi = meanCount(rankedFilters(wHi, prob.p, prob.q));
  return Math.abs(cLo - target) < Math.abs(cHi - target) ? finish(Math.exp(lo), wLo) : finish(Math.exp(hi), wHi);
}
