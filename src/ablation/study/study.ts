/**
 * The ablation study, start to finish (docs/method.md, "Evaluation protocol"): the one function
 * behind `filtermine evaluate` and the notebooks' `runAblationStudy`.
 *
 * Fit split (training images under the held-out protocol, the test images themselves under the
 * paper's in-sample protocol): mining of each k, VEBI (fitted once), the baselines' per-image
 * statistics and the greedy oracle. Test split: every variant's class-conditional accuracy.
 * The table has: none; Ours-k with a random baseline of the same counts (seeded draws, mean and
 * 95% interval); Ours-k's class-specific-only and class-shared-only filters; the baselines at the
 * counts of one Ours-k (mean activation, Grad-CAM channel weight, gradient x activation, VEBI);
 * VEBI at its own count with its random baseline; the oracle at every matched count; each drop as
 * a fraction of the oracle's at the same counts; and per-class paired comparisons of each variant
 * with the random baseline and the baselines at the same counts.
 */
import type * as tf from '@tensorflow/tfjs';
import { classMeanRanking, weightRanking, type ClassRankings } from '../../baselines/rankings';
import { splitModel } from '../../graph/split';
import { resolveClassRuleOptions } from '../../mining/class-rules';
import { minePaperRules, type PaperRulesOptions } from '../../mining/paper';
import type { Transactions } from '../../mining/transactions';
import { filterNorms, vebiFilters } from '../../vebi/vebi';
import type { ClassFilterLists } from '../core/class-conditional';
import { ablationCurves, type CurveMethod, type CurvePoint } from '../core/curves';
import { evaluateAblation, type AblationClassRow, type AblationFiltersRow, type AblationResultRow } from '../core/evaluate';
import { minedFilterLists } from '../core/mined';
import { greedyOracle } from '../core/oracle';
import { pairedComparison, type PairedComparison } from '../core/paired';
import { MaskScorer } from '../core/scorer';
import { minedSourceName, type AblationVariant } from '../core/variants';
import { cacheActivations, type ActivationCache } from '../tf/activation-cache';
import { classGradientStatistics } from '../tf/gradients';
import { createHeadEvaluator, type HeadMaskEvaluator, type HeadStrategy } from '../tf/head-evaluator';
import type { IndexedImages } from '../tf/images';

/** How the study uses images. */
export type StudyProtocol = 'held-out' | 'in-sample';

/** Images of one split with their labels. */
export interface StudyImages {
  images: IndexedImages;
  labels: Int32Array;
}

/** What the study runs on. */
export interface StudyInputs {
  model: tf.LayersModel;
  /** The analysed layer. */
  layer: string;
  /** Class names, indexed by label. */
  classNames: readonly string[];
  /** The transactions mined for size k (from the fit split's extraction). */
  transactions(k: number): Transactions;
  /** Fit split: mining, VEBI, baselines and oracle. Omit under the in-sample protocol (the test split is used). */
  fit?: StudyImages;
  /** Test split: every accuracy in the table. */
  test: StudyImages;
}

/** Options of {@link ablationStudy}. */
export interface StudyOptions {
  /** `held-out` (default): fit on `inputs.fit`, measure on `inputs.test`; `in-sample`: both on the test images, as the paper. */
  protocol?: StudyProtocol;
  /** Transaction sizes mined. Default [5, 10, 25]. */
  ks?: number[];
  /** Mining thresholds (defaults: the paper's). */
  mining?: PaperRulesOptions;
  /** Seeded draws of each random baseline. Default 50. */
  draws?: number;
  /** Base seed. Default 0. */
  seed?: number;
  /** Other-class images per class for specificity. Default 100. */
  otherPerClass?: number | 'all';
  /** VEBI's lambda chosen for about this many filters per class. Default 5. */
  vebiFiltersPerClass?: number;
  /** The Ours-k whose per-class counts the baselines use. Default 10 (else the middle k). */
  matchK?: number;
  /** Compute the oracle. Default true. */
  oracle?: boolean;
  /** Oracle selection images per class (seeded sample of the fit split), or 'all'. Default 300. */
  oracleImagesPerClass?: number | 'all';
  /** Curves (draws of random orders, own images per class), or false. Default { draws: 5, imagesPerClass: 'all' }. */
  curves?: { draws?: number; imagesPerClass?: number | 'all' } | false;
  /** Head evaluation strategy. Default `auto`. */
  head?: HeadStrategy;
  /** Progress messages. */
  onProgress?: (message: string) => void;
  /**
   * Counted progress of the long stages (activation caching, oracle, evaluation, curves): called once
   * per stage with its label, it returns the `(done, total)` callback of that stage, e.g.
   * `progressCallback` of the widgets for an in-place bar per stage.
   */
  progress?: (label: string) => (done: number, total: number) => void;
}

