/**
 * `filtermine evaluate`: the evaluation of docs/method.md ("Evaluation") from an extraction run:
 * mines the transactions for each k with the paper's thresholds, then ablates per class the mined
 * filters, random filters (same count, all channels, seeded draws), class-specific-only and
 * class-shared-only filters and VEBI's filters, and writes the results table in the paper's form,
 * the per-class table, the filters table and the ablation curves (JSON + CSV each).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { registerCommand } from '../registry';
import { selectBackend, type BackendName } from '../../backend';
import { cacheActivations } from '../../ablation/activation-cache';
import { ablationCurves, type CurveMethod } from '../../ablation/curves';
import { evaluateAblation, selectorContext } from '../../ablation/evaluate';
import { layerChannelCount } from '../../ablation/full-model';
import { createHeadEvaluator, type HeadStrategy } from '../../ablation/head-evaluator';
import { indexedImagesFromSet } from '../../ablation/images';
import { saveAblationTables } from '../../ablation/io';
import { minedFiltersFromTables } from '../../ablation/mined';
import { MaskScorer } from '../../ablation/scorer';
import { defaultVariants, minedSourceName } from '../../ablation/variants';
import { filterNorms } from '../../ablation/vebi';
import type { ClassFilterLists } from '../../ablation/class-conditional';
import { loadFashionMnist } from '../../data/fashion-mnist';
import type { ImageSet } from '../../data/image-set';
import { resolveModel } from '../../extract/model';
import { checkKsFitLayer } from '../../extract/merge';
import { modelFingerprint } from '../../extract/source';
import { prepareOutDir } from '../errors';
import { splitModel } from '../../graph/split';
import { minePaperRules, type PaperRulesOptions } from '../../mining/paper';
import { fromTransactionTable } from '../../mining/transactions';
import { loadTransactionStore, loadTransactions } from '../../transactions/io';
import { transactionsForK } from '../../transactions/store';

const usage = `usage: filtermine evaluate --model vgg-small|resnet-small|DIR --transactions DIR [options]

Class-conditional filter ablation (the paper's evaluation): for each class, zero the filters the
method found for it and measure top-1 accuracy on its images (and on other classes' images);
compare with no ablation, random filters of the same count (drawn from all channels, seeded
draws), class-specific-only and class-shared-only filters, and VEBI. Writes results, per-class,
filters and curves tables (JSON + CSV) to the output folder and prints the results table.

options:
  --model NAME|DIR      shipped model (vgg-small, resnet-small) or a tfjs model folder (required)
  --transactions DIR    an extraction run folder (filtermine extract) or a transaction store folder (required)
  --layer NAME          analysed layer (default: the run's layer, else the model's analysis layer)
  --k LIST              transaction sizes to mine (default 5,10,25)
  --min-support S --min-confidence C --top-n N --max-length L
                        mining thresholds (defaults: the paper's 2, 0.5, 10, no length limit; a
                        length limit keeps k = 25 tractable when transactions of a class overlap a lot)
  --draws N             seeded draws of each random baseline (default 10)
  --seed S              base seed of every random choice (default 0)
  --other-per-class N|all  images per other class scored under each class's mask (default 100)
  --vebi-filters X      VEBI: choose lambda for about X filters per class (default 5)
  --vebi-lambda X       VEBI: use this lambda instead
  --curve-draws N       draws of the random orders in the curves (default 5)
  --curve-images N|all  own images per class scored for the curves (default all)
  --no-curves           skip the curves
  --data NAME           fashion-mnist-test or fashion-mnist-train (default: the run's data, else test)
  --limit N             only the first N images (default: the run's image count)
  --head STRATEGY       auto (default), affine or generic: how masks are evaluated after the layer
  --out DIR             output folder (default <transactions>/evaluation)
  --backend NAME        auto (default), native, wasm, cpu, tensorflow
`;

const DATA: Record<string, () => ImageSet> = {
  'fashion-mnist-test': () => loadFashionMnist('test'),
  'fashion-mnist-train': () => loadFashionMnist('train'),
};

const intOpt = (name: string, v: string | undefined, min: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`evaluate: --${name} must be an integer >= ${min}, got '${v}'`);
  return n;
};
const countOrAll = (name: string, v: string | undefined): number | 'all' | undefined => (v === 'all' ? 'all' : intOpt(name, v, 0));
const numOpt = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`evaluate: --${name} must be a number >= 0, got '${v}'`);
  return n;
};

function parseKs(text: string): number[] {
  const ks = text.split(',').map((s) => Number(s.trim()));
  if (!ks.length || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`evaluate: --k must be a comma-separated list of positive integers, got '${text}'`);
  return ks;
}

interface RunInfo { layer?: string; data?: string; n?: number; fingerprint?: string }

/** What the extraction run's manifest says (layer, data set, image count), if it has one. */
function readRunInfo(dir: string): RunInfo {
  const f = path.join(dir, 'manifest.json');
  if (!fs.existsSync(f)) return {};
  const m = JSON.parse(fs.readFileSync(f, 'utf8')) as { identity?: { model?: { layer?: string; fingerprint?: string }; data?: { name?: string; n?: number } } };
  const data = m.identity?.data?.name?.replace(/\[:\d+\]$/, '');
  return { layer: m.identity?.model?.layer, data, n: m.identity?.data?.n, fingerprint: m.identity?.model?.fingerprint };
}

