/** A small seeded tuner input shared by the tuner's unit, snapshot and browser tests. */
import { minePaperRules, syntheticTransactions, topKTransactions, type PaperCounts } from '../../src/mining';
import { minerSupport } from '../../src/mining/support';
import type { TunerInput, TunerParams } from '../../src/widgets';
import { rng } from '../../src/util/rng';

/** Class names, one hostile, to check escaping in the page. */
export const tunerClassNames = ['T-shirt/top', 'Trouser', '<img src=x onerror=alert(1)>', 'Dress', 'Coat', 'Bag'];

/**
 * 1,200 patches of 6 classes over 48 filters, top-12 per patch (best first), with 28x28 images
 * holding a bright square where each patch's window is.
 */
export function tunerFixture(params: Partial<TunerParams> = {}): TunerInput {
  const maxK = 12, nFilters = 48;
  const tx = syntheticTransactions({ nTransactions: 1200, nClasses: tunerClassNames.length, nFilters, k: maxK, signaturePerClass: 3, nShared: 8, seed: 7 });
  const n = tx.classes.length;
  const r = rng(11);
  const nImages = 400, S = 28;
  const image = new Int32Array(n), x = new Int32Array(n), y = new Int32Array(n), size = new Int32Array(n);
  const pixels = new Uint8Array(nImages * S * S);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.floor(40 * r.next());
  for (let p = 0; p < n; p++) {
    image[p] = p % nImages;
    size[p] = 8 + r.int(6);
    x[p] = r.int(S - size[p] + 1);
    y[p] = r.int(S - size[p] + 1);
    for (let yy = 0; yy < size[p]; yy++) for (let xx = 0; xx < size[p]; xx++) pixels[(image[p] * S + y[p] + yy) * S + x[p] + xx] = 150 + 20 * tx.classes[p];
  }
  return {
    classNames: tunerClassNames, nFilters, maxK, items: tx.items, labels: tx.classes,
    windows: { image, x, y, size }, images: { pixels, width: S, height: S, channels: 1 },
    params: { k: 8, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3, ...params }, title: 'fixture tuner',
  };
}

/** The Node library's mining of the fixture for the given parameters (the tuner must agree). */
export function nodeCounts(input: TunerInput, p: TunerParams): PaperCounts {
  const n = input.labels.length;
  const offsets = Int32Array.from({ length: n + 1 }, (_, i) => i * input.maxK);
  const full = { items: Int32Array.from(input.items), offsets, classes: Int32Array.from(input.labels), nItems: input.nFilters };
  const res = minePaperRules(topKTransactions(full, p.k), {
    minSupport: minerSupport(p.minSupport), minConfidence: p.minConfidence, topN: p.topN, maxLength: p.maxLength ?? Infinity, groups: true,
  });
  return res.counts;
}
