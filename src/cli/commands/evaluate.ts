/**
 * `filtermine evaluate`: the evaluation of docs/method.md ("Evaluation protocol") from extraction
 * runs, through `ablationStudy` (the function the notebooks use too): mining of each k, the
 * baselines at matched counts, VEBI, the greedy oracle, every variant's class-conditional
 * accuracy with uncertainty, paired comparisons and the ablation curves; tables as JSON + CSV.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerCommand } from '../registry';
import { parseCommandArgs, requirePath } from '../options';
import { readRunInfo, runTransactionTable, type RunInfo } from '../run-folder';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../../backend';
import { CLASS_COLUMNS, FILTER_COLUMNS, RESULT_COLUMNS } from '../../ablation/core/evaluate';
import { CURVE_COLUMNS } from '../../ablation/core/curves';
import { layerChannelCount } from '../../ablation/tf/full-model';
import type { HeadStrategy } from '../../ablation/tf/head-evaluator';
import { indexedImagesFromSet, indexedImagesFromTensor } from '../../ablation/tf/images';
import { saveAblationTables } from '../../ablation/io/io';
import { tableFromRows } from '../../ablation/io/table';
import { filterCount } from '../../baselines/rankings';
import { miningSweep } from '../../ablation/study/sweep';
import { ablationStudy, type StudyImages, type StudyProtocol, type StudyResult } from '../../ablation/study/study';
import { loadFashionMnist } from '../../data/fashion-mnist';
import type { ImageSet } from '../../data/image-set';
import { resolveModel } from '../../extract/model';
import { checkKsFitLayer } from '../../extract/merge';
import { modelFingerprint, reopenImageFolderSource } from '../../extract/source';
import { prepareOutDir } from '../errors';
import type { PaperRulesOptions } from '../../mining/paper';
import { checkRuleDefinition, classRuleDefaults, resolveClassRuleOptions } from '../../mining/class-rules';
import { fromTransactionTable, type Transactions } from '../../mining/transactions';

const usage = `usage: filtermine evaluate --model NAME|DIR --run RUN [--fit-run TRAIN_RUN] [options]

Class-conditional filter ablation: for each class, zero the filters a method chose for it and
measure top-1 accuracy on its test images (and on other classes' images). Compared: none; Ours-k
(the mined filters); random filters of the same per-class counts (seeded draws, mean and 95%
interval); the class-specific-only and class-shared-only mined filters; at the counts of Ours-10,
the filters ranked by mean activation, by Grad-CAM channel weight and by gradient x activation over
the class's images, and VEBI's top filters; VEBI at its own count; the greedy oracle at each count
(drops also given as a fraction of the oracle's); per-class paired comparisons (bootstrap interval
over classes, exact sign-flip test) of each variant with random and with each baseline.

Protocol (printed with the table): held-out (default): mining, VEBI, the baselines' rankings and
the oracle are fitted on the training run (--fit-run, an extraction run of
--data fashion-mnist-train), accuracy is measured on the test run's images; in-sample: everything
on the test run's images, as the paper.

The oracle: per class, greedily add the filter whose zeroing (with those already chosen) leaves the
fewest selection images of the class correct. Its cost grows as (filters per class m) x (layer
filters F) x (selection images n) mask evaluations, each costing O(m x classes) with the affine head
evaluator (a head pass with the generic one): about m^2 F n K operations. --oracle-images bounds n.

options:
  --model NAME|DIR      shipped model (vgg-small, resnet-small) or a tfjs model folder (required)
  --transactions DIR    extraction run on the test images (required): accuracy is measured on them
  --fit-run DIR  extraction run on the training images (required by --protocol held-out)
  --fit-limit N         only the first N images of the training run (default: its image count)
  --protocol P          held-out (default) or in-sample
  --layer NAME          analysed layer (default: the run's layer, else the model's analysis layer)
  --k LIST              transaction sizes to mine (default 5,10,25); a value in (0, 1) is a fraction
                        of the layer's filters (0.05 = 5%, the paper's 25 of 512), rounded
  --match-k K           the Ours-k whose counts the baselines use (default 10; a fraction as for --k)
  --min-support S --min-confidence C --top-n N --max-length L
                        mining thresholds (defaults: the paper's 2, 0.5, 10, no length limit)
  --confidence D        rule definition: standard (P(class | filters), default) or authors
                        (their code's filter-to-filter confidence; docs/method.md)
  --draws N             seeded draws of each random baseline (default 50)
  --seed S              base seed of every random choice (default 0)
  --other-per-class N|all  images per other class scored under each class's mask (default 100)
  --vebi-filters X      VEBI: choose lambda for about X filters per class (default 5)
  --oracle-images N|all oracle selection images per class (default 300)
  --no-oracle           skip the oracle
  --curve-draws N       draws of the random orders in the curves (default 5)
  --curve-images N|all  own images per class scored for the curves (default all)
  --no-curves           skip the curves
  --sweep-top-n LIST    also mine each k for every top-N in LIST (e.g. 5,10,100,1000) ...
  --sweep-support LIST  ... and every minimum support in LIST (a count, or a fraction of the class's
                        transactions, e.g. 2,0.01,0.05): rules, filters per class, class-specific and
                        class-shared filters per cut, in sweep.json / sweep.csv (default: no sweep)
  --limit N             only the first N test images (default: the run's image count)
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
  if (!ks.length || ks.some((k) => !((Number.isInteger(k) && k >= 1) || (k > 0 && k < 1)))) {
    throw new Error(`evaluate: --k must be a comma-separated list of positive integers or fractions in (0, 1) of the layer's filters, got '${text}'`);
  }
  return ks;
}

/** The ks as filter counts at a layer of F filters (fractions scaled to F; counts as given), refusing repeats. */
function resolveKs(ks: readonly number[], F: number): number[] {
  const out = ks.map((k) => (k < 1 ? filterCount(k, F) : k));
  if (new Set(out).size !== out.length) throw new Error(`evaluate: --k ${ks.join(',')} gives repeated counts ${out.join(',')} at ${F} filters`);
  return out;
}

