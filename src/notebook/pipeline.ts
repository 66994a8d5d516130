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
import { indexedImagesFromSet } from '../ablation/tf/images';
import { ablationStudy, type StudyProtocol, type StudyResult } from '../ablation/study/study';
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
import { resolveClassRuleOptions, type RuleDefinition } from '../mining/class-rules';
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
  /** Keep the first `limit` images. Default: all (10,000 test, 60,000 training images). */
  limit?: number;
  /** `test` (default) or `train`: the training images, for fitting under the held-out protocol. */
  split?: 'test' | 'train';
}

/**
 * The embedded default data: the Fashion-MNIST test set (or its training set), or its first `limit` images.
 * @throws if the data set is not installed (naming how to install it)
 */
export function loadNotebookData(options: NotebookDataOptions = {}): ImageSet {
  return loadFashionMnist(options.split ?? 'test', options.limit !== undefined ? { limit: options.limit } : {});
}

/** Parameters of {@link runExtraction} (all but `workers`/`onProgress` decide the result). */
export interface ExtractionRequest {
  /**
   * The images to explain, with a name for the cache key. Default: the Fashion-MNIST test set.
   * The set's `checksum` identifies its content in the cache key.
   */
  data?: { set: ImageSet; name: string };
  /** Images used (the first `limit`). Default: all. */
  limit?: number;
  /** `test` (default) or `train` images. */
  split?: 'test' | 'train';
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
  /** Which images: `test` or `train`. */
  split: 'test' | 'train';
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
    model: m.name, fingerprint: m.fingerprint, layer: m.layer, data: req.data?.name ?? `fashion-mnist-${req.split ?? 'test'}`, checksum: data.checksum, n,
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
  const set = req.data ? req.data.set : loadNotebookData({ ...(req.limit !== undefined ? { limit: req.limit } : {}), split: req.split ?? 'test' });
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
    const source = imageSetSource(set, req.data?.name ?? `fashion-mnist-${req.split ?? 'test'}`, n);
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
  return { dir, model: m.name, layer: m.layer, n, split: req.split ?? 'test', summary, cached, seconds: (Date.now() - t0) / 1000 };
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
  /** `standard` (default) or `authors`: the rule definition (docs/method.md, stage 4). */
  ruleDefinition?: RuleDefinition;
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
  resolveClassRuleOptions({ minSupport, minConfidence: req.minConfidence, topN: req.topN, maxLength: req.maxLength, ruleDefinition: req.ruleDefinition });
  const transactions = transactionsForK(store, req.k);
  const tx = fromTransactionTable(transactions, { nItems: store.nFilters });
  const res = minePaperRules(tx, {
    ...(req.ruleDefinition !== undefined ? { ruleDefinition: req.ruleDefinition } : {}),
    ...(minSupport !== undefined ? { minSupport } : {}),
    ...(req.minConfidence !== undefined ? { minConfidence: req.minConfidence } : {}),
    ...(req.topN !== undefined ? { topN: req.topN } : {}),
    ...(req.maxLength !== undefined ? { maxLength: req.maxLength } : {}),
    groups: req.groups ?? true,
  });
  return { ...res, transactions, k: req.k, ms: performance.now() - t0 };
}

/** Parameters of {@link runAblationStudy} (see `StudyOptions` of `ablationStudy`). */
export interface AblationRequest {
  /** `held-out` (default: needs `fitRun`) or `in-sample` (the paper's). */
  protocol?: StudyProtocol;
  /** Transaction sizes mined (Ours-k). Default [5, 10, 25]. */
  ks?: number[];
  /** Mining thresholds. Defaults: the paper's (2, 0.5, top 10). */
  minSupport?: number;
  minConfidence?: number;
  topN?: number;
  /** `standard` (default) or `authors`: the rule definition (docs/method.md, stage 4). */
  ruleDefinition?: RuleDefinition;
  /** Largest antecedent mined. Default: no limit (the paper's). */
  maxLength?: number;
  /** Seeded draws of each random baseline. Default 50. */
  draws?: number;
  /** Base seed. Default 0. */
  seed?: number;
  /** Other-class images per class for specificity. Default 100. */
  otherPerClass?: number | 'all';
  /** VEBI: lambda chosen for about this many filters per class. Default 5. */
  vebiFiltersPerClass?: number;
  /** The Ours-k whose counts the baselines use. Default 10. */
  matchK?: number;
  /** Oracle selection images per class. Default 300. */
  oracleImagesPerClass?: number | 'all';
  /** Curves: draws of the random orders (default 5), own images per class (default all). */
  curveDraws?: number;
  curveImagesPerClass?: number | 'all';
  /** Cache root. Default {@link notebookCacheRoot}. */
  cacheRoot?: string;
  /** Progress messages. */
  onProgress?: (message: string) => void;
  /** Counted progress per long stage, e.g. `progressCallback` for in-place bars (see `StudyOptions.progress`). */
  progress?: (label: string) => (done: number, total: number) => void;
}

