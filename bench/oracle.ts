/**
 * The greedy oracle of the ablation table: per class, 25 filters chosen greedily on cached
 * activations (the fast head evaluator), for every class of a shipped model, next to the time of
 * the whole evaluation (`ablationStudy`: mining, VEBI, baseline statistics, oracle, every variant
 * with 50 random draws; curves off) on the same images.
 *
 * Images: the 10,000 Fashion-MNIST test images, in-sample (the oracle's selection and the
 * evaluation use the same cache, so nothing but the work differs from a held-out run of this
 * size). Transactions for mining: one per image, its top-k filters by mean activation (a stand-in
 * for an extraction run, which would need the CAM stages; their cost is not part of this).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ablationStudy } from '../src/ablation/study/study';
import { cacheActivations } from '../src/ablation/tf/activation-cache';
import { createHeadEvaluator } from '../src/ablation/tf/head-evaluator';
import { indexedImagesFromSet } from '../src/ablation/tf/images';
import { greedyOracle } from '../src/ablation/core/oracle';
import { classMeanRanking } from '../src/baselines/rankings';
import { filterStatistics } from '../src/baselines/statistics';
import { selectBackend } from '../src/backend';
import { loadFashionMnist } from '../src/data/fashion-mnist';
import { splitModel } from '../src/graph/split';
import { fromTransactionArrays } from '../src/mining/transactions';
import { loadModel } from '../src/models/io';
import { getArchitecture } from '../src/models/registry';
import { median, timeRuns } from './_timing';

/** Models measured: FILTERMINE_BENCH_MODELS (comma-separated), default resnet-small. */
const MODELS = (process.env.FILTERMINE_BENCH_MODELS ?? 'resnet-small').split(',');
/** Timed runs of the oracle (median reported). */
const REPS = Number(process.env.FILTERMINE_BENCH_REPS ?? 3);
const COUNT = 25;

/** Runs the benchmark. */
export async function run(): Promise<void> {
  const backend = await selectBackend('auto');
  const test = loadFashionMnist('test');
  const images = indexedImagesFromSet(test);
  const labels = Int32Array.from(test.labels);
  process.stdout.write(`backend ${backend.name}; ${test.n} test images; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`);
  for (const name of MODELS) {
    const layer = getArchitecture(name).analysisLayer;
    const model = await loadModel(path.join(__dirname, '..', '..', 'models', name));
    const split = splitModel(model, layer);
    const cache = await cacheActivations(split, layer, images, { batchSize: 500 });
    const ev = await createHeadEvaluator(split.head, cache, labels);
    const F = ev.channelCount, K = ev.numClasses;
    const counts = new Array<number>(K).fill(COUNT);
    const lines: string[] = [];
    for (const per of [300] as const) {
      let pairs = 0;
      const ms = await timeRuns(async () => { pairs = (await greedyOracle(ev, counts, { imagesPerClass: per })).pairsEvaluated; }, REPS, 0);
      lines.push(`  oracle, ${COUNT} filters x ${K} classes, ${per} selection images per class: median ${(median(ms) / 1000).toFixed(2)} s ` +
        `(${ms.length} runs; ${pairs} mask-image pairs, ${(1000 * median(ms) / pairs).toFixed(3)} us per pair)`);
    }
    // The whole evaluation: transactions = each image's top-k filters by mean activation.
    const mean = filterStatistics(cache.activation.data, new Float32Array(cache.activation.data.length), cache.n, F).meanActivation;
    const topk = (k: number) => fromTransactionArrays(Array.from({ length: cache.n }, (_, i) => classMeanRanking(mean.subarray(i * F, (i + 1) * F), [0], 1)[0].slice(0, k)), labels);
    const t0 = performance.now();
    const study = await ablationStudy({
      model, layer, classNames: test.classNames, transactions: topk, test: { images, labels },
    }, { protocol: 'in-sample', draws: 50, curves: false, mining: { maxLength: 3 } });
    const whole = performance.now() - t0;
    const stages = Object.entries(study.seconds).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
    process.stdout.write(`\n${name} at ${layer} (${F} filters, ${ev.strategy} head)\n${lines.join('\n')}\n` +
      `  whole evaluation (${study.results.length} variants, 50 draws per random baseline, oracle with 300 images per class): ${(whole / 1000).toFixed(2)} s; ` +
      `stages (s): ${stages}; the oracle is ${(100 * (study.seconds.oracle ?? 0) / study.seconds.total).toFixed(0)}% of it\n`);
    ev.dispose();
    split.dispose();
    model.dispose();
  }
}