/** A row of the results table, with its matching and oracle columns. */
export interface StudyResultRow extends AblationResultRow {
  /** The variant whose per-class counts this row uses (`ours-10`, `vebi`), or null. */
  matchedTo: string | null;
  /** drop / the oracle's drop at the same counts (NaN when there is none). */
  ofOracle: number;
}

/**
 * A per-class paired comparison of two variants' drops: `meanDifference` is the mean over classes
 * of (variant's drop - reference's drop), positive when the variant hurts more; `low`/`high` its
 * 95% bootstrap interval over classes; `pValue` the exact sign-flip test; `wins`/`losses` the
 * classes where the variant's drop is larger/smaller.
 */
export interface StudyComparisonRow extends Omit<PairedComparison, 'n' | 'exact'> {
  variant: string;
  reference: string;
}

/** The study's result (plain rows, JSON-ready). */
export interface StudyResult {
  protocol: StudyProtocol;
  layer: string;
  channels: number;
  classNames: string[];
  /** Images of the fit and test splits. */
  fitImages: number;
  testImages: number;
  matchK: number;
  draws: number;
  results: StudyResultRow[];
  perClass: AblationClassRow[];
  filters: AblationFiltersRow[];
  comparisons: StudyComparisonRow[];
  curves: CurvePoint[];
  /** Per k: rules, mean filters per class, specific and shared filters. */
  mining: Record<string, { rules: number; meanFiltersPerClass: number; specificFilters: number; sharedFilters: number }>;
  vebi: { lambda: number; meanFiltersPerClass: number };
  oracle: { imagesPerClass: number[]; pairsEvaluated: number } | null;
  /** Seconds per stage. */
  seconds: Record<string, number>;
}

/** Names of the baseline rankings, in table order. */
export const BASELINE_RANKINGS = ['mean-activation', 'gradcam-weight', 'grad-x-activation', 'vebi-matched'] as const;

const seconds = (t0: number) => (Date.now() - t0) / 1000;

/**
 * Runs the study.
 * @param inputs model, layer, transactions and images
 * @param options see {@link StudyOptions}
 * @throws if the held-out protocol is asked without a fit split, or on invalid options
 */