/** A fraction as a percentage with 2 decimals; a value that rounds to zero prints as 0.00, never -0.00. */
const pct = (x: number): string => (Number.isFinite(x) ? (Math.abs(100 * x) < 0.005 ? 0 : 100 * x).toFixed(2) : '-');

/**
 * The images of a run: the image folder it read (reopened, its content checked against the run's
 * fingerprint), else its manifest's data set and count, or an explicit limit.
 */
function runImages(info: RunInfo, dir: string, limit: number | undefined, fallback: string, model: tf.LayersModel): { classNames: readonly string[]; split: StudyImages; name: string; dispose(): void } {
  const name = info.data ?? fallback;
  if (info.imageFolder) {
    const src = reopenImageFolderSource(info.imageFolder, model, info.checksum ?? '');
    const n = Math.min(limit ?? src.n, src.n);
    const held = tf.tensor4d(src.pixels(0, n), [n, ...src.shape]);
    return { name, classNames: src.dataset.classNames, split: { images: indexedImagesFromTensor(held), labels: Int32Array.from(src.labels).subarray(0, n) }, dispose: () => held.dispose() };
  }
  const load = DATA[name];
  if (!load) throw new Error(`evaluate: unknown data '${name}' in ${dir}; known: ${Object.keys(DATA).join(', ')}`);
  const set = load();
  const n = Math.min(limit ?? info.n ?? set.n, set.n);
  const sub = { ...set, n, images: set.images.subarray(0, n * set.height * set.width), labels: set.labels.subarray(0, n) };
  return { name, classNames: set.classNames, split: { images: indexedImagesFromSet(sub), labels: Int32Array.from(sub.labels) }, dispose: () => undefined };
}

