/**
 * Uncertainty of the ablation table (docs/method.md, "Evaluation protocol"): percentile
 * intervals over seeded draws, and the per-class paired comparison of two variants (the mean
 * over classes of the difference of their drops, a bootstrap interval over classes and an exact
 * sign-flip test). Pure.
 */
import { rng } from '../../util/rng';

/**
 * The q-quantile of values by linear interpolation between order statistics (the default of
 * numpy's `percentile` and R's type 7).
 * @param values at least one finite number; not mutated
 * @param q in [0, 1]
 * @throws if values is empty or q is outside [0, 1]
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (!values.length) throw new Error('quantile: no values');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const s = Float64Array.from(values).sort();
  const h = (s.length - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** Options of {@link pairedComparison}. */
export interface PairedOptions {
  /** Bootstrap resamples (when the exact enumeration is larger). Default 10,000. */
  resamples?: number;
  /** Seed of the bootstrap. Default 0. */
  seed?: number;
  /** Interval level. Default 0.95. */
  level?: number;
}

/** The paired comparison of two per-class series. */
export interface PairedComparison {
  /** Classes compared. */
  n: number;
  /** Mean over classes of `a[c] - b[c]`. */
  meanDifference: number;
  /** Bootstrap percentile interval of the mean difference (classes resampled with replacement). */
  low: number;
  high: number;
  /** Two-sided p-value of the sign-flip (paired permutation) test of "mean difference = 0". */
  pValue: number;
  /** Classes with a > b, with a < b. */
  wins: number;
  losses: number;
  /** True when the bootstrap enumerated every resample (n^n <= the resample budget). */
  exact: boolean;
}

const EXACT_SIGN_FLIPS = 20;

/**
 * Compares `a` with `b` class by class.
 *
 * The bootstrap draws n classes with replacement and takes the mean difference; when n^n is at
 * most `resamples` every resample is enumerated (exact), else `resamples` seeded draws are made.
 * The sign-flip test counts, over all 2^n sign patterns of the differences (exact up to n = 20,
 * else `resamples` seeded patterns), those whose absolute mean is at least the observed one.
 * @param a per-class values of the variant (e.g. accuracy drops)
 * @param b per-class values of the reference, same length
 * @param options see {@link PairedOptions}
 * @throws if the lengths differ, are zero or a value is not finite
 */
export function pairedComparison(a: ArrayLike<number>, b: ArrayLike<number>, options: PairedOptions = {}): PairedComparison {
  const n = a.length;
  if (n === 0 || b.length !== n) throw new Error(`pairedComparison: need two series of the same non-zero length, got ${a.length} and ${b.length}`);
  const d = Float64Array.from({ length: n }, (_, c) => a[c] - b[c]);
  d.forEach((x, c) => { if (!Number.isFinite(x)) throw new Error(`pairedComparison: class ${c} has a non-finite value (${a[c]}, ${b[c]})`); });
  const resamples = options.resamples ?? 10000, level = options.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples > 0)) throw new Error(`pairedComparison: resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`pairedComparison: level must be in (0, 1), got ${level}`);
  const mean = d.reduce((s, x) => s + x, 0) / n;
  const r = rng(options.seed ?? 0);
  // Bootstrap of the mean.
  const exact = n ** n <= resamples;
  let means: Float64Array;
  if (exact) {
    means = new Float64Array(n ** n);
    const idx = new Int32Array(n);
    for (let t = 0; t < means.length; t++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d[idx[j]];
      means[t] = s / n;
      for (let j = 0; j < n && ++idx[j] === n; j++) idx[j] = 0;
    }
  } else {
    means = new Float64Array(resamples);
    for (let t = 0; t < resamples; t++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d[r.int(n)];
      means[t] = s / n;
    }
  }
  const alpha = (1 - level) / 2;
  // Sign flips; a small tolerance so that patterns equal to the observed one count as extreme.
  const observed = Math.abs(mean) * n - 1e-12 * (1 + Math.abs(mean) * n);
  let extreme = 0, total = 0;
  if (n <= EXACT_SIGN_FLIPS) {
    total = 2 ** n;
    for (let m = 0; m < total; m++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (m >> j) & 1 ? -d[j] : d[j];
      if (Math.abs(s) >= observed) extreme++;
    }
  } else {
    total = resamples;
    for (let t = 0; t < resamples; t++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += r.next() < 0.5 ? -d[j] : d[j];
      if (Math.abs(s) >= observed) extreme++;
    }
  }
  let wins = 0, losses = 0;
  for (const x of d) { if (x > 0) wins++; else if (x < 0) losses++; }
  return {
    n, meanDifference: mean, low: quantile(means, alpha), high: quantile(means, 1 - alpha),
    pValue: extreme / total, wins, losses, exact,
  };
}
