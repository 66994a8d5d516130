/**
 * Filter selectors: the methods compared in the ablation study (docs/method.md, "Evaluation"), each a
 * small named definition in a registry, so that a new baseline is one `registerFilterSelector`
 * call. A selector maps a context to ranked filters per class. Pure: no tfjs.
 *
 * Built in:
 * - `none`: ablates nothing (the unablated model).
 * - `mined` (`{source}`): the method's filters per class (the union of the antecedents of the
 *   class's kept rules, docs/method.md, Pipeline step 5), ranked as given by the source.
 * - `mined-specific` / `mined-shared` (`{source}`): of those, only the filters that appear in no
 *   other class's list (class-specific), or only those that appear in at least one other class's
 *   list (class-shared). Judged per filter over the source's class lists.
 * - `random` (`{match}` or `{count}`): per class, as many channels as the matched variant gives
 *   that class (or a fixed count), drawn uniformly without replacement from ALL F channels of the
 *   layer (the authors' ResNet50 baseline drew only from 0-511 of 2048; we do not). Stochastic.
 * - `vebi` (`{lambda?, targetFiltersPerClass?}`): non-negative lasso on per-filter feature-map
 *   L2 norms ({@link vebiFilters}).
 * - `ranked` (`{ranking, match?}` or `{ranking, count}`): the first filters of a precomputed
 *   per-class ranking (the baselines of `src/baselines`, VEBI's weights, the greedy oracle), as
 *   many per class as the matched variant gives that class, or a fixed count, or the whole list.
 */
import { sampleWithoutReplacement, type Rng } from '../../util/rng';
import type { ClassFilterLists } from './class-conditional';
import { vebiFilters } from '../../vebi/vebi';

/** What a selector may use. */
export interface SelectorContext {
  /** Number of classes K. */
  readonly numClasses: number;
  /** Channels F of the layer. */
  readonly channelCount: number;
  /** The layer's name. */
  readonly layerName: string;
  /** Mined filters per class, ranked, by source name (e.g. `'ours-10'`). */
  readonly mined: ReadonlyMap<string, ClassFilterLists>;
  /** VEBI's input: row-major `[n, F]` per-image filter norms and the labels of those images. */
  readonly features?: { readonly norms: Float32Array; readonly labels: ArrayLike<number> };
  /** Precomputed per-class rankings by name (most relevant first), for the `ranked` selector. */
  readonly rankings?: ReadonlyMap<string, ReadonlyArray<readonly number[]>>;
  /** The filters of another (deterministic) variant, by variant name. */
  resolve(variant: string): ClassFilterLists;
}

/** Parameters of a selector, as written in a variant. */
export type SelectorParams = Readonly<Record<string, unknown>>;

/** A filter selector. */
export interface FilterSelectorDef {
  /** Registry name, e.g. `random`. */
  name: string;
  /** One line for listings. */
  summary: string;
  /** True if the result depends on the random generator (evaluated over several seeded draws). */
  stochastic: boolean;
  /**
   * The filters per class, best first.
   * @param ctx what the selector may use
   * @param params the variant's parameters
   * @param random a seeded generator (used by stochastic selectors only)
   */
  select(ctx: SelectorContext, params: SelectorParams, random: Rng): ClassFilterLists;
}

const registry = new Map<string, FilterSelectorDef>();

/**
 * Registers a filter selector.
 * @throws if the name is taken and `override` is not set
 */
export function registerFilterSelector(def: FilterSelectorDef, options: { override?: boolean } = {}): void {
  if (registry.has(def.name) && !options.override) {
    throw new Error(`registerFilterSelector: a selector named '${def.name}' is already registered (pass {override: true} to replace it)`);
  }
  registry.set(def.name, def);
}

/**
 * The selector of that name.
 * @throws listing the registered names if there is none
 */
export function getFilterSelector(name: string): FilterSelectorDef {
  const def = registry.get(name);
  if (!def) throw new Error(`unknown filter selector '${name}'; registered: ${[...registry.keys()].sort().join(', ')}`);
  return def;
}

/** Names of all registered selectors, sorted. */
export function listFilterSelectors(): string[] {
  return [...registry.keys()].sort();
}