export async function ablationStudy(inputs: StudyInputs, options: StudyOptions = {}): Promise<StudyResult> {
  const protocol = options.protocol ?? 'held-out';
  if (protocol !== 'held-out' && protocol !== 'in-sample') throw new Error(`ablationStudy: protocol must be 'held-out' or 'in-sample', got '${String(protocol)}'`);
  if (protocol === 'held-out' && !inputs.fit) throw new Error(`ablationStudy: the held-out protocol needs a fit split (training images and their transactions); pass inputs.fit or protocol 'in-sample'`);
  const ks = options.ks ?? [5, 10, 25];
  const matchK = options.matchK ?? (ks.includes(10) ? 10 : ks[Math.floor(ks.length / 2)]);
  if (!ks.includes(matchK)) throw new Error(`ablationStudy: matchK ${matchK} is not one of the mined ks (${ks.join(', ')})`);
  const draws = options.draws ?? 50, seed = options.seed ?? 0;
  resolveClassRuleOptions(options.mining ?? {}); // mining thresholds and rule definition checked before any model work
  const say = options.onProgress ?? (() => undefined);
  const counted = (label: string): { onProgress?: (done: number, total: number) => void } => (options.progress ? { onProgress: options.progress(label) } : {});
  const time: Record<string, number> = {};
  const t00 = Date.now();
  const fit = protocol === 'held-out' ? inputs.fit! : inputs.test;

  let t0 = Date.now();
  const mined = new Map<string, ClassFilterLists>();
  const mining: StudyResult['mining'] = {};
  const split = splitModel(inputs.model, inputs.layer);
  const K = split.numClasses;
  const evaluators: HeadMaskEvaluator[] = [];
  try {
    for (const k of ks) {
      say(`mining k = ${k}`);
      const res = minePaperRules(inputs.transactions(k), { groups: false, ...options.mining });
      mined.set(minedSourceName(k), minedFilterLists(res, K));
      const c = res.counts;
      mining[`k${k}`] = { rules: c.rules, meanFiltersPerClass: c.meanFiltersPerClass, specificFilters: c.specificFilters, sharedFilters: c.sharedFilters };
    }
    time.mining = seconds(t0);

    t0 = Date.now();
    say(`caching ${inputs.layer} activations of ${inputs.test.labels.length} test images${protocol === 'held-out' ? ` and ${fit.labels.length} fit images` : ''}`);
    const testCache = await cacheActivations(split, inputs.layer, inputs.test.images, { batchSize: 500, ...counted(`caching ${inputs.layer} activations (test images)`) });
    const fitCache: ActivationCache = protocol === 'held-out'
      ? await cacheActivations(split, inputs.layer, fit.images, { batchSize: 500, ...counted(`caching ${inputs.layer} activations (fit images)`) }) : testCache;
    const testEv = await createHeadEvaluator(split.head, testCache, inputs.test.labels, { strategy: options.head ?? 'auto' });
    evaluators.push(testEv);
    const fitEv = fitCache === testCache ? testEv : await createHeadEvaluator(split.head, fitCache, fit.labels, { strategy: options.head ?? 'auto' });
    if (fitEv !== testEv) evaluators.push(fitEv);
    time.cache = seconds(t0);
    const F = testEv.channelCount;

    t0 = Date.now();
    say('VEBI');
    const vebi = vebiFilters(filterNorms(fitCache.activation.data, fitCache.n, F), fit.labels, K, { targetFiltersPerClass: options.vebiFiltersPerClass ?? 5 });
    time.vebi = seconds(t0);

    t0 = Date.now();
    say('baseline statistics (class-logit gradients)');
    const stats = await classGradientStatistics(split.head, fitCache, fit.labels);
    const rankings = new Map<string, ClassRankings>([
      ['mean-activation', classMeanRanking(stats.meanActivation, fit.labels, K)],
      ['gradcam-weight', classMeanRanking(stats.gradcamWeight, fit.labels, K)],
      ['grad-x-activation', classMeanRanking(stats.gradTimesActivation, fit.labels, K)],
      ['vebi-matched', weightRanking(vebi.weights, K, vebi.correlations)],
      ['vebi-own', vebi.filters],
    ]);
    time.baselines = seconds(t0);

    const match = minedSourceName(matchK);
    const variants: AblationVariant[] = [{ name: 'none', selector: 'none', k: null }];
    const matchedTo = new Map<string, string | null>([['none', null]]);
    const add = (v: AblationVariant, to: string | null) => { variants.push(v); matchedTo.set(v.name, to); };
    for (const k of ks) {
      const source = minedSourceName(k);
      add({ name: source, selector: 'mined', params: { source }, k }, source);
      add({ name: `random-${k}`, selector: 'random', params: { match: source }, k }, source);
      add({ name: `${source}-specific`, selector: 'mined-specific', params: { source }, k }, null);
      add({ name: `${source}-shared`, selector: 'mined-shared', params: { source }, k }, null);
    }
    for (const b of BASELINE_RANKINGS) add({ name: b, selector: 'ranked', params: { ranking: b, match }, k: matchK }, match);
    add({ name: 'vebi', selector: 'ranked', params: { ranking: 'vebi-own' }, k: null }, 'vebi');
    add({ name: 'random-vebi', selector: 'random', params: { match: 'vebi' }, k: null }, 'vebi');

    let oracle: StudyResult['oracle'] = null;
    if (options.oracle ?? true) {
      t0 = Date.now();
      const counts = Array.from({ length: K }, (_, c) => Math.max(vebi.filters[c].length, ...ks.map((k) => new Set(mined.get(minedSourceName(k))![c]).size)));
      say(`oracle: greedy search on the fit split, up to ${Math.max(...counts)} filters per class`);
      const bar = counted('oracle (classes)').onProgress;
      const res = await greedyOracle(fitEv, counts, { imagesPerClass: options.oracleImagesPerClass ?? 300, seed, onProgress: (d, total) => { say(`oracle: class ${d}/${total}`); bar?.(d, total); } });
      rankings.set('oracle', res.rankings);
      for (const k of ks) add({ name: `oracle-${k}`, selector: 'ranked', params: { ranking: 'oracle', match: minedSourceName(k) }, k }, minedSourceName(k));
      add({ name: 'oracle-vebi', selector: 'ranked', params: { ranking: 'oracle', match: 'vebi' }, k: null }, 'vebi');
      oracle = { imagesPerClass: res.images, pairsEvaluated: res.pairsEvaluated };
      time.oracle = seconds(t0);
    }

    t0 = Date.now();
    say(`evaluating ${variants.length} variants (${draws} draws per random baseline) on the test split`);
    const study = await evaluateAblation(testEv, { mined, rankings }, {
      variants, draws, seed, otherPerClass: options.otherPerClass ?? 100, classNames: inputs.classNames, ...counted('evaluating variants (mask sets)'),
    });
    time.evaluation = seconds(t0);

    const dropOf = new Map(study.rows.results.map((r) => [r.variant, r.drop]));
    const oracleFor = (to: string | null) => (to === null ? undefined : to === 'vebi' ? 'oracle-vebi' : `oracle-${to.replace(/^ours-/, '')}`);
    const results: StudyResultRow[] = study.rows.results.map((r) => {
      const to = matchedTo.get(r.variant) ?? null;
      const od = dropOf.get(oracleFor(to) ?? '');
      return { ...r, matchedTo: to, ofOracle: od !== undefined && od > 0 ? r.drop / od : NaN };
    });

    // Per-class paired comparisons of drops.
    const classDrops = new Map<string, number[]>();
    for (const row of study.rows.perClass) {
      const xs = classDrops.get(row.variant) ?? [];
      xs[row.class] = row.drop;
      classDrops.set(row.variant, xs);
    }
    const comparisons: StudyComparisonRow[] = [];
    const compare = (variant: string, reference: string) => {
      const a = classDrops.get(variant), b = classDrops.get(reference);
      if (!a || !b) return;
      // Over the classes that have test images (a model may have classes the data set lacks, e.g. an image folder with some of them).
      const present = Array.from({ length: Math.max(a.length, b.length) }, (_, c) => c).filter((c) => Number.isFinite(a[c]) && Number.isFinite(b[c]));
      if (present.length === 0) return;
      const { n: _n, exact: _e, ...p } = pairedComparison(present.map((c) => a[c]), present.map((c) => b[c]), { seed });
      comparisons.push({ variant, reference, ...p });
    };
    for (const r of results) {
      if (r.variant === 'none' || r.variant.startsWith('random') || r.matchedTo === null) continue;
      const randomRef = r.matchedTo === 'vebi' ? 'random-vebi' : `random-${r.matchedTo.replace(/^ours-/, '')}`;
      compare(r.variant, randomRef);
      if (r.matchedTo === match) for (const b of BASELINE_RANKINGS) if (b !== r.variant) compare(r.variant, b);
      if (r.matchedTo === match && r.variant === match) compare(r.variant, `oracle-${matchK}`);
    }

    let curves: CurvePoint[] = [];
    if (options.curves !== false) {
      t0 = Date.now();
      say('curves');
      const methods: CurveMethod[] = [...ks.map((k) => ({ name: minedSourceName(k), k, ranked: mined.get(minedSourceName(k))! })),
        { name: 'vebi', k: null, ranked: study.lists.get('vebi')! }];
      curves = (await ablationCurves(new MaskScorer(testEv), methods, {
        draws: options.curves?.draws ?? 5, seed, imagesPerClass: options.curves?.imagesPerClass ?? 'all', ...counted('curves (points)'),
      })).rows;
      time.curves = seconds(t0);
    }
    time.total = seconds(t00);
    return {
      protocol, layer: inputs.layer, channels: F, classNames: [...inputs.classNames], fitImages: fit.labels.length, testImages: inputs.test.labels.length,
      matchK, draws, results, perClass: study.rows.perClass, filters: study.rows.filters, comparisons, curves, mining,
      vebi: { lambda: vebi.lambda, meanFiltersPerClass: vebi.meanFiltersPerClass }, oracle, seconds: time,
    };
  } finally {
    for (const ev of evaluators) ev.dispose();
    split.dispose();
  }
}
