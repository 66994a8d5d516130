/**
 * Ablation curves (docs/method.md, "Evaluation": "accuracy as a function of the number of ablated
 * filters"): for n = 1..N, ablate per class the first n of the method's ranked filters and
 * measure the overall class-conditional accuracy; compare with the same filters in random order
 * and with random channels of the layer, over seeded draws. Pure: no tfjs.
 *
 * A class with fewer than n ranked filters ablates all of them (its curve saturates); the random
 * orders use the same count per class as the ranked order at every n, so the three curves always
 * ablate the same number of channels per class. Random orders are nested over n (one permutation
 * per class and draw), so each random curve is the running ablation of one random ranking.
 */
import { rng, sampleWithoutReplacement } from '../../util/rng';
import { imagesByClass, sampleImagesPerClass, type ClassFilterLists } from './class-conditional';
import type { MaskScorer, ScoreRequest } from './scorer';
import { seedFor } from './seed';
import { tableFromRows, type AblationTable } from '../io/table';

/** How the filters of a curve are ordered. */
export type CurveOrder = 'ranked' | 'shuffled' | 'random';

/** A method whose ranking is plotted. */
export interface CurveMethod {
  /** Name, e.g. `ours-10` or `vebi`. */
  name: string;
  /** Transaction size k, if any. */
  k?: number | null;
  /** Ranked filters per class (best first). */
  ranked: ClassFilterLists;
}

/** Options of {@link ablationCurves}. */
export interface CurvesOptions {
  /** Largest n. Default: the longest class list of the method. */
  maxFilters?: number;
  /**
   * Orders to compute. `ranked`: the method's ranking; `shuffled`: the method's own filters in a
   * random order; `random`: uniformly random channels from all F. Default all three.
   */
  orders?: readonly CurveOrder[];
  /** Draws for the random orders. Default 5. */
  draws?: number;
  /** Base seed. Default 0. */
  seed?: number;
  /** Own images per class to score (seeded sample, shared by all curves), or `'all'`. Default `'all'`. */
  imagesPerClass?: number | 'all';
  /** Also emit one row per class (`class` = index); overall rows have `class` = null. Default false. */
  perClass?: boolean;
  /** Called after each curve point with (points done, points in total) over all methods. */
  onProgress?: (done: number, total: number) => void;
}

const defaults = { orders: ['ranked', 'shuffled', 'random'] as readonly CurveOrder[], draws: 5, seed: 0, imagesPerClass: 'all' as number | 'all', perClass: false };

/**
 * One row of the curves table: accuracy after ablating n filters per class.
 * For `shuffled`/`random`, `accuracy` is the mean over draws and `std` the sample standard deviation.
 */
export interface CurvePoint {
  /**
   * Series name for plotting (the `method` of the widgets' ablation curve): the method's name for
   * `ranked` (e.g. `ours-10`), `<name> shuffled` for `shuffled`, `random (<name> counts)` for `random`.
   */
  method: string;
  /** The method whose ranking (and counts) the series uses, e.g. `ours-10`. */
  source: string;
  /** Transaction size k of the method, or null. */
  k: number | null;
  /** `ranked`, `shuffled` or `random`. */
  order: CurveOrder;
  /** Class index, or null for the overall curve. */
  class: number | null;
  /** Filters ablated per class requested (1..N). */
  n: number;
  /** Mean channels actually ablated per class (below n where classes saturate). */
  filtersPerClass: number;
  /** Top-1 accuracy (fraction), each image under its own class's mask. */
  accuracy: number;
  /** Standard deviation over draws (0 for `ranked`). */
  std: number;
  /** Draws averaged. */
  draws: number;
}

/** Columns of the curves table, in order. */
export const CURVE_COLUMNS: readonly (keyof CurvePoint)[] = ['method', 'source', 'k', 'order', 'class', 'n', 'filtersPerClass', 'accuracy', 'std', 'draws'];

/**
 * The plotted series name of a method in an order: `ours-10`, `ours-10 shuffled`, `random (ours-10 counts)`.
 * @param method the method's name
 * @param order the order
 */
export function curveSeriesName(method: string, order: CurveOrder): string {
  return order === 'ranked' ? method : order === 'shuffled' ? `${method} shuffled` : `random (${method} counts)`;
}

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: readonly number[]): number => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

function shuffled(list: readonly number[], seed: number): number[] {
  const r = rng(seed);
  return Array.from(sampleWithoutReplacement(list.length, list.length, r), (i) => list[i]);
}

/**
 * Accuracy-versus-filters-ablated curves for each method.
 * @param scorer the batched scorer over the model
 * @param methods the rankings to plot
 * @param options see {@link CurvesOptions}
 * @returns a table of {@link CurvePoint} (columns {@link CURVE_COLUMNS}), ordered by method, order, class, n
 * @throws if a method's lists do not cover every class, or a channel is invalid
 */