function stringParam(params: SelectorParams, key: string, selector: string): string {
  const v = params[key];
  if (typeof v !== 'string') throw new Error(`selector '${selector}': parameter '${key}' must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function minedSource(ctx: SelectorContext, params: SelectorParams, selector: string): ClassFilterLists {
  const source = stringParam(params, 'source', selector);
  const lists = ctx.mined.get(source);
  if (!lists) throw new Error(`selector '${selector}': no mined filters named '${source}'; available: ${[...ctx.mined.keys()].join(', ') || '(none)'}`);
  if (lists.length !== ctx.numClasses) throw new Error(`selector '${selector}': mined filters '${source}' cover ${lists.length} classes, expected ${ctx.numClasses}`);
  return lists;
}

/** How many classes' lists contain each channel (each list counted once per channel). */
function classesPerFilter(lists: ClassFilterLists): Map<number, number> {
  const counts = new Map<number, number>();
  for (const list of lists) for (const f of new Set(list)) counts.set(f, (counts.get(f) ?? 0) + 1);
  return counts;
}

function sharedOrSpecific(shared: boolean): FilterSelectorDef['select'] {
  return (ctx, params) => {
    const lists = minedSource(ctx, params, shared ? 'mined-shared' : 'mined-specific');
    const counts = classesPerFilter(lists);
    return lists.map((list) => list.filter((f) => (counts.get(f)! > 1) === shared));
  };
}

registerFilterSelector({
  name: 'none', summary: 'no ablation', stochastic: false,
  select: (ctx) => Array.from({ length: ctx.numClasses }, () => []),
});

registerFilterSelector({
  name: 'mined', summary: "the method's filters per class (params: source)", stochastic: false,
  select: (ctx, params) => minedSource(ctx, params, 'mined').map((l) => [...l]),
});

registerFilterSelector({
  name: 'mined-specific', summary: "the method's class-specific filters only (params: source)", stochastic: false,
  select: sharedOrSpecific(false),
});

registerFilterSelector({
  name: 'mined-shared', summary: "the method's class-shared filters only (params: source)", stochastic: false,
  select: sharedOrSpecific(true),
});

registerFilterSelector({
  name: 'random',
  summary: 'uniform random channels from all F, same count per class as a matched variant (params: match | count)',
  stochastic: true,
  select: (ctx, params, random) => {
    let counts: number[];
    if (params.count !== undefined) {
      const c = params.count;
      if (!(typeof c === 'number' && Number.isInteger(c) && c >= 0 && c <= ctx.channelCount)) {
        throw new Error(`selector 'random': count must be an integer in [0, ${ctx.channelCount}], got ${JSON.stringify(c)}`);
      }
      counts = Array.from({ length: ctx.numClasses }, () => c);
    } else {
      counts = ctx.resolve(stringParam(params, 'match', 'random')).map((l) => new Set(l).size);
    }
    return counts.map((n) => Array.from(sampleWithoutReplacement(ctx.channelCount, n, random)));
  },
});

registerFilterSelector({
  name: 'vebi',
  summary: 'VEBI: non-negative lasso from filter L2 norms to one-hot labels (params: lambda | targetFiltersPerClass)',
  stochastic: false,
  select: (ctx, params) => {
    if (!ctx.features) throw new Error(`selector 'vebi' needs per-image filter norms (context.features), which were not given`);
    const { norms, labels } = ctx.features;
    if (norms.length !== labels.length * ctx.channelCount) {
      throw new Error(`selector 'vebi': features must be ${labels.length} x ${ctx.channelCount}, got length ${norms.length}`);
    }
    const opt = (key: string): number | undefined => {
      const v = params[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'number') throw new Error(`selector 'vebi': parameter '${key}' must be a number, got ${JSON.stringify(v)}`);
      return v;
    };
    return vebiFilters(norms, labels, ctx.numClasses, { lambda: opt('lambda'), targetFiltersPerClass: opt('targetFiltersPerClass') }).filters;
  },
});

registerFilterSelector({
  name: 'ranked',
  summary: 'the first filters of a precomputed per-class ranking (params: ranking, and match | count, or neither for the whole list)',
  stochastic: false,
  select: (ctx, params) => {
    const name = stringParam(params, 'ranking', 'ranked');
    const ranking = ctx.rankings?.get(name);
    if (!ranking) throw new Error(`selector 'ranked': no ranking named '${name}'; available: ${[...(ctx.rankings?.keys() ?? [])].join(', ') || '(none)'}`);
    if (ranking.length !== ctx.numClasses) throw new Error(`selector 'ranked': ranking '${name}' covers ${ranking.length} classes, expected ${ctx.numClasses}`);
    let counts: number[];
    if (params.count !== undefined) {
      const c = params.count;
      if (!(typeof c === 'number' && Number.isInteger(c) && c >= 0)) throw new Error(`selector 'ranked': count must be a non-negative integer, got ${JSON.stringify(c)}`);
      counts = ranking.map(() => c);
    } else if (params.match !== undefined) {
      counts = ctx.resolve(stringParam(params, 'match', 'ranked')).map((l) => new Set(l).size);
    } else {
      counts = ranking.map((l) => l.length);
    }
    return ranking.map((l, c) => {
      if (counts[c] > l.length) throw new Error(`selector 'ranked': ranking '${name}' has ${l.length} filters for class ${c}, ${counts[c]} asked`);
      return l.slice(0, counts[c]);
    });
  },
});
