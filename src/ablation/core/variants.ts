/**
 * The variants of the ablation study: a named use of a filter selector with its parameters
 * (docs/method.md, "Evaluation" table rows). Pure.
 */
import type { SelectorParams } from './selectors';

/** One row of the study: which selector, with which parameters. */
export interface AblationVariant {
  /** Unique name, e.g. `ours-10`, `random-10`, `vebi`. */
  name: string;
  /** Registered selector name (see `listFilterSelectors()`). */
  selector: string;
  /** The selector's parameters. */
  params?: SelectorParams;
  /** The transaction size k the variant derives from, if any (a column of the tables). */
  k?: number | null;
}

/** Options of {@link defaultVariants}. */
export interface DefaultVariantsOptions {
  /** Include VEBI and a random baseline matched to it. Default true. */
  vebi?: boolean;
  /** Include class-specific-only and class-shared-only variants of each mined source. Default true. */
  sharedSpecific?: boolean;
  /** VEBI parameters (`lambda` or `targetFiltersPerClass`). Default `{}`. */
  vebiParams?: SelectorParams;
}

const defaults: Required<DefaultVariantsOptions> = { vebi: true, sharedSpecific: true, vebiParams: {} };

/** The name of the mined source for transaction size k: `ours-k`. */
export const minedSourceName = (k: number): string => `ours-${k}`;

/**
 * The paper's comparison plus ours: `none`; for each k, `ours-k`, `random-k` (same count per
 * class, drawn from all channels), `ours-k-specific`, `ours-k-shared`; `vebi` and `random-vebi`.
 * @param ks the transaction sizes mined (sources are named {@link minedSourceName})
 * @param options see {@link DefaultVariantsOptions}
 * @throws if a k is not a positive integer or repeats
 */
export function defaultVariants(ks: readonly number[], options: DefaultVariantsOptions = {}): AblationVariant[] {
  const o = { ...defaults, ...options };
  if (new Set(ks).size !== ks.length) throw new Error(`defaultVariants: repeated k in ${ks.join(', ')}`);
  const out: AblationVariant[] = [{ name: 'none', selector: 'none', k: null }];
  for (const k of ks) {
    if (!(Number.isInteger(k) && k > 0)) throw new Error(`defaultVariants: k must be a positive integer, got ${k}`);
    const source = minedSourceName(k);
    out.push({ name: source, selector: 'mined', params: { source }, k });
    out.push({ name: `random-${k}`, selector: 'random', params: { match: source }, k });
    if (o.sharedSpecific) {
      out.push({ name: `${source}-specific`, selector: 'mined-specific', params: { source }, k });
      out.push({ name: `${source}-shared`, selector: 'mined-shared', params: { source }, k });
    }
  }
  if (o.vebi) {
    out.push({ name: 'vebi', selector: 'vebi', params: o.vebiParams, k: null });
    out.push({ name: 'random-vebi', selector: 'random', params: { match: 'vebi' }, k: null });
  }
  return out;
}