export async function ablationCurves(scorer: MaskScorer, methods: readonly CurveMethod[], options: CurvesOptions = {}): Promise<{ table: AblationTable; rows: CurvePoint[] }> {
  const o = { ...defaults, ...options };
  if (!(Number.isInteger(o.draws) && o.draws >= 1)) throw new Error(`ablationCurves: draws must be a positive integer, got ${o.draws}`);
  for (const order of o.orders) {
    if (!defaults.orders.includes(order)) throw new Error(`ablationCurves: unknown order '${order}'; expected one of ${defaults.orders.join(', ')}`);
  }
  const ev = scorer.evaluator;
  const K = ev.numClasses, F = ev.channelCount;
  const all = imagesByClass(ev.labels, K);
  const imgRng = rng(seedFor(o.seed, 'curve-images'));
  const own = sampleImagesPerClass(all, o.imagesPerClass, imgRng);
  const names = methods.map((m) => m.name);
  const dup = names.find((x, i) => names.indexOf(x) !== i);
  if (dup !== undefined) throw new Error(`ablationCurves: duplicate method name '${dup}'`);
  const rows: CurvePoint[] = [];
  const points = methods.reduce((t, m) => t + (o.maxFilters ?? Math.max(0, ...m.ranked.map((l) => new Set(l).size))), 0);
  let pointsDone = 0;
  for (const m of methods) {
    if (m.ranked.length !== K) throw new Error(`ablationCurves: method '${m.name}' has filters for ${m.ranked.length} classes, expected ${K}`);
    const ranked = m.ranked.map((l) => [...new Set(l)]);
    const longest = Math.max(0, ...ranked.map((l) => l.length));
    const N = o.maxFilters ?? longest;
    if (!(Number.isInteger(N) && N >= 0)) throw new Error(`ablationCurves: maxFilters must be a non-negative integer, got ${N}`);
    // Per order, per draw, per class: the ordering whose prefixes are ablated.
    const orderings = new Map<CurveOrder, number[][][]>();
    for (const order of o.orders) {
      const draws = order === 'ranked' ? 1 : o.draws;
      orderings.set(order, Array.from({ length: draws }, (_, d) => ranked.map((l, c) => {
        const seed = seedFor(o.seed, `${m.name}/${order}/draw${d}/class${c}`);
        if (order === 'ranked') return l;
        if (order === 'shuffled') return shuffled(l, seed);
        return Array.from(sampleWithoutReplacement(F, Math.min(F, Math.max(N, l.length)), rng(seed)));
      })));
    }
    for (let n = 1; n <= N; n++) {
      const counts = ranked.map((l) => Math.min(n, l.length));
      const requests: ScoreRequest[] = [];
      const index: { order: CurveOrder; draw: number }[] = [];
      for (const [order, draws] of orderings) {
        draws.forEach((perClass, d) => {
          index.push({ order, draw: d });
          perClass.forEach((ordering, c) => requests.push({ channels: ordering.slice(0, counts[c]), images: own[c] }));
        });
      }
      const scores = await scorer.score(requests, { memo: false });
      const filtersPerClass = mean(counts);
      for (const order of o.orders) {
        const ids = index.map((x, t) => (x.order === order ? t : -1)).filter((t) => t >= 0);
        const perDraw = ids.map((t) => {
          const s = scores.slice(t * K, (t + 1) * K);
          const correct = s.map((x) => x.correct.reduce((a, b) => a + b, 0));
          const images = s.map((x) => x.correct.length);
          return { overall: correct.reduce((a, b) => a + b, 0) / images.reduce((a, b) => a + b, 0), byClass: correct.map((cc, c) => cc / images[c]) };
        });
        const base = { method: curveSeriesName(m.name, order), source: m.name, k: m.k ?? null, order, n, filtersPerClass, draws: perDraw.length };
        const overall = perDraw.map((p) => p.overall);
        rows.push({ ...base, class: null, accuracy: mean(overall), std: std(overall) });
        if (o.perClass) {
          for (let c = 0; c < K; c++) {
            const a = perDraw.map((p) => p.byClass[c]);
            rows.push({ ...base, class: c, filtersPerClass: counts[c], accuracy: mean(a), std: std(a) });
          }
        }
      }
      options.onProgress?.(++pointsDone, points);
    }
  }
  const orderRank = (x: CurveOrder) => defaults.orders.indexOf(x);
  const methodRank = new Map(methods.map((m, i) => [m.name, i]));
  rows.sort((a, b) => methodRank.get(a.source)! - methodRank.get(b.source)! || orderRank(a.order) - orderRank(b.order)
    || (a.class ?? -1) - (b.class ?? -1) || a.n - b.n);
  return { table: tableFromRows(rows, CURVE_COLUMNS), rows };
}
