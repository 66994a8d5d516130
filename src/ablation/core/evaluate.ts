/**
 * The ablation study (docs/method.md, "Evaluation"): every variant's class-conditional accuracy,
 * stochastic variants over seeded draws, as rows of the paper's table plus the
 * specificity columns (accuracy of other classes under a class's mask). Pure: no tfjs.
 */
import { rng } from '../../util/rng';
import {
  classConditionalAccuracy, imagesByClass, otherClassImages,
  type ClassConditionalResult, type ClassFilterLists,
} from './class-conditional';
import { MaskScorer, type MaskEvaluator } from './scorer';
import { getFilterSelector, type SelectorContext } from './selectors';
import { seedFor } from './seed';
import { quantile } from './paired';
import { defaultVariants, type AblationVariant } from './variants';

/** What the selectors draw on. */
export interface AblationInputs {
  /** Mined filters per class (ranked), by source name, e.g. `ours-10` (see `minedSourceName`). */
  mined: ReadonlyMap<string, ClassFilterLists>;
  /** Per-image filter norms `[n, F]` and labels, for VEBI (see `filterNorms`). */
  features?: { readonly norms: Float32Array; readonly labels: ArrayLike<number> };
  /** Precomputed per-class rankings by name, for variants of the `ranked` selector. */
  rankings?: ReadonlyMap<string, ReadonlyArray<readonly number[]>>;
}

/** Options of {@link evaluateAblation}. */
export interface EvaluateAblationOptions {
  /**
   * The variants. Default: {@link defaultVariants} for every mined source named `ours-<k>`, with
   * VEBI when `inputs.features` is given.
   */
  variants?: readonly AblationVariant[];
  /** Seeded draws of each stochastic variant (random baselines). Default 10. */
  draws?: number;
  /** Base seed of every random choice (draws, specificity sample). Default 0. */
  seed?: number;
  /**
   * Specificity: images per other class scored under each class's mask (seeded sample, the same
   * for every variant), or `'all'` (exact, K-1 times the own-class cost). Default 100.
   */
  otherPerClass?: number | 'all';
  /** Class names for the per-class table. Default: the class index as text. */
  classNames?: readonly string[];
  /** Called after each scored mask set with (sets done, sets in total): the baseline, one per deterministic variant, `draws` per random one. */
  onProgress?: (done: number, total: number) => void;
}

const defaults = { draws: 10, seed: 0, otherPerClass: 100 as number | 'all' };

/**
 * One row of the results table (the paper's table, one row per variant). Accuracies are
 * fractions in [0, 1]; for stochastic variants, means over draws with the sample standard deviation.
 */
export interface AblationResultRow {
  /** Variant name, e.g. `ours-10`. */
  variant: string;
  /** Selector name. */
  selector: string;
  /** Transaction size k of the variant, or null. */
  k: number | null;
  /** Draws averaged (1 for deterministic variants). */
  draws: number;
  /** Mean number of channels ablated per class. */
  filtersPerClass: number;
  /** Top-1 accuracy over all images, each under its own class's mask. */
  accuracy: number;
  /** Standard deviation of `accuracy` over draws (0 for deterministic variants). */
  accuracyStd: number;
  /** 2.5% and 97.5% quantiles of `accuracy` over draws (equal to it for deterministic variants). */
  accuracyLow: number;
  accuracyHigh: number;
  /** Mean softmax probability of the true class, each image under its own class's mask. */
  trueProb: number;
  /** Top-1 accuracy of other classes' images under each class's mask (specificity). */
  otherAccuracy: number;
  /** Standard deviation of `otherAccuracy` over draws. */
  otherAccuracyStd: number;
  /** `none`'s accuracy minus this accuracy (positive: the ablation hurts). */
  drop: number;
  /** `none`'s other-class accuracy minus this one. */
  otherDrop: number;
}

/** One row of the per-class table. */
export interface AblationClassRow {
  variant: string;
  class: number;
  className: string;
  /** Channels ablated for this class (mean over draws). */
  filters: number;
  /** Own images of the class. */
  images: number;
  /** Accuracy on the class's own images under its mask (mean over draws). */
  accuracy: number;
  /** Standard deviation over draws. */
  accuracyStd: number;
  /** Mean softmax probability of the true class on own images. */
  trueProb: number;
  /** Accuracy of other classes' images under this class's mask. */
  otherAccuracy: number;
  /** `none`'s accuracy on this class minus this accuracy. */
  drop: number;
}