/** What {@link runAblationStudy} returns (plain rows, JSON-cached). */
export interface AblationStudy extends StudyResult {
  model: string;
  /** Test images (as the former field of this name). */
  images: number;
  /** Seconds of the computation (not of a cache read). */
  totalSeconds: number;
  /** True when read from the cache. */
  cached: boolean;
}

/**
 * The ablation study of a run (docs/method.md, "Evaluation protocol") through `ablationStudy`,
 * the function `filtermine evaluate` runs: cached as JSON under every parameter and the run folders.
 * @param m the model the runs were extracted from
 * @param run the extraction run on test images (accuracy is measured there)
 * @param req see {@link AblationRequest}
 * @param fitRun the extraction run on training images (mining, VEBI, baselines, oracle) under the held-out protocol
 * @throws if the runs are of another model or layer, or held-out is asked without a training run
 */
export async function runAblationStudy(m: NotebookModel, run: ExtractionRun, req: AblationRequest = {}, fitRun?: ExtractionRun): Promise<AblationStudy> {
  const protocol = req.protocol ?? 'held-out';
  for (const r of [run, fitRun]) {
    if (r && (r.model !== m.name || r.layer !== m.layer)) throw new Error(`runAblationStudy: the run is of ${r.model} at ${r.layer}, not ${m.name} at ${m.layer}`);
  }
  if (protocol === 'held-out' && (!fitRun || fitRun.split !== 'train')) {
    throw new Error(`runAblationStudy: the held-out protocol needs a run on the training images (runExtraction(model, { split: 'train' })) as fitRun; or pass protocol: 'in-sample'`);
  }
  const { cacheRoot: _c, onProgress, progress, ...rest } = req;
  const params = { ...rest, protocol, run: path.basename(run.dir), fitRun: protocol === 'held-out' ? path.basename(fitRun!.dir) : null, fingerprint: m.fingerprint };
  const r = await cachedJson('ablation', params, async () => {
    const t0 = Date.now();
    const test = loadNotebookData({ limit: run.n });
    const fit = protocol === 'held-out' ? loadNotebookData({ limit: fitRun!.n, split: 'train' }) : null;
    const txRun = protocol === 'held-out' ? fitRun! : run;
    const store = runStore(txRun);
    const res = await ablationStudy({
      model: m.model, layer: m.layer, classNames: test.classNames,
      transactions: (k) => fromTransactionTable(transactionsForK(store, k), { nItems: store.nFilters }),
      test: { images: indexedImagesFromSet(test), labels: Int32Array.from(test.labels) },
      ...(fit ? { fit: { images: indexedImagesFromSet(fit), labels: Int32Array.from(fit.labels) } } : {}),
    }, {
      protocol,
      ...(req.ks ? { ks: req.ks } : {}),
      mining: {
        ...(req.ruleDefinition !== undefined ? { ruleDefinition: req.ruleDefinition } : {}),
        ...(req.minSupport !== undefined ? { minSupport: req.minSupport } : {}),
        ...(req.minConfidence !== undefined ? { minConfidence: req.minConfidence } : {}),
        ...(req.topN !== undefined ? { topN: req.topN } : {}),
        ...(req.maxLength !== undefined ? { maxLength: req.maxLength } : {}),
      },
      // Defaults (50 draws, seed 0, ...) are the study's own, as for `filtermine evaluate`.
      draws: req.draws, seed: req.seed, otherPerClass: req.otherPerClass,
      vebiFiltersPerClass: req.vebiFiltersPerClass, ...(req.matchK !== undefined ? { matchK: req.matchK } : {}),
      oracleImagesPerClass: req.oracleImagesPerClass,
      curves: { draws: req.curveDraws, imagesPerClass: req.curveImagesPerClass },
      ...(onProgress ? { onProgress } : {}),
      ...(progress ? { progress } : {}),
    });
    return { ...res, model: m.name, images: res.testImages, totalSeconds: (Date.now() - t0) / 1000 };
  }, req.cacheRoot ? { root: req.cacheRoot } : {});
  return { ...r.value, cached: r.hit };
}
