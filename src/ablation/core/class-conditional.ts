/**
 * Class-conditional ablation (docs/method.md, "Evaluation"): for each class c, zero the channels
 * chosen for c, score c's own images (top-1 accuracy, mean softmax probability of the true
 * class) and other classes' images under the same mask (specificity). The overall accuracy is
 * over all images, each evaluated with its own class's mask, as in the paper. Pure: no tfjs.
 */
import { sampleWithoutReplacement, type Rng } from '../../util/rng';
import type { MaskScorer } from './scorer';

/** Filters per class: `lists[c]` holds class c's channel indices, best-ranked first. */
export type ClassFilterLists = ReadonlyArray<readonly number[]>;

/** Result of one class's ablation. */
export interface ClassAblation {
  /** The class index. */
  class: number;
  /** Number of distinct channels ablated for this class. */
  filters: number;
  /** Number of the class's own images. */
  images: number;
  /** Correct top-1 predictions on own images under the class's mask. */
  correct: number;
  /** Sum over own images of the softmax probability of the true class. */
  trueProbSum: number;
  /** Number of other classes' images scored under this class's mask. */
  otherImages: number;
  /** Correct top-1 predictions among them. */
  otherCorrect: number;
}

/** Result of {@link classConditionalAccuracy}. */
export interface ClassConditionalResult {
  /** One entry per class. */
  perClass: ClassAblation[];
  /** Fraction of all images correct, each under its own class's mask. */
  accuracy: number;
  /** Mean softmax probability of the true class, each image under its own class's mask. */
  trueProb: number;
  /** Fraction correct of (mask of class c, image of another class) pairs, pooled over classes (NaN if none). */
  otherAccuracy: number;
  /** Mean number of ablated channels per class. */
  meanFilters: number;
}

/**
 * Image indices per class.
 * @param labels class per image
 * @param numClasses number of classes
 * @throws if a label is not an integer in [0, numClasses)
 */
export function imagesByClass(labels: ArrayLike<number>, numClasses: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) throw new Error(`imagesByClass: label ${y} of image ${i} is not in [0, ${numClasses})`);
    lists[y].push(i);
  }
  return lists.map((l) => Int32Array.from(l));
}

/**
 * For each class c, the other-class images on which c's mask is scored: up to `perClass` images
 * drawn (seeded, without replacement) from each other class, or all of them with `'all'`.
 * One sample is drawn per other class and shared by every c, so variants are compared on the same images.
 * @param byClass image indices per class ({@link imagesByClass})
 * @param perClass images per other class, or `'all'`
 * @param random the seeded generator
 * @returns per class c, sorted image indices of the other classes' sample
 * @throws if `perClass` is not a non-negative integer or `'all'`
 */
export function otherClassImages(byClass: readonly Int32Array[], perClass: number | 'all', random: Rng): Int32Array[] {
  if (perClass !== 'all' && !(Number.isInteger(perClass) && perClass >= 0)) {
    throw new Error(`otherClassImages: perClass must be a non-negative integer or 'all', got ${perClass}`);
  }
  const sample = sampleImagesPerClass(byClass, perClass, random);
  return byClass.map((_, c) => {
    const parts = sample.filter((_, d) => d !== c);
    const all = new Int32Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { all.set(p, o); o += p.length; }
    return all.sort();
  });
}

/**
 * At most `perClass` images of each class, drawn without replacement in class order (sorted; a class
 * with no more images than that keeps them all and draws nothing). The caller checks `perClass`.
 */
export function sampleImagesPerClass(byClass: readonly Int32Array[], perClass: number | 'all', random: Rng): Int32Array[] {
  return byClass.map((imgs) => {
    if (perClass === 'all' || perClass >= imgs.length) return imgs;
    return Int32Array.from(sampleWithoutReplacement(imgs.length, perClass, random), (k) => imgs[k]).sort();
  });
}

/** Options of {@link classConditionalAccuracy}. */
export interface ClassConditionalOptions {
  /** Per class, the images scored for specificity ({@link otherClassImages}). Default: none (otherAccuracy NaN). */
  otherImages?: readonly Int32Array[];
  /** Per class, the own images to score. Default: every image of the class. */
  ownImages?: readonly Int32Array[];
  /** Keep these masks' results in the scorer's memo (false for random draws). Default true. */
  memo?: boolean;
}

/**
 * Class-conditional ablation accuracy of one set of filters per class.
 * @param scorer the batched scorer over the model
 * @param classFilters `classFilters[c]` = channels ablated for class c (may be empty: nothing ablated)
 * @param options see {@link ClassConditionalOptions}
 * @returns per-class counts and the pooled accuracies
 * @throws if `classFilters` does not have one entry per class, or a channel is invalid (naming it and F)
 */
export async function classConditionalAccuracy(
  scorer: MaskScorer, classFilters: ClassFilterLists, options: ClassConditionalOptions = {},
): Promise<ClassConditionalResult> {
  const ev = scorer.evaluator;
  const K = ev.numClasses;
  if (classFilters.length !== K) throw new Error(`classConditionalAccuracy: expected filters for ${K} classes, got ${classFilters.length}`);
  const own = options.ownImages ?? imagesByClass(ev.labels, K);
  const other = options.otherImages ?? Array.from({ length: K }, () => new Int32Array(0));
  const requests = [];
  for (let c = 0; c < K; c++) {
    requests.push({ channels: classFilters[c], images: own[c] });
    requests.push({ channels: classFilters[c], images: other[c] });
  }
  const scores = await scorer.score(requests, { memo: options.memo });
  const perClass: ClassAblation[] = [];
  let correct = 0, images = 0, prob = 0, otherCorrect = 0, otherImages = 0, filters = 0;
  for (let c = 0; c < K; c++) {
    const o = scores[2 * c], x = scores[2 * c + 1];
    const r: ClassAblation = {
      class: c,
      filters: new Set(classFilters[c]).size,
      images: o.correct.length,
      correct: o.correct.reduce((s, v) => s + v, 0),
      trueProbSum: o.trueProb.reduce((s, v) => s + v, 0),
      otherImages: x.correct.length,
      otherCorrect: x.correct.reduce((s, v) => s + v, 0),
    };
    perClass.push(r);
    correct += r.correct; images += r.images; prob += r.trueProbSum;
    otherCorrect += r.otherCorrect; otherImages += r.otherImages; filters += r.filters;
  }
  return {
    perClass,
    accuracy: images ? correct / images : NaN,
    trueProb: images ? prob / images : NaN,
    otherAccuracy: otherImages ? otherCorrect / otherImages : NaN,
    meanFilters: filters / K,
  };
}
