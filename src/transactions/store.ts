/**
 * Transactions (docs/method.md, Pipeline step 3): one row per patch with its box, classes, heatmap score,
 * occlusion drop and the top-k filters as items. The per-filter scores are kept next to the
 * table so any k can be produced later without re-running the model.
 */
import { aq, type ColumnTable } from '../util/arquero';
import { topKIndices } from './top-k';

/** The patch columns, one entry per patch. Integer columns are Int32Array. */
export interface PatchColumns {
  /** Image index in the data set. */
  image: Int32Array;
  /** Global patch id (row number of the full run). */
  patch: Int32Array;
  /** Window left, top and side, input pixels. */
  x: Int32Array;
  y: Int32Array;
  size: Int32Array;
  /** True class. */
  label: Int32Array;
  /** Predicted class. */
  pred: Int32Array;
  /** Mean heatmap value in the window when it was chosen. */
  score: Float32Array;
  /** Occlusion drop `d_i` of the cumulative occlusion up to this patch. */
  drop: Float32Array;
}

/** The patch columns plus per-filter scores, `[nPatches x nFilters]` row-major. */
export interface TransactionStore {
  columns: PatchColumns;
  scores: Float32Array;
  nFilters: number;
  /** The layer the filters belong to (informational). */
  layer?: string;
}

/** Names of the patch columns, in table order. */
export const PATCH_COLUMNS = ['image', 'patch', 'x', 'y', 'size', 'label', 'pred', 'score', 'drop'] as const;

/** The default k values (the paper's Ours-5/10/25). */
export const DEFAULT_TOP_KS: readonly number[] = [5, 10, 25];

/**
 * Checks that a store's columns and scores agree in length.
 * @returns the number of patches
 * @throws naming the column that does not fit
 */
export function checkTransactionStore(store: TransactionStore): number {
  const n = store.columns.patch.length;
  for (const c of PATCH_COLUMNS) {
    if (store.columns[c].length !== n) throw new Error(`transaction store: column '${c}' has ${store.columns[c].length} rows, expected ${n}`);
  }
  if (!(Number.isInteger(store.nFilters) && store.nFilters >= 1)) throw new Error(`transaction store: nFilters must be a positive integer, got ${store.nFilters}`);
  if (store.scores.length !== n * store.nFilters) {
    throw new Error(`transaction store: scores has ${store.scores.length} values, expected nPatches*nFilters = ${n}*${store.nFilters}`);
  }
  return n;
}

/**
 * The top-k items of every patch for several k at once (one ranking per patch, sliced per k).
 * @returns a map from k to one `number[]` of filter indices per patch, best first
 */
export function topKItems(store: TransactionStore, ks: readonly number[]): Map<number, number[][]> {
  const n = checkTransactionStore(store);
  for (const k of ks) if (!(Number.isInteger(k) && k >= 1)) throw new Error(`topKItems: k must be a positive integer, got ${k}`);
  const kMax = Math.max(0, ...ks);
  const out = new Map<number, number[][]>(ks.map((k) => [k, new Array<number[]>(n)]));
  for (let p = 0; p < n; p++) {
    const best = Array.from(topKIndices(store.scores, kMax, p * store.nFilters, store.nFilters));
    for (const k of ks) out.get(k)![p] = best.slice(0, k);
  }
  return out;
}

/**
 * The transaction table for one k: columns image, patch, x, y, size, label, pred, score, drop,
 * items (`number[]`, best first) and `class` (= label, for the miner). The store is not modified.
 * @example const t = transactionsForK(store, 10); t.print();
 */
export function transactionsForK(store: TransactionStore, k: number): ColumnTable {
  return transactionsForKs(store, [k]).get(k)!;
}

/** {@link transactionsForK} for several k from one ranking pass. */
export function transactionsForKs(store: TransactionStore, ks: readonly number[] = DEFAULT_TOP_KS): Map<number, ColumnTable> {
  const items = topKItems(store, ks);
  const base = patchTable(store.columns);
  return new Map(ks.map((k) => [k, base.assign({ items: items.get(k)!, class: Array.from(store.columns.label) })]));
}

/** The patch columns as an arquero table (copies, so the table never aliases the store). */
export function patchTable(c: PatchColumns): ColumnTable {
  const cols: Record<string, unknown> = {};
  for (const name of PATCH_COLUMNS) cols[name] = c[name].slice();
  return aq.table(cols);
}

/**
 * Concatenates stores (e.g. chunks of a run) in order. Patch ids are kept as they are.
 * @throws if the stores have different filter counts
 */
export function concatTransactionStores(stores: readonly TransactionStore[]): TransactionStore {
  if (stores.length === 0) throw new Error('concatTransactionStores: no stores given');
  const nFilters = stores[0].nFilters;
  for (const s of stores) {
    checkTransactionStore(s);
    if (s.nFilters !== nFilters) throw new Error(`concatTransactionStores: filter counts differ (${s.nFilters} vs ${nFilters})`);
  }
  const total = stores.reduce((a, s) => a + s.columns.patch.length, 0);
  const columns = {} as Record<string, Int32Array | Float32Array>;
  for (const name of PATCH_COLUMNS) {
    const Ctor = stores[0].columns[name].constructor as Int32ArrayConstructor | Float32ArrayConstructor;
    const col = new Ctor(total);
    let at = 0;
    for (const s of stores) { col.set(s.columns[name], at); at += s.columns[name].length; }
    columns[name] = col;
  }
  const scores = new Float32Array(total * nFilters);
  let at = 0;
  for (const s of stores) { scores.set(s.scores, at); at += s.scores.length; }
  return { columns: columns as unknown as PatchColumns, scores, nFilters, layer: stores[0].layer };
}
