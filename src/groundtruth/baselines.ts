/**
 * Per-class filter rankings that the method is compared with on the ground-truth benchmark, and
 * the matched-count rule that turns a ranking into filter sets of the mined sets' sizes. Pure.
 *
 * - mean activation: filters by their mean activation over the class's images;
 * - Grad-CAM weight: filters by their mean Grad-CAM channel weight (the spatial mean of the class
 *   logit's gradient) over the class's images;
 * - VEBI: the filters with positive weight in VEBI's sparse per-class model (src/ablation/vebi);
 * - random: seeded uniform draws.
 */
import { rng, sampleWithoutReplacement } from '../util/rng';
import { vebiFilters } from '../ablation/vebi';

/**
 * Filters of each class by decreasing per-image score (ties by filter index).
 * @param scores row-major `[n, F]` per-image filter scores
 * @param labels class per image
 * @param numClasses K
 * @returns per class, all F filters ranked by their mean score over the class's images
 * @throws if the sizes disagree or a label is out of range
 */
export function rankByClassMean(scores: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number[][] {
  const n = labels.length;
  if (n === 0 || scores.length % n !== 0) throw new Error(`rankByClassMean: scores (length ${scores.length}) must be n x F with n = ${n} > 0`);
  const F = scores.length / n;
  const sum = Array.from({ length: numClasses }, () => new Float64Array(F));
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    if (!(Number.isInteger(c) && c >= 0 && c < numClasses)) throw new Error(`rankByClassMean: label ${c} of image ${i} is not in [0, ${numClasses})`);
    for (let f = 0; f < F; f++) sum[c][f] += scores[i * F + f];
  }
  return sum.map((s) => Array.from({ length: F }, (_, f) => f).sort((a, b) => s[b] - s[a] || a - b));
}

/**
 * Per-image spatial means of activations.
 * @param activations `[n, h, w, F]` row-major
 * @returns `[n, F]`
 */
export function spatialMeans(activations: ArrayLike<number>, n: number, F: number): Float32Array {
  const cells = activations.length / (n * F);
  if (!Number.isInteger(cells)) throw new Error(`spatialMeans: ${activations.length} values are not n (${n}) x cells x F (${F})`);
  const out = new Float32Array(n * F);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < cells; c++) for (let f = 0; f < F; f++) out[i * F + f] += activations[(i * cells + c) * F + f];
    for (let f = 0; f < F; f++) out[i * F + f] /= cells;
  }
  return out;
}

/**
 * VEBI's ranked filters per class, with its penalty chosen for about `targetFiltersPerClass` filters.
 * @param features `[n, F]` per-image filter descriptors (norms of the activation maps)
 */
export function vebiRanking(features: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, targetFiltersPerClass: number): number[][] {
  return vebiFilters(features, labels, numClasses, { targetFiltersPerClass: Math.max(1, targetFiltersPerClass) }).filters;
}

/**
 * Cuts each class's ranking to the size of a reference set (the mined filters of that class), so
 * every source is judged with the same number of filters per class.
 * @param ranking per class, filters best first
 * @param sizes per class, how many to keep
 */
export function matchedCount(ranking: readonly (readonly number[])[], sizes: readonly number[]): number[][] {
  if (ranking.length !== sizes.length) throw new Error(`matchedCount: ${ranking.length} rankings for ${sizes.length} classes`);
  return ranking.map((r, c) => r.slice(0, sizes[c]));
}

/**
 * Seeded random filter sets of the given sizes (each class drawn without replacement from [0, F)).
 * @param draw the draw number (draws are independent and repeatable)
 */
export function randomSets(F: number, sizes: readonly number[], seed: number, draw: number): number[][] {
  const r = rng(seed * 1009 + draw);
  return sizes.map((s) => Array.from(sampleWithoutReplacement(F, Math.min(s, F), r.fork())));
}
