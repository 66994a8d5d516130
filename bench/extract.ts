/**
 * Extraction throughput:
 * 1. filter scores of a patch: the window-sum fast path against naive upsample-then-sum;
 * 2. images per second of the full extraction (explain + patches + occlusion + scores) for the
 *    shipped Fashion-MNIST models (random-weight builds when they are not trained yet) and for
 *    VGG16/ResNet50 at 224x224 with random weights, next to forward-only throughput measured in
 *    the same run, with the time per stage.
 *
 * 3. the whole dataset run (vgg-small) on one thread vs one worker thread per core.
 *
 * Environment: FILTERMINE_BENCH_REPS (timed repetitions, default 3), FILTERMINE_BENCH_MODELS
 * (comma-separated subset of vgg-small,resnet-small,vgg16,resnet50), FILTERMINE_BENCH_BACKEND
 * (default auto: the native addon when built), FILTERMINE_BENCH_RUN_IMAGES (images of part 3, default 1000).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../src/backend';
import { splitModel } from '../src/graph/split';
import { extractBatch, type BatchResult } from '../src/extract/pipeline';
import { resolveModel } from '../src/extract/model';
import { shippedModelsDir } from '../src/models/shipped';
import { unitPixels } from '../src/data/image-set';
import { extractDataset } from '../src/extract/run';
import { extractDatasetParallel } from '../src/extract/parallel';
import { imageSetSource } from '../src/extract/source';
import { getArchitecture } from '../src/models/registry';
import { buildVgg16, VGG16_ANALYSIS_LAYER } from '../src/models/vgg16';
import { buildResnet50, RESNET50_ANALYSIS_LAYER } from '../src/models/resnet50';
import { createWindowScorer, windowFilterScoresNaive } from '../src/transactions/window-scores';
import { loadFashionMnist } from '../src/data/fashion-mnist';
import { rng } from '../src/util/rng';
import { median, timeRuns } from './_timing';

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(3));

function benchWindowScores(reps: number): Promise<void> {
  process.stdout.write('\nfilter scores of one patch window (fast window sum vs naive upsample-then-sum)\n');
  process.stdout.write('  case                              fast ms    naive ms   speed-up  max |diff|\n');
  const cases = [
    { name: 'vgg-small 7x7x128 -> 28, w 7', h: 7, F: 128, H: 28, size: 7, naive: true },
    { name: 'VGG16 7x7x512 -> 224, w 56', h: 7, F: 512, H: 224, size: 56, naive: true },
    { name: 'ResNet50 7x7x2048 -> 224, w 56', h: 7, F: 2048, H: 224, size: 56, naive: false },
  ];
  return (async () => {
    for (const c of cases) {
      const r = rng(1);
      const acts = { data: Float32Array.from({ length: c.h * c.h * c.F }, () => r.next()), height: c.h, width: c.h, channels: c.F };
      const win = { x: Math.floor(c.H / 3), y: Math.floor(c.H / 5), size: c.size };
      const scorer = createWindowScorer(c.h, c.h, c.F, c.H, c.H);
      const out = new Float32Array(c.F);
      const inner = 200;
      const fast = median(await timeRuns(() => { for (let i = 0; i < inner; i++) scorer.scores(acts.data, win, out); }, reps)) / inner;
      let naiveMs = NaN, diff = NaN;
      if (c.naive) {
        naiveMs = median(await timeRuns(() => windowFilterScoresNaive(acts, win, c.H, c.H), Math.min(reps, 3)));
        const ref = windowFilterScoresNaive(acts, win, c.H, c.H);
        diff = 0;
        for (let f = 0; f < c.F; f++) diff = Math.max(diff, Math.abs(ref[f] - out[f]));
      }
      process.stdout.write(`  ${c.name.padEnd(32)} ${fmt(fast).padStart(8)}  ${c.naive ? fmt(naiveMs).padStart(9) : '  skipped'}  ${c.naive ? `${fmt(naiveMs / fast)}x`.padStart(8) : '       -'}  ${c.naive ? diff.toExponential(1) : '-'}\n`);
    }
    process.stdout.write('  (naive skipped for ResNet50: it would materialise 2048 maps of 224x224)\n');
  })();
}

interface Case {
  name: string;
  /** The model, a note on its weights, and the CAM method to use (the model card's, when it names one). */
  load: () => Promise<{ model: tf.LayersModel; note: string; method?: string }>;
  layer: string;
  images: number;
  batch: number;
  pixels: (n: number) => Float32Array;
  labels: (n: number) => number[];
}

function fashionPixels(n: number): Float32Array {
  const set = loadFashionMnist('test', { limit: n });
  return unitPixels(set.images);
}

function shipped(name: 'vgg-small' | 'resnet-small'): Case {
  const arch = getArchitecture(name);
  return {
    name, layer: arch.analysisLayer, images: 256, batch: 64, pixels: fashionPixels,
    labels: (n) => Array.from(loadFashionMnist('test', { limit: n }).labels),
    load: async () => {
      if (!fs.existsSync(path.join(shippedModelsDir(), name, 'model.json'))) {
        return { model: arch.build({ seed: 1 }), note: 'random weights: shipped model not found' };
      }
      const r = await resolveModel(name);
      return { model: r.model, note: 'shipped weights', ...(r.defaultMethod ? { method: r.defaultMethod } : {}) };
    },
  };
}

function random224(n: number): Float32Array {
  const r = rng(5);
  return Float32Array.from({ length: n * 224 * 224 * 3 }, () => r.next() * 255 - 120);
}

