/**
 * `filtermine evaluate`: the evaluation of docs/method.md ("Evaluation") from an extraction run:
 * mines the transactions for each k with the paper's thresholds, then ablates per class the mined
 * filters, random filters (same count, all channels, seeded draws), class-specific-only and
 * class-shared-only filters and VEBI's filters, and writes the results table in the paper's form,
 * the per-class table, the filters table and the ablation curves (JSON + CSV each).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerCommand } from '../registry';
import { intOption, numberOption, parseCommandArgs, parseKList, requirePath } from '../options';
import { readRunInfo, runTransactionTable } from '../run-folder';
import { selectBackend, type BackendName } from '../../backend';
import { cacheActivations } from '../../ablation/activation-cache';
import { ablationCurves, type CurveMethod } from '../../ablation/curves';
import { evaluateAblation, selectorContext } from '../../ablation/evaluate';
import { layerChannelCount } from '../../ablation/full-model';
import { createHeadEvaluator, type HeadStrategy } from '../../ablation/head-evaluator';
import { indexedImagesFromSet, indexedImagesFromTensor, type IndexedImages } from '../../ablation/images';
import { saveAblationTables } from '../../ablation/io';
import { minedFiltersFromTables } from '../../ablation/mined';
import { MaskScorer } from '../../ablation/scorer';
import { defaultVariants, minedSourceName } from '../../ablation/variants';
import { filterNorms } from '../../ablation/vebi';
import type { ClassFilterLists } from '../../ablation/class-conditional';
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist } from '../../data/fashion-mnist';
import type { ImageSet } from '../../data/image-set';
import { resolveModel } from '../../extract/model';
import { checkKsFitLayer } from '../../extract/merge';
import { modelFingerprint, reopenImageFolderSource } from '../../extract/source';
import { prepareOutDir } from '../errors';
import { splitModel } from '../../graph/split';
import { minePaperRules, type PaperRulesOptions } from '../../mining/paper';
import { fromTransactionTable } from '../../mining/transactions';

const usage = `usage: filtermine evaluate --model NAME|DIR|FILE.onnx --run DIR [options]

Class-conditional filter ablation (the paper's evaluation): for each class, zero the filters the
method found for it and measure top-1 accuracy on its images (and on other classes' images);
compare with no ablation, random filters of the same count (drawn from all channels, seeded
draws), class-specific-only and class-shared-only filters, and VEBI. Writes results, per-class,
filters and curves tables (JSON + CSV) to the output folder and prints the results table.

options:
  --model NAME|DIR      shipped model (vgg-small, resnet-small, fashion-cnn-onnx), a tfjs model folder or an
                        .onnx file (required)
  --run DIR             an extraction run folder (filtermine extract) or a transaction store folder
                        (required; --transactions DIR is a deprecated alias). A run over an image folder
                        is evaluated on the same images (the folder's content must be unchanged)
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

const intOpt = (name: string, v: string | undefined, min: number): number | undefined => intOption('evaluate', name, v, min);
const countOrAll = (name: string, v: string | undefined): number | 'all' | undefined => (v === 'all' ? 'all' : intOpt(name, v, 0));
const numOpt = (name: string, v: string | undefined): number | undefined => numberOption('evaluate', name, v, 0);
const parseKs = (text: string): number[] => parseKList('evaluate', text)!;

const pct = (x: number): string => (Number.isFinite(x) ? (100 * x).toFixed(2) : '-');

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('evaluate', argv, {
      model: { type: 'string' }, run: { type: 'string' }, layer: { type: 'string' }, k: { type: 'string', default: '5,10,25' },
      draws: { type: 'string' }, 'min-support': { type: 'string' }, 'min-confidence': { type: 'string' }, 'top-n': { type: 'string' }, 'max-length': { type: 'string' }, seed: { type: 'string' }, 'other-per-class': { type: 'string' }, 'vebi-filters': { type: 'string' },
      'vebi-lambda': { type: 'string' }, 'curve-draws': { type: 'string' }, 'curve-images': { type: 'string' }, 'no-curves': { type: 'boolean', default: false },
      head: { type: 'string', default: 'auto' }, data: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string', default: 'auto' },
  }, { transactions: 'run', top: 'top-n' });
  if (!values.model || !values.run) throw new Error(`evaluate: --model and --run are required\n\n${usage}`);
  const runDir = values.run;
  const ks = parseKs(values.k!);
  const draws = intOpt('draws', values.draws, 1) ?? 10;
  const seed = intOpt('seed', values.seed, 0) ?? 0;
  const otherPerClass = countOrAll('other-per-class', values['other-per-class']) ?? 100;
  const vebiParams = values['vebi-lambda'] !== undefined ? { lambda: numOpt('vebi-lambda', values['vebi-lambda']) }
    : { targetFiltersPerClass: numOpt('vebi-filters', values['vebi-filters']) ?? 5 };
  const headStrategy = values.head as HeadStrategy;
  if (!['auto', 'affine', 'generic'].includes(headStrategy)) throw new Error(`evaluate: --head must be auto, affine or generic, got '${headStrategy}'`);
  requirePath('evaluate', '--run', runDir, 'folder', 'an extraction run folder (filtermine extract --out DIR)');
  const info = readRunInfo(runDir);
  const folder = values.data === undefined ? info.imageFolder : undefined;
  const dataName = folder ? info.data! : values.data ?? info.data ?? 'fashion-mnist-test';
  const loadData = DATA[dataName];
  if (!loadData && !folder) throw new Error(`evaluate: unknown data '${dataName}'; known: ${Object.keys(DATA).join(', ')}`);

  const out = values.out ?? path.join(runDir, 'evaluation');
  prepareOutDir(out, 'evaluate: --out');
  const backend = await selectBackend(values.backend as BackendName);
  const resolved = await resolveModel(values.model);
  try {
    const layer = values.layer ?? info.layer ?? resolved.defaultLayer;
    if (!layer) throw new Error(`evaluate: --layer is required for model '${resolved.name}'`);
    if (info.layer && info.layer !== layer) throw new Error(`evaluate: the transactions were extracted at layer '${info.layer}', not '${layer}'`);
    if (info.fingerprint && info.fingerprint !== modelFingerprint(resolved.model)) {
      throw new Error(`evaluate: the transactions in ${runDir} were extracted from a model with other weights ` +
        `(weight fingerprint ${info.fingerprint.slice(0, 12)}..., --model ${values.model} has ${modelFingerprint(resolved.model).slice(0, 12)}...); ` +
        'expected the model the run was extracted with');
    }
    const F = layerChannelCount(resolved.model, layer);
    checkKsFitLayer(ks, F, layer);
    let images: IndexedImages, labels: Int32Array, n: number, classNames: readonly string[];
    let held: tf.Tensor | undefined;
    if (folder) {
      const src = reopenImageFolderSource(folder, resolved.model, info.checksum ?? '');
      n = Math.min(intOpt('limit', values.limit, 1) ?? src.n, src.n);
      held = tf.tensor4d(src.pixels(0, n), [n, ...src.shape]);
      images = indexedImagesFromTensor(held);
      labels = Int32Array.from(src.labels).subarray(0, n);
      classNames = src.dataset.classNames;
    } else {
      const set = loadData();
      const limit = intOpt('limit', values.limit, 1) ?? info.n ?? set.n;
      n = Math.min(limit, set.n);
      images = indexedImagesFromSet({ ...set, n, images: set.images.subarray(0, n * set.height * set.width), labels: set.labels.subarray(0, n) });
      labels = Int32Array.from(set.labels.subarray(0, n));
      classNames = set.classNames;
    }

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
      const tx = fromTransactionTable(runTransactionTable('evaluate', runDir, k, F).table, { nItems: F });
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
        variants, draws, seed, otherPerClass, classNames,
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
      held?.dispose();
    }
  } finally {
    if (resolved.owned) resolved.model.dispose();
  }
  return 0;
}

registerCommand({ name: 'evaluate', summary: 'class-conditional filter ablation: the paper\'s evaluation table and curves', usage, run });
