/**
 * Ablation speed target: every ablation variant on the embedded default (10
 * classes, the 10,000 Fashion-MNIST test images, a 7x7x128 analysis layer, random draws
 * included) in under 10 s once the layer's activations are cached, next to the naive approach
 * that re-runs the full model for every class mask.
 *
 * Models: the shipped ones from `models/<name>` when present, otherwise a seeded random
 * initialisation of the same architecture (same shapes, so the same cost). Mined filters: the
 * shipped transactions are not read here; each class gets seeded random filter lists of the
 * paper's sizes (about 7, 10 and 11 per class for Ours-5/10/25), which cost the same to evaluate.
 *
 * The naive approach is timed on a subset of its work (full-model passes for a few class masks)
 * and extrapolated to the same number of (mask, image) pairs the fast path evaluated; the output
 * says so.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { cacheActivations } from '../src/ablation/tf/activation-cache';
import { ablationCurves } from '../src/ablation/core/curves';
import { evaluateAblation } from '../src/ablation/core/evaluate';
import { createFullModelEvaluator } from '../src/ablation/tf/full-model';
import { createHeadEvaluator } from '../src/ablation/tf/head-evaluator';
import { indexedImagesFromSet } from '../src/ablation/tf/images';
import { MaskScorer } from '../src/ablation/core/scorer';
import { filterNorms } from '../src/vebi/vebi';
import { minedSourceName } from '../src/ablation/core/variants';
import { selectBackend } from '../src/backend';
import { loadFashionMnist } from '../src/data/fashion-mnist';
import { splitModel } from '../src/graph/split';
import { loadModel } from '../src/models/io';
import { getArchitecture } from '../src/models/registry';
import { rng, sampleWithoutReplacement } from '../src/util/rng';

const MODELS = ['vgg-small', 'resnet-small'];
const PAPER_FILTERS_PER_CLASS: Record<number, number> = { 5: 7, 10: 10, 25: 11 };
const DRAWS = 10;
const NAIVE_SUBSET = 300; // images per class mask in the per-pair timings
const NAIVE_MASKS = 3;

async function loadOrBuild(name: string): Promise<{ model: tf.LayersModel; shipped: boolean }> {
  const dir = path.join(__dirname, '..', '..', 'models', name);
  if (fs.existsSync(path.join(dir, 'model.json'))) return { model: await loadModel(dir), shipped: true };
  return { model: getArchitecture(name).build({ seed: 1 }), shipped: false };
}

function syntheticMined(K: number, F: number, seed: number): Map<string, number[][]> {
  const r = rng(seed);
  return new Map(Object.entries(PAPER_FILTERS_PER_CLASS).map(([k, count]) => [minedSourceName(Number(k)),
    Array.from({ length: K }, () => Array.from(sampleWithoutReplacement(F, count, r)))]));
}

/** Runs the benchmark for both small models. */
export async function run(): Promise<void> {
  const backend = await selectBackend('auto');
  const test = loadFashionMnist('test');
  const images = indexedImagesFromSet(test);
  const labels = Int32Array.from(test.labels);
  process.stdout.write(`backend ${backend.name}; ${test.n} test images; ${DRAWS} random draws per random variant; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores\n`);
  for (const name of MODELS) {
    const arch = getArchitecture(name);
    const { model, shipped } = await loadOrBuild(name);
    const layer = arch.analysisLayer;
    const split = splitModel(model, layer);
    let t0 = performance.now();
    const cache = await cacheActivations(split, layer, images, { batchSize: 500 });
    const tCache = performance.now() - t0;
    t0 = performance.now();
    const ev = await createHeadEvaluator(split.head, cache, labels);
    const tSetup = performance.now() - t0;
    const F = ev.channelCount;
    const mined = syntheticMined(10, F, 7);

    t0 = performance.now();
    const norms = filterNorms(cache.activation.data, cache.n, F);
    const study = await evaluateAblation(ev, { mined, features: { norms, labels } }, { draws: DRAWS, seed: 1 });
    const tFast = performance.now() - t0;
    const variants = study.rows.results.length;
    const stochastic = study.rows.results.filter((r) => r.draws > 1).length;

    t0 = performance.now();
    const curves = await ablationCurves(new MaskScorer(ev), [{ name: 'ours-10', k: 10, ranked: mined.get('ours-10')! }], { draws: 5 });
    const tCurves = performance.now() - t0;

    // The generic head path and the naive full model, on a subset of the same kind of work; per-pair cost extrapolated.
    const masks = new Float32Array(NAIVE_MASKS * F).fill(1);
    mined.get('ours-10')!.slice(0, NAIVE_MASKS).forEach((l, row) => l.forEach((f) => { masks[row * F + f] = 0; }));
    const pairs = { mask: new Int32Array(NAIVE_MASKS * NAIVE_SUBSET), image: new Int32Array(NAIVE_MASKS * NAIVE_SUBSET) };
    for (let t = 0; t < pairs.mask.length; t++) { pairs.mask[t] = Math.floor(t / NAIVE_SUBSET); pairs.image[t] = t % NAIVE_SUBSET; }
    const perPair = async (e: { evaluate: typeof ev.evaluate }) => {
      const t = performance.now();
      await e.evaluate(masks, pairs);
      return (performance.now() - t) / pairs.mask.length;
    };
    const generic = await createHeadEvaluator(split.head, cache, labels, { strategy: 'generic' });
    const perPairGeneric = await perPair(generic);
    const perPairNaive = await perPair(createFullModelEvaluator(model, layer, images, labels, { batchSize: 500 }));
    const perPairFast = await perPair(ev);
    const tGeneric = perPairGeneric * study.pairsEvaluated, tNaive = perPairNaive * study.pairsEvaluated;

    const none = study.rows.results[0];
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    process.stdout.write(
      `\n${name} (${shipped ? 'shipped weights' : 'random init, same shape: no shipped model found'}), layer ${layer} ` +
      `[${cache.activation.shape}], accuracy without ablation ${(100 * none.accuracy).toFixed(2)}%\n` +
      `  cache activations (body over ${cache.n} images, once): ${s(tCache)}; head strategy '${ev.strategy}', set-up ${s(tSetup)}\n` +
      `  ALL ${variants} variants (${stochastic} random x ${DRAWS} draws, VEBI fit included), ${study.pairsEvaluated} mask-image pairs: ` +
      `${s(tFast)}  (target < 10 s: ${tFast < 10000 ? 'MET' : 'NOT MET'})\n` +
      `  per pair: ${ev.strategy} ${(perPairFast * 1000).toFixed(2)} us, generic head ${(perPairGeneric * 1000).toFixed(1)} us, ` +
      `naive full model ${(perPairNaive * 1000).toFixed(1)} us (each timed on ${pairs.mask.length} pairs)\n` +
      `  same pairs, extrapolated: generic head ${s(tGeneric)}, naive full model per class mask ${s(tNaive)} ` +
      `-> ${(tNaive / tFast).toFixed(0)}x faster than naive (${(tNaive / (tFast + tCache + tSetup)).toFixed(0)}x counting cache and set-up)\n` +
      `  curves for ours-10 (ranked, shuffled, random; 5 draws; n = 1..${curves.rows.reduce((m, r) => Math.max(m, r.n), 0)}): ${s(tCurves)}\n`);
    generic.dispose();
    ev.dispose();
    split.dispose();
    model.dispose();
  }
}
