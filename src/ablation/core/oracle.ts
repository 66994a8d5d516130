/**
 * The oracle ceiling of the ablation table (docs/method.md, "Evaluation protocol"): per class, a
 * greedy search for the filters whose zeroing costs the class most. Step t adds, to the t filters
 * chosen so far, the filter whose zeroing (together with them) leaves the fewest of the class's
 * selection images correct (ties: the lowest summed true-class probability, then the lowest
 * index). The greedy order is a ranking: its first m filters are the oracle at count m, so one
 * search serves every matched count up to the largest. Pure over a {@link MaskEvaluator}.
 *
 * Cost: class c at count m evaluates sum over t < m of (F - t) masks on its n_c selection images,
 * about m * F * n_c (mask, image) pairs; over all classes about m * F * n. With the affine head
 * evaluator a pair costs O(t * K) (subtracting t filters' contributions from the logits), so the
 * search grows as m^2 * F * n * K; with the generic head evaluator each pair is a head pass.
 */
import { imagesByClass, sampleImagesPerClass } from './class-conditional';
import type { MaskEvaluator } from './scorer';
import { rng } from '../../util/rng';

/** Options of {@link greedyOracle}. */
export interface OracleOptions {
  /** Selection images per class (a seeded sample of the evaluator's images of the class), or `'all'`. Default `'all'`. */
  imagesPerClass?: number | 'all';
  /** Seed of that sample. Default 0. */
  seed?: number;
  /** Called after each class with (classes done, K). */
  onProgress?: (done: number, total: number) => void;
}

/** The result of {@link greedyOracle}. */
export interface OracleResult {
  /** Per class, the greedy order (length `counts[c]`). */
  rankings: number[][];
  /** Per class, the selection images still correct after each step (`correct[c][t]` after t + 1 filters). */
  correct: number[][];
  /** Per class, the number of selection images. */
  images: number[];
  /** (mask, image) pairs evaluated. */
  pairsEvaluated: number;
}

/**
 * Greedy oracle per class.
 * @param evaluator scores masks on the selection images (its labels define the classes)
 * @param counts per class, the number of filters to choose (e.g. the largest matched count)
 * @param options see {@link OracleOptions}
 * @throws if there are not K counts or a count is not an integer in [0, F]
 */
export async function greedyOracle(evaluator: MaskEvaluator, counts: ArrayLike<number>, options: OracleOptions = {}): Promise<OracleResult> {
  const K = evaluator.numClasses, F = evaluator.channelCount;
  if (counts.length !== K) throw new Error(`greedyOracle: ${counts.length} counts for ${K} classes`);
  for (let c = 0; c < K; c++) {
    if (!(Number.isInteger(counts[c]) && counts[c] >= 0 && counts[c] <= F)) throw new Error(`greedyOracle: count ${counts[c]} of class ${c} is not an integer in [0, ${F}]`);
  }
  const per = options.imagesPerClass ?? 'all';
  if (per !== 'all' && !(Number.isInteger(per) && per > 0)) throw new Error(`greedyOracle: imagesPerClass must be a positive integer or 'all', got ${per}`);
  const r = rng(options.seed ?? 0);
  const byClass = sampleImagesPerClass(imagesByClass(evaluator.labels, K), per, r);
  const rankings: number[][] = [], correct: number[][] = [];
  let pairsEvaluated = 0;
  for (let c = 0; c < K; c++) {
    const imgs = byClass[c];
    const chosen: number[] = [], after: number[] = [];
    const base = new Float32Array(F).fill(1);
    for (let t = 0; t < counts[c] && imgs.length; t++) {
      const candidates: number[] = [];
      for (let f = 0; f < F; f++) if (base[f] === 1) candidates.push(f);
      const masks = new Float32Array(candidates.length * F);
      candidates.forEach((f, row) => { masks.set(base, row * F); masks[row * F + f] = 0; });
      const total = candidates.length * imgs.length;
      const mask = new Int32Array(total), image = new Int32Array(total);
      for (let row = 0, t2 = 0; row < candidates.length; row++) {
        for (let j = 0; j < imgs.length; j++, t2++) { mask[t2] = row; image[t2] = imgs[j]; }
      }
      const scores = await evaluator.evaluate(masks, { mask, image });
      pairsEvaluated += total;
      let best = -1, bestCorrect = Infinity, bestProb = Infinity;
      for (let row = 0; row < candidates.length; row++) {
        let hits = 0, prob = 0;
        for (let j = 0; j < imgs.length; j++) { hits += scores.correct[row * imgs.length + j]; prob += scores.trueProb[row * imgs.length + j]; }
        if (hits < bestCorrect || (hits === bestCorrect && prob < bestProb - 1e-9 * imgs.length)) { best = row; bestCorrect = hits; bestProb = prob; }
      }
      chosen.push(candidates[best]);
      after.push(bestCorrect);
      base[candidates[best]] = 0;
    }
    rankings.push(chosen);
    correct.push(after);
    options.onProgress?.(c + 1, K);
  }
  return { rankings, correct, images: byClass.map((x) => x.length), pairsEvaluated };
}