const CASES: Case[] = [
  shipped('vgg-small'),
  shipped('resnet-small'),
  { name: 'vgg16', layer: VGG16_ANALYSIS_LAYER, images: 4, batch: 4, pixels: random224, labels: (n) => Array(n).fill(0),
    load: async () => ({ model: buildVgg16({ seed: 1 }), note: 'random weights, 224x224' }) },
  { name: 'resnet50', layer: RESNET50_ANALYSIS_LAYER, images: 4, batch: 4, pixels: random224, labels: (n) => Array(n).fill(0),
    load: async () => ({ model: buildResnet50({ seed: 1 }), note: 'random weights, 224x224' }) },
];

/** The whole dataset run (chunk files + merge) on one thread vs in worker threads, shipped vgg-small. */
async function benchDatasetRun(backend: 'wasm' | 'cpu', label: string): Promise<void> {
  const images = Number(process.env.FILTERMINE_BENCH_RUN_IMAGES ?? 1000);
  const workers = os.availableParallelism();
  const c = shipped('vgg-small');
  const { model, note, method } = await c.load();
  const data = imageSetSource(loadFashionMnist('test', { limit: images }), 'fashion-mnist-test');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-bench-extract-'));
  try {
    const opts = { layer: c.layer, chunkSize: 250, batchSize: 64, ...(method ? { method } : {}) };
    let t = performance.now();
    await extractDataset(model, data, { ...opts, out: path.join(tmp, 'single') });
    const single = performance.now() - t;
    t = performance.now();
    await extractDatasetParallel(model, data, { ...opts, out: path.join(tmp, 'workers'), workers, backend });
    const parallel = performance.now() - t;
    process.stdout.write(`
dataset run, vgg-small (${note}), ${images} images, chunk files + merge included
` +
      `  this thread (${label}) ${fmt((1000 * images) / single).padStart(7)} img/s
` +
      `  ${workers} ${backend} worker threads ${fmt((1000 * images) / parallel).padStart(7)} img/s  (${fmt(single / parallel)}x, worker start-up included)
`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    model.dispose();
  }
}

/** Runs the benchmark and prints medians and ratios. */
export async function run(): Promise<void> {
  const reps = Number(process.env.FILTERMINE_BENCH_REPS ?? 3);
  const wanted = (process.env.FILTERMINE_BENCH_MODELS ?? CASES.map((c) => c.name).join(',')).split(',');
  const backend = await selectBackend((process.env.FILTERMINE_BENCH_BACKEND ?? 'auto') as BackendName);
  process.stdout.write(`backend ${backend.name} (${backend.candidate}), ${reps} timed repetitions (median)\n`);
  await benchWindowScores(reps);

  process.stdout.write('\nfull extraction (explain + patches + occlusion + scores) vs forward only, images/s\n');
  process.stdout.write('  model          images  forward img/s  extract img/s  ratio   ms/img: explain  patches  occlusion  scores  patches/img\n');
  for (const c of CASES.filter((k) => wanted.includes(k.name))) {
    const { model, note, method } = await c.load();
    const split = splitModel(model, c.layer, { foldBatchNorm: true });
    try {
      const [H, W, C] = split.inputShape;
      const pixels = c.pixels(c.images);
      const labels = c.labels(c.images);
      const forward = async () => {
        for (let s = 0; s < c.images; s += c.batch) {
          const e = Math.min(c.images, s + c.batch);
          const y = tf.tidy(() => model.predict(tf.tensor4d(pixels.subarray(s * H * W * C, e * H * W * C), [e - s, H, W, C])) as tf.Tensor);
          await y.data();
          y.dispose();
        }
      };
      let last: BatchResult[] = [];
      const extract = async () => {
        last = [];
        for (let s = 0; s < c.images; s += c.batch) {
          const e = Math.min(c.images, s + c.batch);
          last.push(await extractBatch(split, {
            images: pixels.subarray(s * H * W * C, e * H * W * C), shape: [e - s, H, W, C],
            indices: Int32Array.from({ length: e - s }, (_, i) => s + i), labels: labels.slice(s, e),
          }, { method }));
        }
      };
      const heavy = H >= 100;
      const fwd = median(await timeRuns(forward, heavy ? 1 : reps, 1));
      const ext = median(await timeRuns(extract, heavy ? 1 : reps, 1));
      const stage = (k: keyof BatchResult['timings']) => last.reduce((a, r) => a + r.timings[k], 0) / c.images;
      const patches = last.reduce((a, r) => a + r.patches.patch.length, 0) / c.images;
      const fIps = (1000 * c.images) / fwd, eIps = (1000 * c.images) / ext;
      process.stdout.write(`  ${(c.name + (method ? ` (${method})` : '')).padEnd(14)} ${String(c.images).padStart(6)}  ${fmt(fIps).padStart(13)}  ${fmt(eIps).padStart(13)}  ${fmt(fIps / eIps).padStart(5)}x  ` +
        `${fmt(stage('explain')).padStart(15)}  ${fmt(stage('patches')).padStart(7)}  ${fmt(stage('occlusion')).padStart(9)}  ${fmt(stage('scores')).padStart(6)}  ${patches.toFixed(2).padStart(11)}   (${note})\n`);
    } finally {
      split.dispose();
      model.dispose();
    }
  }
  if (wanted.includes('vgg-small') && (backend.name === 'wasm' || backend.name === 'cpu')) await benchDatasetRun(backend.name, backend.candidate);
}
