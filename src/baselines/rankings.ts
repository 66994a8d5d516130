/**
 * Per-class filter rankings of the baselines the mined filters are compared with (see
 * docs/method.md, "Baselines"). Every ranking lists all F filters of the layer for each class,
 * most relevant first; a baseline "at a matched count" takes the first m of class c's ranking,
 * m being the number of filters the compared variant ablates for c ({@link topFilters}).
 * Pure: typed arrays in, plain arrays out.
 */
import { permutation, rng } from '../util/rng';

/** `rankings[c]` = all filters, most relevant to class c first. */
export type ClassRankings = number[][];

function checkLabels(labels: ArrayLike<number>, numClasses: number, who: string): void {
  if (!(Number.isInteger(numClasses) && numClasses > 0)) throw new Error(`${who}: numClasses must be a positive integer, got ${numClasses}`);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) throw new Error(`${who}: label ${c} of image ${i} is not an integer in [0, ${numClasses})`);
  }
}

/** Filters sorted by decreasing score; equal scores by increasing index. */
function byScore(scores: ArrayLike<number>, tiebreak?: ArrayLike<number>): number[] {
  return Array.from({ length: scores.length }, (_, f) => f)
    .sort((a, b) => scores[b] - scores[a] || (tiebreak ? tiebreak[b] - tiebreak[a] : 0) || a - b);
}

/**
 * Per class, filters ranked by the mean of a per-image statistic over the class's images.
 * @param statistic row-major `[n, F]` (e.g. `meanActivation` of `filterStatistics`)
 * @param labels class per image, length n
 * @param numClasses K
 * @returns K rankings of F filters; a class without images gets the filters in index order
 * @throws if the statistic is not n x F or a label is out of range
 * @example classMeanRanking(stats.meanActivation, labels, 10)[3].slice(0, 5) // class 3's top 5
 */
export function classMeanRanking(statistic: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): ClassRankings {
  const n = labels.length;
  if (!(n > 0) || statistic.length % n !== 0 || statistic.length === 0) {
    throw new Error(`classMeanRanking: statistic of length ${statistic.length} is not n x F with n = labels.length = ${n}`);
  }
  checkLabels(labels, numClasses, 'classMeanRanking');
  const F = statistic.length / n;
  const sums = Array.from({ length: numClasses }, () => new Float64Array(F));
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) {
    const s = sums[labels[i]];
    counts[labels[i]]++;
    for (let f = 0; f < F; f++) s[f] += statistic[i * F + f];
  }
  return sums.map((s, c) => byScore(counts[c] ? s.map((x) => x / counts[c]) : new Float64Array(F)));
}

/**
 * Per class, filters ranked by a weight per (filter, class), e.g. VEBI's lasso weights.
 * @param weights row-major `[F, K]`
 * @param numClasses K
 * @param tiebreak optional row-major `[F, K]` second key for equal weights (for VEBI: each
 *   filter's correlation with the class, the order in which filters enter the lasso path as
 *   the penalty falls), so a count above the lasso's own non-zero count stays meaningful
 * @returns K rankings of F filters
 * @throws if the lengths do not fit `[F, K]`
 */
export function weightRanking(weights: ArrayLike<number>, numClasses: number, tiebreak?: ArrayLike<number>): ClassRankings {
  if (!(Number.isInteger(numClasses) && numClasses > 0) || weights.length % numClasses !== 0 || weights.length === 0) {
    throw new Error(`weightRanking: weights of length ${weights.length} are not F x numClasses (${numClasses})`);
  }
  if (tiebreak && tiebreak.length !== weights.length) throw new Error(`weightRanking: tiebreak has length ${tiebreak.length}, weights ${weights.length}`);
  const F = weights.length / numClasses;
  const column = (a: ArrayLike<number>, c: number) => Float64Array.from({ length: F }, (_, f) => a[f * numClasses + c]);
  return Array.from({ length: numClasses }, (_, c) => byScore(column(weights, c), tiebreak ? column(tiebreak, c) : undefined));
}

/**
 * Per class, a seeded uniformly random order of the F filters (one independent permutation per
 * class; the same seed gives the same rankings).
 * @param filters F
 * @param numClasses K
 * @param seed the seed
 * @throws if F or K is not a positive integer
 */
export function randomRanking(filters: number, numClasses: number, seed: number): ClassRankings {
  if (!(Number.isInteger(filters) && filters > 0)) throw new Error(`randomRanking: filters must be a positive integer, got ${filters}`);
  if (!(Number.isInteger(numClasses) && numClasses > 0)) throw new Error(`randomRanking: numClasses must be a positive integer, got ${numClasses}`);
  const r = rng(seed);
  return Array.from({ length: numClasses }, () => Array.from(permutation(filters, r)));
}

/**
 * The first `counts[c]` filters of each class's ranking (the matched-count baseline).
 * @param rankings per-class rankings
 * @param counts filters per class, or one count for every class
 * @throws if a count is not an integer in [0, length of that ranking] or there are not K counts
 */
export function topFilters(rankings: ClassRankings, counts: number | ArrayLike<number>): number[][] {
  if (typeof counts !== 'number' && counts.length !== rankings.length) {
    throw new Error(`topFilters: ${counts.length} counts for ${rankings.length} classes`);
  }
  return rankings.map((r, c) => {
    const m = typeof counts === 'number' ? counts : counts[c];
    if (!(Number.isInteger(m) && m >= 0 && m <= r.length)) throw new Error(`topFilters: count ${m} for class ${c} is not an integer in [0, ${r.length}]`);
    return r.slice(0, m);
  });
}

/**
 * The number of filters `k` stands for at a layer of F filters: an integer k >= 1 as is, a
 * fraction in (0, 1) as `round(k * F)` (at least 1).
 * @throws if k is neither a positive integer nor a fraction in (0, 1), or the result exceeds F
 */
export function filterCount(k: number, filters: number): number {
  if (!(Number.isInteger(filters) && filters > 0)) throw new Error(`filterCount: filters must be a positive integer, got ${filters}`);
  let m: number;
  if (k > 0 && k < 1) m = Math.max(1, Math.round(k * filters));
  else if (Number.isInteger(k) && k >= 1) m = k;
  else throw new Error(`filterCount: k must be a positive integer or a fraction in (0, 1), got ${k}`);
  if (m > filters) throw new Error(`filterCount: k = ${k} is more than the layer's ${filters} filters`);
  return m;
}
