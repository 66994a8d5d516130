/**
 * High-level pipeline steps for the notebooks (docs/method.md, Pipeline steps 1-6 and "Evaluation"), each
 * cached on disk under a key of every parameter that decides it, so notebooks stay thin, share
 * work (one extraction per model and parameters serves the quickstart, mining and ablation
 * notebooks) and every cell can be re-run without hidden state:
 *
 * - {@link loadNotebookModel}: a shipped model name, a model folder or a URL -> model + layer;
 * - {@link runExtraction}: explain -> patches -> transactions over the Fashion-MNIST test set,
 *   into a resumable run folder `<cache>/extract/<model>-<key>/` (see `extractDataset`);
 * - {@link mineExtraction}: the paper's rules for any k / thresholds from the cached per-filter
 *   scores (no model run; well under a second);
 * - {@link runAblationStudy}: the class-conditional ablation table and curves, cached as JSON.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cacheActivations } from '../ablation/activation-cache';
import type { ClassFilterLists } from '../ablation/class-conditional';
import { ablationCurves, type CurveMethod, type CurvePoint } from '../ablation/curves';
import { evaluateAblation, selectorContext, type AblationClassRow, type AblationResultRow } from '../ablation/evaluate';
import { createHeadEvaluator } from '../ablation/head-evaluator';
import { indexedImagesFromSet } from '../ablation/images';
import { minedFiltersFromTables } from '../ablation/mined';
import { MaskScorer } from '../ablation/scorer';
import { defaultVariants, minedSourceName } from '../ablation/variants';
import { filterNorms } from '../ablation/vebi';
import { loadFashionMnist } from '../data/fashion-mnist';
import { imageChannels, type ImageSet } from '../data/image-set';
import { resolveModel } from '../extract/model';
import { readModelCard, shippedModelsDir } from '../models/shipped';
import type { ExtractSummaryCounts } from '../extract/merge';
import { extractDatasetParallel } from '../extract/parallel';
import { activeBackendId } from '../backend/select';
import type { PatchParams } from '../extract/pipeline';
import { extractDataset } from '../extract/run';
import { EXTRACT_FORMAT_VERSION } from '../extract/manifest';
import { imageSetSource, modelFingerprint } from '../extract/source';
import { spatialLayerNames, splitModel } from '../graph';
import type { ModelCard } from '../models/card';
import { getArchitecture, listArchitectures } from '../models/registry';
import { minePaperRules, type PaperRulesResult } from '../mining/paper';
import { fromTransactionTable } from '../mining/transactions';
import { resolveClassRuleOptions } from '../mining/class-rules';
import { checkTopK, minerSupport, type SupportThreshold } from '../mining/support';
import { loadTransactionStore } from '../transactions/io';
import { transactionsForK, type TransactionStore } from '../transactions/store';
import type { ColumnTable } from '../util/arquero';
import { cachedJson, cacheKey, notebookCacheRoot } from './cache';

/** A model ready for the notebooks. Call `dispose()` when done. */
export interface NotebookModel {
  model: tf.LayersModel;
  /** Short name (shipped model name or folder name). */
  name: string;
  /** Where it was loaded from (shipped name, folder or URL). */
  source: string;
  /** The analysed layer. */
  layer: string;
  /** Channels (filters) of the analysed layer. */
  channels: number;
  /** Number of classes. */
  numClasses: number;
  /** `[H, W, C]` of the input. */
  inputShape: [number, number, number];
  /** The model card, when the folder has a `card.json`. */
  card: ModelCard | null;
  /** The CAM method extraction uses unless told otherwise: the model card's `camMethod`, else `gradcam`. */
  camMethod: string;
  /** SHA-256 over the weights (part of every cache key: a retrained model never reuses old results). */
  fingerprint: string;
  dispose(): void;
}

/** Options of {@link loadNotebookModel}. */
export interface LoadNotebookModelOptions {
  /** The analysed layer. Default: the model card's, else the architecture's analysis layer. */
  layer?: string;
}

