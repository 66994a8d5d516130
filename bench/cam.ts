/**
 * Grad-CAM throughput (issue 4, acceptance 7): images per second at the paper's layers of VGG16 and
 * ResNet50 at 224x224 (random weights), and of the small Fashion-MNIST models, next to
 * forward-only throughput measured in the same run. Single thread (this thread's wasm backend)
 * versus a CamWorkerPool (one wasm worker per core).
 *
 * Environment: FILTERMINE_BENCH_REPS (timed repetitions, default 3), FILTERMINE_BENCH_MODELS
 * (comma-separated subset of vgg16,resnet50,vgg-small,resnet-small).
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend';
import { splitModel } from '../src/graph/split';
import { explain } from '../src/cam/explain';
import { CamWorkerPool } from '../src/cam/parallel';
import { buildVgg16, VGG16_ANALYSIS_LAYER } from '../src/models/vgg16';
import { buildResnet50, RESNET50_ANALYSIS_LAYER } from '../src/models/resnet50';
import { buildVggSmall, VGG_SMALL_ANALYSIS_LAYER } from '../src/models/vgg-small';
import { buildResnetSmall, RESNET_SMALL_ANALYSIS_LAYER } from '../src/models/resnet-small';
import { median } from './_timing';

/** Wall-clock and process CPU time (all threads, workers included) per run, in ms. */
async function timeWithCpu(fn: () => unknown, reps: number, warmup = 1): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const wall: number[] = [], cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

interface Case {
  name: string;
  build: () => tf.LayersModel;
  layer: string;
  batch: number;
  /** Issue 4 reference figures (img/s), Grad-CAM. */
  reference?: { pytorch: number; wasm1: number; bound: number };
}

const CASES: Case[] = [
  { name: 'vgg16', build: () => buildVgg16(), layer: VGG16_ANALYSIS_LAYER, batch: 8, reference: { pytorch: 2.5, wasm1: 0.80, bound: 6.5 } },
  { name: 'resnet50', build: () => buildResnet50(), layer: RESNET50_ANALYSIS_LAYER, batch: 8, reference: { pytorch: 15.9, wasm1: 2.4, bound: 24 } },
  { name: 'vgg-small', build: () => buildVggSmall(), layer: VGG_SMALL_ANALYSIS_LAYER, batch: 128 },
  { name: 'resnet-small', build: () => buildResnetSmall(), layer: RESNET_SMALL_ANALYSIS_LAYER, batch: 128 },
];

const fmt = (x: number) => x.toFixed(x < 10 ? 2 : 1);

/** Runs the benchmark and prints medians and ratios. */
export async function run(): Promise<void> {
  const reps = Number(process.env.FILTERMINE_BENCH_REPS ?? 3);
  const wanted = (process.env.FILTERMINE_BENCH_MODELS ?? CASES.map((c) => c.name).join(',')).split(',');
  const info = await selectBackend('wasm');
  const workers = os.availableParallelism();
  process.stdout.write(`backend ${info.name} (main thread), pool: ${workers} wasm workers; reps ${reps}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  process.stdout.write('img/s medians. fwd = forward only (model.predict, or body+head without gradient in the pool); cam = Grad-CAM incl. download, upsample to input size, normalise\n');
  for (const c of CASES.filter((k) => wanted.includes(k.name))) {
    const model = c.build();
    const [h, w, ch] = model.inputs[0].shape.slice(1) as number[];
    const images = tf.randomUniform([c.batch, h, w, ch], 0, 1, 'float32', 1) as tf.Tensor4D;
    // img/s by wall clock, and img per CPU-second (robust to other processes sharing the cores).
    const show = (label: string, t: { wall: number; cpu: number }) => {
      const text = `${label} ${fmt(c.batch / (t.wall / 1000))} (${fmt(c.batch / (t.cpu / 1000))}/cpu-s)`;
      process.stdout.write(`  [${c.name}] ${text}\n`); // progress, in case a later step fails
      return text;
    };
    const parts: string[] = [];
    const fwd1 = await timeWithCpu(() => tf.tidy(() => (model.predict(images, { batchSize: c.batch }) as tf.Tensor).dataSync()), reps);
    parts.push(show('fwd', fwd1));
    const split = splitModel(model, c.layer);
    const cam1 = await timeWithCpu(() => explain(split, images, { batchSize: c.batch }), reps);
    split.dispose();
    parts.push(show('cam', cam1));
    const foldedSplit = splitModel(model, c.layer, { foldBatchNorm: true });
    const cam1f = await timeWithCpu(() => explain(foldedSplit, images, { batchSize: c.batch }), reps);
    foldedSplit.dispose();
    parts.push(show('cam+fold', cam1f));
    const pool = await CamWorkerPool.start(model, c.layer, { workers });
    const fwdN = await timeWithCpu(() => pool.computeArrays(images, { gradients: false }), reps);
    const camN = await timeWithCpu(() => pool.explain(images), reps);
    await pool.close();
    images.dispose();
    model.dispose();
    const camRate = c.batch / (camN.wall / 1000);
    let line = `${c.name} batch ${c.batch}\n  1 thread : ${parts.join(', ')}\n  ${workers} workers (fold): ${show('fwd', fwdN)}, ${show('cam', camN)}; cam x${(cam1.wall / camN.wall).toFixed(2)} vs 1 thread`;
    if (c.reference) {
      const r = c.reference;
      line += `\n  cam vs issue 4: tfjs-wasm-1-thread ${r.wasm1} -> x${(camRate / r.wasm1).toFixed(2)}; PyTorch ${r.pytorch} -> ${(camRate / r.pytorch).toFixed(2)}; compute bound ${r.bound} -> ${(camRate / r.bound).toFixed(2)}`;
    }
    process.stdout.write(`${line}\n`);
  }
  process.stdout.write(`load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (2 cores shared with other processes: treat figures as lower bounds)\n`);
}