/** The transaction table for k from a run folder (its store, else its transactions-k<k>.arrow) or a store folder. */
function transactionTableFor(dir: string, k: number, F: number) {
  const storeDir = fs.existsSync(path.join(dir, 'store', 'scores.json')) ? path.join(dir, 'store') : fs.existsSync(path.join(dir, 'scores.json')) ? dir : null;
  if (storeDir) {
    const store = loadTransactionStore(storeDir);
    if (store.nFilters !== F) throw new Error(`evaluate: the transactions in ${storeDir} score ${store.nFilters} filters, but the layer has ${F} channels`);
    return transactionsForK(store, k);
  }
  const file = path.join(dir, `transactions-k${k}.arrow`);
  if (!fs.existsSync(file)) throw new Error(`evaluate: ${dir} has neither a transaction store (store/scores.json) nor ${path.basename(file)}; run 'filtermine extract' (and 'extract merge') first`);
  return loadTransactions(file);
}

const pct = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(2) : '-');

async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv, strict: true, options: {
      model: { type: 'string' }, transactions: { type: 'string' }, layer: { type: 'string' }, k: { type: 'string', default: '5,10,25' },
      draws: { type: 'string' }, 'min-support': { type: 'string' }, 'min-confidence': { type: 'string' }, 'top-n': { type: 'string' }, 'max-length': { type: 'string' }, seed: { type: 'string' }, 'other-per-class': { type: 'string' }, 'vebi-filters': { type: 'string' },
      'vebi-lambda': { type: 'string' }, 'curve-draws': { type: 'string' }, 'curve-images': { type: 'string' }, 'no-curves': { type: 'boolean', default: false },
      head: { type: 'string', default: 'auto' }, data: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string', default: 'auto' },
    },
  });
  if (!values.model || !values.transactions) throw new Error(`evaluate: --model and --transactions are required\n\n${usage}`);
  const ks = parseKs(values.k!);
  const draws = intOpt('draws', values.draws, 1) ?? 10;
  const seed = intOpt('seed', values.seed, 0) ?? 0;
  const otherPerClass = countOrAll('other-per-class', values['other-per-class']) ?? 100;
  const vebiParams = values['vebi-lambda'] !== undefined ? { lambda: numOpt('vebi-lambda', values['vebi-lambda']) }
    : { targetFiltersPerClass: numOpt('vebi-filters', values['vebi-filters']) ?? 5 };
  const headStrategy = values.head as HeadStrategy;
  if (!['auto', 'affine', 'generic'].includes(headStrategy)) throw new Error(`evaluate: --head must be auto, affine or generic, got '${headStrategy}'`);
  const info = readRunInfo(values.transactions);
  const dataName = values.data ?? info.data ?? 'fashion-mnist-test';
  const loadData = DATA[dataName];
  if (!loadData) throw new Error(`evaluate: unknown data '${dataName}'; known: ${Object.keys(DATA).join(', ')}`);

  const out = values.out ?? path.join(values.transactions, 'evaluation');
  prepareOutDir(out, 'evaluate: --out');
  const backend = await selectBackend(values.backend as BackendName);
  const resolved = await resolveModel(values.model);
  try {
    const layer = values.layer ?? info.layer ?? resolved.defaultLayer;
    if (!layer) throw new Error(`evaluate: --layer is required for model '${resolved.name}'`);
    if (info.layer && info.layer !== layer) throw new Error(`evaluate: the transactions were extracted at layer '${info.layer}', not '${layer}'`);
    if (info.fingerprint && info.fingerprint !== modelFingerprint(resolved.model)) {
      throw new Error(`evaluate: the transactions in ${values.transactions} were extracted from a model with other weights ` +
        `(weight fingerprint ${info.fingerprint.slice(0, 12)}..., --model ${values.model} has ${modelFingerprint(resolved.model).slice(0, 12)}...); ` +
        'expected the model the run was extracted with');
    }
    const F = layerChannelCount(resolved.model, layer);
    checkKsFitLayer(ks, F, layer);
    const set = loadData();
    const limit = intOpt('limit', values.limit, 1) ?? info.n ?? set.n;
    const n = Math.min(limit, set.n);
    const images = indexedImagesFromSet({ ...set, n, images: set.images.subarray(0, n * set.height * set.width), labels: set.labels.subarray(0, n) });
    const labels = Int32Array.from(set.labels.subarray(0, n));

    const t0 = Date.now();
    const split = splitModel(resolved.model, layer);
    const K = split.numClasses;
    const mined = new Map<string, ClassFilterLists>();
    const miningSummary: Record<string, unknown> = {};
    const mining: PaperRulesOptions = { groups: false };
    const minSupport = numOpt('min-support', values['min-support']), minConfidence = numOpt('min-confidence', values['min-confidence']);
    const topN = intOpt('top-n', values['top-n'], 1), maxLength = intOpt('max-length', values['max-length'], 2);
    if (minSupport !== undefined) mining.minSupport = minSupport;
    if (minConfidence !== undefined) mining.minConfidence = minConfidence;
    if (topN !== undefined) mining.topN = topN;
    if (maxLength !== undefined) mining.maxLength = maxLength;
    for (const k of ks) {
      process.stderr.write(`evaluate: mining k = ${k}...\n`);
      const tx = fromTransactionTable(transactionTableFor(values.transactions, k, F), { nItems: F });
      const res = minePaperRules(tx, mining);
      mined.set(minedSourceName(k), minedFiltersFromTables(res.rules, K, res.classFilters));
      miningSummary[`k${k}`] = { ms: Math.round(res.timings.total), rules: res.counts.rules, meanFiltersPerClass: res.counts.meanFiltersPerClass, specificFilters: res.counts.specificFilters, sharedFilters: res.counts.sharedFilters };
    }
    process.stderr.write(`evaluate: backend ${backend.candidate}; head ${headStrategy}; mined k = ${ks.join(', ')}; caching ${layer} activations of ${n} images...\n`);
    const cache = await cacheActivations(split, layer, images, { batchSize: 500 });
    const ev = await createHeadEvaluator(split.head, cache, labels, { strategy: headStrategy });
    try {
      const features = { norms: filterNorms(cache.activation.data, n, F), labels };
      const variants = defaultVariants(ks, { vebiParams });
      const study = await evaluateAblation(ev, { mined, features }, {
        variants, draws, seed, otherPerClass, classNames: set.classNames,
      });
      const tables: Record<string, typeof study.results> = { results: study.results, 'per-class': study.perClass, filters: study.filters };
      if (!values['no-curves']) {
        const ctx = selectorContext(ev, { mined, features }, variants);
        const methods: CurveMethod[] = [...ks.map((k) => ({ name: minedSourceName(k), k, ranked: mined.get(minedSourceName(k))! })),
          { name: 'vebi', k: null, ranked: ctx.resolve('vebi') }];
        const curves = await ablationCurves(new MaskScorer(ev), methods, {
          draws: intOpt('curve-draws', values['curve-draws'], 1) ?? 5, seed,
          imagesPerClass: countOrAll('curve-images', values['curve-images']) ?? 'all',
        });
        tables.curves = curves.table;
      }
      const files = saveAblationTables(out, tables);
      fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify({
        model: resolved.name, layer, channels: F, images: n, data: dataName, backend: backend.name, ks, draws, seed, otherPerClass,
        vebi: vebiParams, miningOptions: mining, mining: miningSummary, seconds: (Date.now() - t0) / 1000,
      }, null, 2) + '\n');
      const lines = study.rows.results.map((r) => `  ${r.variant.padEnd(18)} ${pct(r.accuracy).padStart(6)}${r.draws > 1 ? ` ±${pct(r.accuracyStd)}` : '       '}  ` +
        `${r.filtersPerClass.toFixed(1).padStart(5)}  ${pct(r.otherAccuracy).padStart(6)}  ${pct(r.drop).padStart(6)}`);
      process.stdout.write(`${resolved.name} at ${layer} (${F} channels), ${n} images, top-1 accuracy (%) after class-conditional ablation:\n` +
        `  ${'variant'.padEnd(18)} ${'acc'.padStart(6)}         ${'f/cls'.padStart(5)}  ${'other'.padStart(6)}  ${'drop'.padStart(6)}\n${lines.join('\n')}\n` +
        `wrote ${files.length + 1} files to ${out}\n`);
    } finally {
      ev.dispose();
      split.dispose();
    }
  } finally {
    if (resolved.owned) resolved.model.dispose();
  }
  return 0;
}

registerCommand({ name: 'evaluate', summary: 'class-conditional filter ablation: the paper\'s evaluation table and curves', usage, run });