/** The folder a source resolves to, when it is a local folder (for reading `card.json`). */
function localFolder(source: string, modelsDir: string): string | null {
  if (/^https?:\/\//.test(source)) return null;
  if (listArchitectures().includes(source)) return path.join(modelsDir, source);
  return source.replace(/\/model\.json$/, '');
}

/**
 * Loads a model for the notebooks.
 * @param source a shipped model name (`vgg-small`, `resnet-small`; read from `models/`, or
 *   `$FILTERMINE_MODELS`), a tfjs layers-model folder, or an http(s) URL of a `model.json`
 * @param options the analysed layer
 * @throws if the model is missing, no layer is known, or the layer has no spatial output (listing the valid names)
 * @example const m = await loadNotebookModel('vgg-small'); ...; m.dispose();
 */
export async function loadNotebookModel(source: string, options: LoadNotebookModelOptions = {}): Promise<NotebookModel> {
  const resolved = await resolveModel(source);
  const folder = localFolder(source, shippedModelsDir());
  const card = folder ? readModelCard(folder) : null;
  const model = resolved.model;
  try {
    const archLayer = listArchitectures().includes(model.name) ? getArchitecture(model.name).analysisLayer : undefined;
    const layer = options.layer ?? card?.analysisLayer ?? resolved.defaultLayer ?? archLayer;
    if (!layer) {
      throw new Error(`loadNotebookModel: no analysis layer known for '${source}'; pass { layer } (spatial layers: ${spatialLayerNames(model).join(', ')})`);
    }
    const split = splitModel(model, layer);
    const [h, w, c] = split.inputShape as unknown as [number, number, number];
    const info = { channels: split.activationShape[2], numClasses: split.numClasses, inputShape: [h, w, c] as [number, number, number] };
    split.dispose();
    return {
      model, source, layer, card, ...info,
      camMethod: card?.camMethod ?? resolved.defaultMethod ?? 'gradcam',
      name: resolved.name,
      fingerprint: modelFingerprint(model),
      dispose: () => model.dispose(),
    };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Options of {@link loadNotebookData}. */
export interface NotebookDataOptions {
  /** Keep the first `limit` test images. Default: all 10,000. */
  limit?: number;
}

/**
 * The embedded default data: the Fashion-MNIST test set (or its first `limit` images).
 * @throws if the data set is not installed (naming how to install it)
 */
export function loadNotebookData(options: NotebookDataOptions = {}): ImageSet {
  return loadFashionMnist('test', options.limit !== undefined ? { limit: options.limit } : {});
}

/** Parameters of {@link runExtraction} (all but `workers`/`onProgress` decide the result). */
export interface ExtractionRequest {
  /**
   * The images to explain, with a name for the cache key. Default: the Fashion-MNIST test set.
   * The set's `checksum` identifies its content in the cache key.
   */
  data?: { set: ImageSet; name: string };
  /** Test images used (the first `limit`). Default: all. */
  limit?: number;
  /** Run seed (per-image window seeds derive from it). Default 0. */
  seed?: number;
  /** CAM method. Default: the model's {@link NotebookModel.camMethod}. */
  method?: string;
  /** Patch sampler. Default `monte-carlo`. */
  sampler?: string;
  /** Window size, samples, rounds, inset... Default: the sampler's. */
  patch?: PatchParams;
  /** Faithfulness threshold. Default 0.1. */
  threshold?: number;
  /** k values whose transaction tables are written. Default [5, 10, 25]. */
  ks?: number[];
  /**
   * Worker threads: a number, or `auto` (1 with the native addon, which uses every core itself;
   * otherwise 2 wasm workers for 2,000+ images on a multi-core machine, else 1).
   */
  workers?: number | 'auto';
  /** Cache root. Default {@link notebookCacheRoot}. */
  cacheRoot?: string;
  /** Called with (images done, images to do). */
  onProgress?: (done: number, total: number) => void;
}

/** A finished (cached or computed) extraction run. */
export interface ExtractionRun {
  /** The run folder (store/, transactions-k*.arrow, images.arrow, summary.json). */
  dir: string;
  model: string;
  layer: string;
  /** Images extracted. */
  n: number;
  /** The merge summary (patches, outcomes, accuracy...). */
  summary: ExtractSummaryCounts;
  /** True when this call found the run complete on disk. */
  cached: boolean;
  /** Seconds this call spent. */
  seconds: number;
}

const extractionDefaults = { seed: 0, method: 'gradcam', sampler: 'monte-carlo', threshold: 0.1, ks: [5, 10, 25] };

/** The parameters that identify an extraction (its cache key). */
export function extractionIdentity(m: Pick<NotebookModel, 'name' | 'fingerprint' | 'layer'> & { camMethod?: string }, data: Pick<ImageSet, 'checksum'>, n: number, req: ExtractionRequest): Record<string, unknown> {
  return {
    model: m.name, fingerprint: m.fingerprint, layer: m.layer, data: req.data?.name ?? 'fashion-mnist-test', checksum: data.checksum, n,
    seed: req.seed ?? extractionDefaults.seed, method: req.method ?? m.camMethod ?? extractionDefaults.method,
    sampler: req.sampler ?? extractionDefaults.sampler, patch: req.patch ?? {}, threshold: req.threshold ?? extractionDefaults.threshold,
    ks: req.ks ?? extractionDefaults.ks,
  };
}

/**
 * Runs (or finds on disk) the extraction of docs/method.md, Pipeline steps 1-3 over the test set (or `req.data`).
 * @param m the model (see {@link loadNotebookModel})
 * @param req the parameters (see {@link ExtractionRequest})
 * @returns the run; an interrupted run resumes where it stopped
 * @throws if the model's input does not take the data's images
 */
export async function runExtraction(m: NotebookModel, req: ExtractionRequest = {}): Promise<ExtractionRun> {
  const t0 = Date.now();
  const set = req.data ? req.data.set : loadNotebookData(req.limit !== undefined ? { limit: req.limit } : {});
  const n = Math.min(set.n, req.limit ?? set.n);
  const [H, W, C] = m.inputShape;
  if (H !== set.height || W !== set.width || C !== imageChannels(set)) {
    throw new Error(`runExtraction: model '${m.name}' takes ${H}x${W}x${C} inputs, but the data is ${set.height}x${set.width}x${imageChannels(set)}`);
  }
  // With the native addon one process already uses every core; else wasm worker threads help.
  const native = activeBackendId() === 'native';
  const workers = req.workers === undefined || req.workers === 'auto'
    ? (!native && n >= 2000 && os.availableParallelism() >= 2 ? 2 : 1) : req.workers;
  // The compute path is part of the cache key: its float rounding differs, and a run folder
  // refuses to be resumed on another path. So is the extraction format: a cached run made before
  // a change of results (a corrected kernel, a new chunk format) is not served again.
  const id: Record<string, unknown> = {
    ...extractionIdentity(m, set, n, req), compute: workers > 1 ? 'wasm' : activeBackendId(), format: EXTRACT_FORMAT_VERSION,
  };
  const dir = path.join(req.cacheRoot ?? notebookCacheRoot(), 'extract', `${m.name}-${cacheKey(id)}`);
  const summaryFile = path.join(dir, 'summary.json');
  const cached = fs.existsSync(summaryFile);
  if (!cached) {
    const source = imageSetSource(set, req.data?.name ?? 'fashion-mnist-test', n);
    const common = {
      layer: m.layer, out: dir, ks: id.ks as number[], seed: id.seed as number, method: id.method as string,
      sampler: id.sampler as string, patch: id.patch as PatchParams, threshold: id.threshold as number, modelName: m.name,
    };
    if (workers > 1) {
      await extractDatasetParallel(m.model, source, { ...common, workers });
    } else {
      await extractDataset(m.model, source, { ...common, ...(req.onProgress ? { onProgress: req.onProgress } : {}) });
    }
    if (!fs.existsSync(summaryFile)) throw new Error(`runExtraction: the run in ${dir} did not complete`);
  }
  const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as ExtractSummaryCounts;
  return { dir, model: m.name, layer: m.layer, n, summary, cached, seconds: (Date.now() - t0) / 1000 };
}

const stores = new Map<string, TransactionStore>();

/**
 * The transaction store (patch columns and per-filter scores) of a run, read once per process
 * (the files of a finished run never change; the memo is keyed by folder).
 */
export function runStore(run: Pick<ExtractionRun, 'dir'>): TransactionStore {
  let s = stores.get(run.dir);
  if (!s) {
    s = loadTransactionStore(path.join(run.dir, 'store'));
    stores.set(run.dir, s);
  }
  return s;
}

/**
 * The transaction table of a run for any k (top-k filters of each patch, from the cached scores).
 * Columns: image, patch, x, y, size, label, pred, score, drop, items, class.
 */
export function runTransactions(run: Pick<ExtractionRun, 'dir'>, k: number): ColumnTable {
  return transactionsForK(runStore(run), k);
}

/** Thresholds of {@link mineExtraction} (defaults: the paper's). */
export interface MiningRequest {
  /** Transaction size (top-k filters per patch). */
  k: number;
  /**
   * Minimum support within a class: `{ count: 20 }` transactions or `{ fraction: 0.05 }` of the
   * class (a plain number: an integer >= 1 is a count, a number in (0, 1) a fraction). Default 2.
   */
  minSupport?: SupportThreshold;
  /** Minimum confidence P(class | filters). Default 0.5. */
  minConfidence?: number;
  /** Rules kept per class. Default 10. */
  topN?: number;
  /** Largest antecedent mined. Default: no limit (the paper's). */
  maxLength?: number;
  /** Compute pattern groups. Default true. */
  groups?: boolean;
}

/** The mining result of a run, with its transactions. */
export interface RunMining extends PaperRulesResult {
  /** The transaction table mined. */
  transactions: ColumnTable;
  k: number;
  /** Milliseconds for top-k + mining (no model run). */
  ms: number;
}

/**
 * Mines a run's transactions for one k with the paper's procedure (stages 4-6), from the cached
 * per-filter scores; no model run.
 * @throws before any work, naming the value: k above the layer's filters, a support count that is
 *   not a whole number >= 1, a fraction outside (0, 1), a confidence outside [0, 1]
 */
export function mineExtraction(run: Pick<ExtractionRun, 'dir'>, req: MiningRequest): RunMining {
  const t0 = performance.now();
  const store = runStore(run);
  // Impossible parameters are refused before any work, naming the value.
  checkTopK(req.k, store.nFilters, `the ${store.nFilters} filters of the analysed layer`);
  const minSupport = req.minSupport === undefined ? undefined : minerSupport(req.minSupport);
  resolveClassRuleOptions({ minSupport, minConfidence: req.minConfidence, topN: req.topN, maxLength: req.maxLength });
  const transactions = transactionsForK(store, req.k);
  const tx = fromTransactionTable(transactions, { nItems: store.nFilters });
  const res = minePaperRules(tx, {
    ...(minSupport !== undefined ? { minSupport } : {}),
    ...(req.minConfidence !== undefined ? { minConfidence: req.minConfidence } : {}),
    ...(req.topN !== undefined ? { topN: req.topN } : {}),
    ...(req.maxLength !== undefined ? { maxLength: req.maxLength } : {}),
    groups: req.groups ?? true,
  });
  return { ...res, transactions, k: req.k, ms: performance.now() - t0 };
}

/** Parameters of {@link runAblationStudy}. */
export interface AblationRequest {
  /** Transaction sizes mined (Ours-k). Default [5, 10, 25]. */
  ks?: number[];
  /** Mining thresholds. Defaults: the paper's (2, 0.5, top 10). */
  minSupport?: number;
  minConfidence?: number;
  topN?: number;
  /** Largest antecedent mined. Default: no limit (the paper's). */
  maxLength?: number;
  /** Seeded draws of each random baseline. Default 10. */
  draws?: number;
  /** Base seed. Default 0. */
  seed?: number;
  /** Other-class images per class for specificity. Default 100. */
  otherPerClass?: number | 'all';
  /** VEBI: lambda chosen for about this many filters per class. Default 5. */
  vebiFiltersPerClass?: number;
  /** Curves: draws of the random orders (default 5), own images per class (default all). */
  curveDraws?: number;
  curveImagesPerClass?: number | 'all';
  /** Cache root. Default {@link notebookCacheRoot}. */
  cacheRoot?: string;
}

/** What {@link runAblationStudy} returns (plain rows, JSON-cached). */
export interface AblationStudy {
  model: string;
  layer: string;
  images: number;
  channels: number;
  classNames: string[];
  /** The paper's table: one row per variant. */
  results: AblationResultRow[];
  /** Per variant and class. */
  perClass: AblationClassRow[];
  /** Accuracy vs filters ablated per class (ranked, shuffled, random orders). */
  curves: CurvePoint[];
  /** Mining counts per k (rules, filters per class, specific and shared filters). */
  mining: Record<string, { rules: number; meanFiltersPerClass: number; specificFilters: number; sharedFilters: number }>;
  /** Seconds of the computation (not of a cache read). */
  seconds: number;
  /** True when read from the cache. */
  cached: boolean;
}

const ablationDefaults = { ks: [5, 10, 25], minSupport: 2, minConfidence: 0.5, topN: 10, maxLength: undefined as number | undefined, draws: 10, seed: 0, otherPerClass: 100 as number | 'all', vebiFiltersPerClass: 5, curveDraws: 5, curveImagesPerClass: 'all' as number | 'all' };

/**
 * The ablation study of a run (docs/method.md, "Evaluation"): mines each k, then ablates per class the
 * mined filters, random filters (same count, all channels, seeded draws), class-specific-only and
 * class-shared-only filters and VEBI, on the run's images; plus accuracy-vs-filters curves.
 * Cached as JSON under every parameter and the run folder.
 * @param m the model the run was extracted from
 * @param run the extraction run
 * @param req see {@link AblationRequest}
 */
export async function runAblationStudy(m: NotebookModel, run: ExtractionRun, req: AblationRequest = {}): Promise<AblationStudy> {
  const o = { ...ablationDefaults, ...Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)) } as typeof ablationDefaults & AblationRequest;
  if (run.model !== m.name || run.layer !== m.layer) throw new Error(`runAblationStudy: the run is of ${run.model} at ${run.layer}, not ${m.name} at ${m.layer}`);
  const params = {
    run: path.basename(run.dir), fingerprint: m.fingerprint, ks: o.ks, minSupport: o.minSupport, minConfidence: o.minConfidence, topN: o.topN, maxLength: o.maxLength,
    draws: o.draws, seed: o.seed, otherPerClass: o.otherPerClass, vebiFiltersPerClass: o.vebiFiltersPerClass,
    curveDraws: o.curveDraws, curveImagesPerClass: o.curveImagesPerClass,
  };
  const r = await cachedJson('ablation', params, () => computeAblation(m, run, o), req.cacheRoot ? { root: req.cacheRoot } : {});
  return { ...r.value, cached: r.hit };
}

async function computeAblation(m: NotebookModel, run: ExtractionRun, o: typeof ablationDefaults): Promise<Omit<AblationStudy, 'cached'>> {
  const t0 = Date.now();
  const set = loadNotebookData({ limit: run.n });
  const labels = Int32Array.from(set.labels);
  const split = splitModel(m.model, m.layer);
  const K = split.numClasses, F = split.activationShape[2];
  try {
    const mined = new Map<string, ClassFilterLists>();
    const mining: AblationStudy['mining'] = {};
    for (const k of o.ks) {
      const res = mineExtraction(run, { k, minSupport: o.minSupport, minConfidence: o.minConfidence, topN: o.topN, ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}), groups: false });
      mined.set(minedSourceName(k), minedFiltersFromTables(res.rules, K, res.classFilters));
      const c = res.counts;
      mining[`k${k}`] = { rules: c.rules, meanFiltersPerClass: c.meanFiltersPerClass, specificFilters: c.specificFilters, sharedFilters: c.sharedFilters };
    }
    const cache = await cacheActivations(split, m.layer, indexedImagesFromSet(set), { batchSize: 500 });
    const ev = await createHeadEvaluator(split.head, cache, labels);
    try {
      const features = { norms: filterNorms(cache.activation.data, set.n, F), labels };
      const variants = defaultVariants(o.ks, { vebiParams: { targetFiltersPerClass: o.vebiFiltersPerClass } });
      const study = await evaluateAblation(ev, { mined, features }, {
        variants, draws: o.draws, seed: o.seed, otherPerClass: o.otherPerClass, classNames: set.classNames,
      });
      const ctx = selectorContext(ev, { mined, features }, variants);
      const methods: CurveMethod[] = [
        ...o.ks.map((k) => ({ name: minedSourceName(k), k, ranked: mined.get(minedSourceName(k))! })),
        { name: 'vebi', k: null, ranked: ctx.resolve('vebi') },
      ];
      const curves = await ablationCurves(new MaskScorer(ev), methods, { draws: o.curveDraws, seed: o.seed, imagesPerClass: o.curveImagesPerClass });
      return {
        model: m.name, layer: m.layer, images: set.n, channels: F, classNames: [...set.classNames],
        results: study.rows.results, perClass: study.rows.perClass, curves: curves.rows, mining,
        seconds: (Date.now() - t0) / 1000,
      };
    } finally {
      ev.dispose();
    }
  } finally {
    split.dispose();
  }
}