/** One row of the filters table (deterministic variants only). */
export interface AblationFiltersRow {
  variant: string;
  class: number;
  /** Channels ablated for the class, best-ranked first. */
  filters: number[];
}

/** Column orders of the tables (also their documentation order). */
export const RESULT_COLUMNS: readonly (keyof AblationResultRow)[] = [
  'variant', 'selector', 'k', 'draws', 'filtersPerClass', 'accuracy', 'accuracyStd', 'accuracyLow', 'accuracyHigh', 'trueProb',
  'otherAccuracy', 'otherAccuracyStd', 'drop', 'otherDrop',
];
/** Columns of the per-class table. */
export const CLASS_COLUMNS: readonly (keyof AblationClassRow)[] = [
  'variant', 'class', 'className', 'filters', 'images', 'accuracy', 'accuracyStd', 'trueProb', 'otherAccuracy', 'drop',
];
/** Columns of the filters table. */
export const FILTER_COLUMNS: readonly (keyof AblationFiltersRow)[] = ['variant', 'class', 'filters'];

/** The result of {@link evaluateAblation}. */
export interface AblationEvaluation {
  /** The table rows: per variant, per variant and class, filters per deterministic variant and class. */
  rows: { results: AblationResultRow[]; perClass: AblationClassRow[]; filters: AblationFiltersRow[] };
  /** The filters of every deterministic variant, by name (each computed once). */
  lists: Map<string, ClassFilterLists>;
  /** (mask, image) pairs the evaluator computed (after reuse of the baseline and memoised masks). */
  pairsEvaluated: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
/** Sample standard deviation (n - 1); 0 for fewer than two values. */
const std = (xs: readonly number[]): number => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

/** The ks of mined sources named `ours-<k>`, in map order. */
function minedKs(mined: ReadonlyMap<string, ClassFilterLists>): number[] {
  const ks: number[] = [];
  for (const name of mined.keys()) {
    const m = /^ours-(\d+)$/.exec(name);
    if (m) ks.push(Number(m[1]));
  }
  return ks;
}

/**
 * Builds the selector context over inputs and a list of variants: `resolve(name)` computes a
 * deterministic variant's filters once (refusing cycles and stochastic targets).
 */
export function selectorContext(evaluator: Pick<MaskEvaluator, 'numClasses' | 'channelCount' | 'layerName'>,
  inputs: AblationInputs, variants: readonly AblationVariant[]): SelectorContext {
  const byName = new Map(variants.map((v) => [v.name, v]));
  const cache = new Map<string, ClassFilterLists>();
  const active = new Set<string>();
  const ctx: SelectorContext = {
    numClasses: evaluator.numClasses,
    channelCount: evaluator.channelCount,
    layerName: evaluator.layerName,
    mined: inputs.mined,
    features: inputs.features,
    ...(inputs.rankings ? { rankings: inputs.rankings } : {}),
    resolve(name: string): ClassFilterLists {
      const hit = cache.get(name);
      if (hit) return hit;
      const v = byName.get(name);
      if (!v) throw new Error(`no variant named '${name}'; variants: ${[...byName.keys()].join(', ')}`);
      const def = getFilterSelector(v.selector);
      if (def.stochastic) throw new Error(`variant '${name}' is stochastic (selector '${v.selector}') and cannot be matched`);
      if (active.has(name)) throw new Error(`variant '${name}' depends on itself (${[...active, name].join(' -> ')})`);
      active.add(name);
      try {
        const lists = def.select(ctx, v.params ?? {}, rng(0));
        cache.set(name, lists);
        return lists;
      } finally {
        active.delete(name);
      }
    },
  };
  return ctx;
}

/**
 * Runs the ablation study.
 * @param evaluator scores (mask, image) pairs (fast: `createHeadEvaluator`; naive: `createFullModelEvaluator`)
 * @param inputs mined filters and (for VEBI) filter norms
 * @param options see {@link EvaluateAblationOptions}
 * @returns the rows of the results, per-class and filters tables, and each deterministic variant's filters
 * @throws on unknown selectors, duplicate variant names, invalid channels (naming the channel and F)
 * @example
 * const ev = await createHeadEvaluator(split.head, cache, labels);
 * const { rows } = await evaluateAblation(ev, { mined: new Map([['ours-10', lists]]) });
 */
export async function evaluateAblation(evaluator: MaskEvaluator, inputs: AblationInputs, options: EvaluateAblationOptions = {}): Promise<AblationEvaluation> {
  const o = { ...defaults, ...options };
  if (!(Number.isInteger(o.draws) && o.draws >= 1)) throw new Error(`evaluateAblation: draws must be a positive integer, got ${o.draws}`);
  const variants = options.variants ?? defaultVariants(minedKs(inputs.mined), { vebi: inputs.features !== undefined });
  const names = new Set<string>();
  for (const v of variants) {
    if (names.has(v.name)) throw new Error(`evaluateAblation: duplicate variant name '${v.name}'`);
    names.add(v.name);
    getFilterSelector(v.selector); // fail early on unknown selectors
  }
  const K = evaluator.numClasses;
  const classNames = options.classNames ?? Array.from({ length: K }, (_, c) => String(c));
  const scorer = new MaskScorer(evaluator);
  const byClass = imagesByClass(evaluator.labels, K);
  const other = otherClassImages(byClass, o.otherPerClass, rng(seedFor(o.seed, 'specificity')));
  const ctx = selectorContext(evaluator, inputs, variants);
  const run = (lists: ClassFilterLists, memo: boolean) => classConditionalAccuracy(scorer, lists, { ownImages: byClass, otherImages: other, memo });

  const total = 1 + variants.reduce((n, v) => n + (getFilterSelector(v.selector).stochastic ? o.draws : 1), 0);
  let done = 0;
  const tick = () => options.onProgress?.(++done, total);
  const baseline = await run(Array.from({ length: K }, () => []), true);
  tick();
  const results: AblationResultRow[] = [];
  const perClass: AblationClassRow[] = [];
  const filters: AblationFiltersRow[] = [];
  const lists = new Map<string, ClassFilterLists>();
  for (const v of variants) {
    const def = getFilterSelector(v.selector);
    const runs: ClassConditionalResult[] = [];
    if (def.stochastic) {
      for (let d = 0; d < o.draws; d++) {
        const lists = def.select(ctx, v.params ?? {}, rng(seedFor(o.seed, `${v.name}/draw${d}`)));
        runs.push(await run(lists, false));
        tick();
      }
    } else {
      const chosen = ctx.resolve(v.name);
      lists.set(v.name, chosen);
      chosen.forEach((l, c) => filters.push({ variant: v.name, class: c, filters: [...l] }));
      runs.push(await run(chosen, true));
      tick();
    }
    const acc = runs.map((r) => r.accuracy), oth = runs.map((r) => r.otherAccuracy);
    results.push({
      variant: v.name, selector: v.selector, k: v.k ?? null, draws: runs.length,
      filtersPerClass: mean(runs.map((r) => r.meanFilters)),
      accuracy: mean(acc), accuracyStd: std(acc), accuracyLow: quantile(acc, 0.025), accuracyHigh: quantile(acc, 0.975), trueProb: mean(runs.map((r) => r.trueProb)),
      otherAccuracy: mean(oth), otherAccuracyStd: std(oth),
      drop: baseline.accuracy - mean(acc), otherDrop: baseline.otherAccuracy - mean(oth),
    });
    for (let c = 0; c < K; c++) {
      const rs = runs.map((r) => r.perClass[c]);
      const a = rs.map((r) => r.correct / r.images);
      const b = baseline.perClass[c];
      perClass.push({
        variant: v.name, class: c, className: classNames[c] ?? String(c),
        filters: mean(rs.map((r) => r.filters)), images: b.images,
        accuracy: mean(a), accuracyStd: std(a), trueProb: mean(rs.map((r) => r.trueProbSum / r.images)),
        otherAccuracy: mean(rs.map((r) => r.otherCorrect / r.otherImages)),
        drop: b.correct / b.images - mean(a),
      });
    }
  }
  return {
    rows: { results, perClass, filters },
    lists,
    pairsEvaluated: scorer.pairsEvaluated,
  };
}