/** The printed table. */
export function formatStudy(model: string, r: StudyResult): string {
  const head = `  ${'variant'.padEnd(20)} ${'acc'.padStart(6)} ${'95% interval'.padStart(15)}  ${'f/cls'.padStart(5)}  ${'other'.padStart(6)}  ${'drop'.padStart(6)}  ${'of oracle'.padStart(9)}`;
  const lines = r.results.map((x) => `  ${x.variant.padEnd(20)} ${pct(x.accuracy).padStart(6)} ${(x.draws > 1 ? `[${pct(x.accuracyLow)}, ${pct(x.accuracyHigh)}]` : '').padStart(15)}  ` +
    `${x.filtersPerClass.toFixed(1).padStart(5)}  ${pct(x.otherAccuracy).padStart(6)}  ${pct(x.drop).padStart(6)}  ${(Number.isFinite(x.ofOracle) ? x.ofOracle.toFixed(2) : '-').padStart(9)}`);
  const cmp = r.comparisons.map((c) => `  ${c.variant.padEnd(20)} vs ${c.reference.padEnd(18)} ${pct(c.meanDifference).padStart(7)} [${pct(c.low)}, ${pct(c.high)}]  p = ${c.pValue.toFixed(3)}  classes ${c.wins}/${c.losses}`);
  return `${model} at ${r.layer} (${r.channels} channels), protocol ${r.protocol} (fit on ${r.fitImages} images, measured on ${r.testImages} test images), ` +
    `${r.draws} draws per random baseline; baselines at the counts of ours-${r.matchK}; top-1 accuracy (%) after class-conditional ablation:\n${head}\n${lines.join('\n')}\n` +
    `paired comparison over classes of drops (points; mean difference, 95% bootstrap interval, sign-flip p, classes more/less hurt):\n${cmp.join('\n')}\n`;
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('evaluate', argv, {
      model: { type: 'string' }, run: { type: 'string' }, 'fit-run': { type: 'string' }, 'fit-limit': { type: 'string' }, 'sweep-top-n': { type: 'string' }, 'sweep-support': { type: 'string' }, protocol: { type: 'string', default: 'held-out' },
      layer: { type: 'string' }, k: { type: 'string', default: '5,10,25' }, 'match-k': { type: 'string' },
      draws: { type: 'string' }, 'min-support': { type: 'string' }, 'min-confidence': { type: 'string' }, confidence: { type: 'string' }, 'top-n': { type: 'string' }, 'max-length': { type: 'string' }, seed: { type: 'string' }, 'other-per-class': { type: 'string' }, 'vebi-filters': { type: 'string' },
      'oracle-images': { type: 'string' }, 'no-oracle': { type: 'boolean', default: false },
      'curve-draws': { type: 'string' }, 'curve-images': { type: 'string' }, 'no-curves': { type: 'boolean', default: false },
      head: { type: 'string', default: 'auto' }, limit: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string', default: 'auto' },
  }, { transactions: 'run', 'fit-transactions': 'fit-run', top: 'top-n' });
  if (!values.model || !values.run) throw new Error(`evaluate: --model and --run are required\n\n${usage}`);
  const protocol = values.protocol as StudyProtocol;
  if (protocol !== 'held-out' && protocol !== 'in-sample') throw new Error(`evaluate: --protocol must be held-out or in-sample, got '${protocol}'`);
  const fitDir = values['fit-run'];
  const kArgs = parseKs(values.k!);
  const draws = intOpt('draws', values.draws, 1) ?? 50, seed = intOpt('seed', values.seed, 0) ?? 0;
  const fitLimit = intOpt('fit-limit', values['fit-limit'], 1);
  const matchKArg = values['match-k'] !== undefined ? Number(values['match-k']) : undefined;
  const headStrategy = values.head as HeadStrategy;
  if (!['auto', 'affine', 'generic'].includes(headStrategy)) throw new Error(`evaluate: --head must be auto, affine or generic, got '${headStrategy}'`);
  const mining: PaperRulesOptions = {};
  const minSupport = numOpt('min-support', values['min-support']), minConfidence = numOpt('min-confidence', values['min-confidence']);
  const topN = intOpt('top-n', values['top-n'], 1), maxLength = intOpt('max-length', values['max-length'], 2);
  if (minSupport !== undefined) mining.minSupport = minSupport;
  if (minConfidence !== undefined) mining.minConfidence = minConfidence;
  if (values.confidence !== undefined) mining.ruleDefinition = checkRuleDefinition(values.confidence, 'evaluate: --confidence');
  resolveClassRuleOptions(mining); // an unknown definition or threshold is refused before the model loads
  if (topN !== undefined) mining.topN = topN;
  if (maxLength !== undefined) mining.maxLength = maxLength;
  const sweepList = (name: string, v: string | undefined, dflt: number): number[] => (v === undefined ? [dflt] : v.split(',').map((x) => {
    const n = Number(x.trim());
    if (!(n > 0)) throw new Error(`evaluate: --${name} must be a comma-separated list of positive numbers, got '${v}'`);
    return n;
  }));
  const sweep = values['sweep-top-n'] || values['sweep-support'] ? {
    topNs: sweepList('sweep-top-n', values['sweep-top-n'], mining.topN ?? classRuleDefaults.topN),
    supports: sweepList('sweep-support', values['sweep-support'], minSupport ?? (classRuleDefaults.minSupport as number)),
  } : null;
  requirePath('evaluate', '--run', values.run!, 'folder', 'an extraction run folder (filtermine extract --out DIR)');
  if (fitDir) requirePath('evaluate', '--fit-run', fitDir, 'folder', 'an extraction run folder on the training images');
  const info = readRunInfo(values.run!);
  const fitInfo = fitDir ? readRunInfo(fitDir) : {};
  if (protocol === 'held-out' && fitInfo.data && fitInfo.data === (info.data ?? 'fashion-mnist-test')) {
    throw new Error(`evaluate: --fit-run ${fitDir} was extracted from ${fitInfo.data}, the same images as the test run; held-out needs the training images`);
  }

  const out = values.out ?? path.join(values.run!, 'evaluation');
  prepareOutDir(out, 'evaluate: --out');
  const backend = await selectBackend(values.backend as BackendName);
  const resolved = await resolveModel(values.model);
  const disposers: (() => void)[] = [];
  try {
    const layer = values.layer ?? info.layer ?? resolved.defaultLayer;
    if (!layer) throw new Error(`evaluate: --layer is required for model '${resolved.name}'`);
    for (const [dir, i] of [[values.run!, info], [fitDir, fitInfo]] as const) {
      if (i.layer && i.layer !== layer) throw new Error(`evaluate: the transactions in ${dir} were extracted at layer '${i.layer}', not '${layer}'`);
      if (i.fingerprint && i.fingerprint !== modelFingerprint(resolved.model)) {
        throw new Error(`evaluate: the transactions in ${dir} were extracted from a model with other weights ` +
          `(weight fingerprint ${i.fingerprint.slice(0, 12)}..., --model ${values.model} has ${modelFingerprint(resolved.model).slice(0, 12)}...); ` +
          'expected the model the run was extracted with');
      }
    }
    const F = layerChannelCount(resolved.model, layer);
    const ks = resolveKs(kArgs, F);
    checkKsFitLayer(ks, F, layer);
    if (protocol === 'held-out' && !fitDir) throw new Error(`evaluate: the held-out protocol (the default) needs --fit-run, an extraction run on the training images (filtermine extract --data fashion-mnist-train); or pass --protocol in-sample`);
    const test = runImages(info, values.run!, intOpt('limit', values.limit, 1), 'fashion-mnist-test', resolved.model);
    disposers.push(test.dispose);
    const fit = protocol === 'held-out' ? runImages(fitInfo, fitDir!, fitLimit, 'fashion-mnist-train', resolved.model) : undefined;
    if (fit) disposers.push(fit.dispose);
    const txDir = protocol === 'held-out' ? fitDir! : values.run!;
    const txByK = new Map<number, Transactions>(); // read once, for the study and the sweep
    const txFor = (k: number): Transactions => {
      if (!txByK.has(k)) txByK.set(k, fromTransactionTable(runTransactionTable('evaluate', txDir, k, F).table, { nItems: F }));
      return txByK.get(k)!;
    };
    process.stderr.write(`evaluate: backend ${backend.candidate}; head ${headStrategy}; protocol ${protocol}; mining ${txDir}\n`);
    const result = await ablationStudy({
      model: resolved.model, layer, classNames: [...test.classNames],
      transactions: txFor,
      test: test.split, ...(fit ? { fit: fit.split } : {}),
    }, {
      protocol, ks, mining, ...(matchKArg !== undefined ? { matchK: filterCount(matchKArg, F) } : {}),
      draws, seed,
      otherPerClass: countOrAll('other-per-class', values['other-per-class']) ?? 100,
      vebiFiltersPerClass: numOpt('vebi-filters', values['vebi-filters']) ?? 5,
      oracle: !values['no-oracle'], oracleImagesPerClass: countOrAll('oracle-images', values['oracle-images']) ?? 300,
      curves: values['no-curves'] ? false : { draws: intOpt('curve-draws', values['curve-draws'], 1) ?? 5, imagesPerClass: countOrAll('curve-images', values['curve-images']) ?? 'all' },
      head: headStrategy, onProgress: (m) => process.stderr.write(`evaluate: ${m}\n`),
    });
    const sweepRows = [];
    if (sweep) {
      for (const k of ks) {
        process.stderr.write(`evaluate: sweeping the mining cut for k = ${k}\n`);
        sweepRows.push(...miningSweep(txFor(k), sweep.topNs, sweep.supports, mining).map((r) => ({ k, ...r })));
      }
    }
    const tables = {
      results: tableFromRows(result.results, [...RESULT_COLUMNS, 'matchedTo', 'ofOracle']),
      'per-class': tableFromRows(result.perClass, CLASS_COLUMNS),
      filters: tableFromRows(result.filters, FILTER_COLUMNS),
      comparisons: tableFromRows(result.comparisons, ['variant', 'reference', 'meanDifference', 'low', 'high', 'pValue', 'wins', 'losses']),
      ...(result.curves.length ? { curves: tableFromRows(result.curves, CURVE_COLUMNS) } : {}),
      ...(sweepRows.length ? { sweep: tableFromRows(sweepRows, ['k', 'topN', 'minSupport', 'rules', 'meanFiltersPerClass', 'specificFilters', 'sharedFilters']) } : {}),
    };
    const files = saveAblationTables(out, tables);
    fs.writeFileSync(path.join(out, 'summary.json'), JSON.stringify({
      model: resolved.name, data: test.name, fitData: fit?.name ?? test.name, backend: backend.name, ...result,
      results: undefined, perClass: undefined, filters: undefined, curves: undefined, miningOptions: mining,
    }, null, 2) + '\n');
    process.stdout.write(formatStudy(resolved.name, result) + `wrote ${files.length + 1} files to ${out}\n`);
  } finally {
    for (const d of disposers) d();
    if (resolved.owned) resolved.model.dispose();
  }
  return 0;
}

registerCommand({ name: 'evaluate', summary: 'class-conditional filter ablation against matched baselines, random and an oracle, with uncertainty', usage, run });
