/**
 * Seeded synthetic transactions shaped like the paper's (docs/method.md, Pipeline step 3 output): each class
 * has a few signature filters (drawn at random, so a filter is the signature of several classes,
 * as most filters are shared in the authors' VGG16 results), a pool of filters common to all
 * classes fires often everywhere, and the rest is noise. A transaction is the top-k filters of a
 * patch by a random score that favours signature over shared over noise filters. For benchmarks
 * and tests of the miners; not a model of any real network.
 */
import { rng, sampleWithoutReplacement } from '../util/rng';
import { withDefaults } from './support';
import type { Transactions } from './transactions';

/** Options of {@link syntheticTransactions}. */
export interface SyntheticOptions {
  /** Number of transactions (patches). Default 84,616 (the paper's ImageNet count). */
  nTransactions?: number;
  /** Number of classes. Default 1000. */
  nClasses?: number;
  /** Number of filters (items). Default 512 (VGG16's last layer). */
  nFilters?: number;
  /** Items per transaction (top-k). Default 10. */
  k?: number;
  /** Signature filters per class. Default 4. */
  signaturePerClass?: number;
  /** Probability that each signature filter fires in a patch of its class. Default 0.8. */
  signatureRate?: number;
  /** Number of filters shared by all classes. Default 32. */
  nShared?: number;
  /** Probability that each shared filter fires in a patch. Default 0.3. */
  sharedRate?: number;
  /** Seed. Default 1. */
  seed?: number;
}

const defaults: Required<SyntheticOptions> = {
  nTransactions: 84616, nClasses: 1000, nFilters: 512, k: 10, signaturePerClass: 4, signatureRate: 0.8, nShared: 32, sharedRate: 0.3, seed: 1,
};

/**
 * Generates the synthetic transactions (items best first, classes uniform at random, ids = index).
 * @throws if k exceeds the number of filters or a count is not a positive integer
 */
export function syntheticTransactions(options: SyntheticOptions = {}): Transactions {
  const o = withDefaults(defaults, options);
  for (const key of ['nTransactions', 'nClasses', 'nFilters', 'k'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`syntheticTransactions: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (o.k > o.nFilters) throw new Error(`syntheticTransactions: k = ${o.k} exceeds nFilters = ${o.nFilters}`);
  if (o.signaturePerClass > o.nFilters || o.nShared > o.nFilters) throw new Error('syntheticTransactions: more signature or shared filters than filters');
  const r = rng(o.seed);
  const signature: Int32Array[] = [];
  for (let c = 0; c < o.nClasses; c++) signature.push(sampleWithoutReplacement(o.nFilters, o.signaturePerClass, r));
  const shared = sampleWithoutReplacement(o.nFilters, o.nShared, r);
  const n = o.nTransactions;
  const classes = new Int32Array(n);
  const items = new Int32Array(n * o.k);
  const offsets = new Int32Array(n + 1);
  const chosen = new Int32Array(o.nFilters).fill(-1);
  const cand: { f: number; s: number }[] = [];
  for (let t = 0; t < n; t++) {
    const c = r.int(o.nClasses);
    classes[t] = c;
    // Firing signature filters score in [2, 3), firing shared ones in [1, 2), noise in [0, 1).
    cand.length = 0;
    for (const f of signature[c]) if (r.next() < o.signatureRate) cand.push({ f, s: 2 + r.next() });
    for (const f of shared) if (chosen[f] !== t && r.next() < o.sharedRate && !cand.some((x) => x.f === f)) cand.push({ f, s: 1 + r.next() });
    cand.sort((a, b) => b.s - a.s);
    let len = 0;
    for (const x of cand) { if (len === o.k) break; items[t * o.k + len++] = x.f; chosen[x.f] = t; }
    // The best noise filters by i.i.d. uniform scores are a uniform random ordered sample of the rest.
    while (len < o.k) {
      const f = r.int(o.nFilters);
      if (chosen[f] === t) continue;
      chosen[f] = t;
      items[t * o.k + len++] = f;
    }
    offsets[t + 1] = (t + 1) * o.k;
  }
  return { items, offsets, classes, nItems: o.nFilters };
}
