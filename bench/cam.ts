/**
 * Grad-CAM throughput: images per second at the paper's layers of VGG16 and
 * ResNet50 at 224x224 (random weights), and of the small Fashion-MNIST models, next to
 * forward-only throughput measured in the same run, on
 *   - plain wasm, this thread (tfjs 4.22 in Node: one thread, 128-bit SIMD);
 *   - a CamWorkerPool (one wasm backend per core, in worker threads);
 *   - wasm with the native addon (convolutions and matrix products on every core), and the same
 *     with one addon thread, for the scaling ratio.
 * Grad-CAM includes BN folding of the body, downloading maps, upsampling and normalising.
 *
 * When Debian's python3-torch and python3-torchvision are installed, PyTorch's Grad-CAM on the same
 * models (random weights, same protocol, both memory layouts, the faster one quoted) is measured
 * in the same run by bench/reference/pytorch_gradcam.py, as an outside reference.
 *
 * Environment: FILTERMINE_BENCH_REPS (timed repetitions, default 3), FILTERMINE_BENCH_MODELS
 * (comma-separated subset of vgg16,resnet50,vgg-small,resnet-small), FILTERMINE_BENCH_WASM=0
 * (skip the slow plain-wasm rows), FILTERMINE_BENCH_PYTORCH=0 (skip the PyTorch reference).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend';
import { loadNativeAddon } from '../src/backend/native';
import { splitModel } from '../src/graph/split';
import { explain, computeCamArrays } from '../src/cam/explain';
import { CamWorkerPool } from './cam-pool/pool';
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
  /**
   * Reference figures (img/s) measured when the native addon was planned: Grad-CAM with one-thread
   * tfjs-wasm and with PyTorch (CPU), the 200 GFLOP/s bound, and the forward pass's GFLOP per image.
   */
  reference?: { pytorch: number; wasm1: number; bound: number; gflop: number };
}

const CASES: Case[] = [
  { name: 'vgg16', build: () => buildVgg16(), layer: VGG16_ANALYSIS_LAYER, batch: 8, reference: { pytorch: 2.5, wasm1: 0.80, bound: 6.5, gflop: 30.9 } },
  { name: 'resnet50', build: () => buildResnet50(), layer: RESNET50_ANALYSIS_LAYER, batch: 8, reference: { pytorch: 15.9, wasm1: 2.4, bound: 24, gflop: 8.2 } },
  { name: 'vgg-small', build: () => buildVggSmall(), layer: VGG_SMALL_ANALYSIS_LAYER, batch: 128 },
  { name: 'resnet-small', build: () => buildResnetSmall(), layer: RESNET_SMALL_ANALYSIS_LAYER, batch: 128 },
];

const fmt = (x: number) => x.toFixed(x < 10 ? 2 : 1);

interface TorchRow { model: string; layout: string; fwd_img_s: number; cam_img_s: number; threads: number; torch: string }

/** PyTorch's Grad-CAM img/s on this machine for one model (the faster layout), or why not. */
function pytorchReference(model: string, reps: number): TorchRow[] | string {
  if (process.env.FILTERMINE_BENCH_PYTORCH === '0') return 'skipped (FILTERMINE_BENCH_PYTORCH=0)';
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'not installed (apt-get install python3-torch python3-torchvision)';
  const script = path.join(__dirname, '..', '..', 'bench', 'reference', 'pytorch_gradcam.py');
  const r = spawnSync('/usr/bin/python3', [script, '--threads', String(os.availableParallelism()), '--reps', String(reps), '--models', model], { encoding: 'utf8' });
  if (r.status !== 0) return `failed: ${(r.stderr || '').trim().split('\n').slice(-1)[0]}`;
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l) as TorchRow);
}

/** Runs the benchmark and prints medians and ratios. */
export async function run(): Promise<void> {
  const reps = Number(process.env.FILTERMINE_BENCH_REPS ?? 3);
  const wanted = (process.env.FILTERMINE_BENCH_MODELS ?? CASES.map((c) => c.name).join(',')).split(',');
  const withWasm = process.env.FILTERMINE_BENCH_WASM !== '0';
  const workers = os.availableParallelism();
  const native = loadNativeAddon();
  const nativeNote = 'error' in native ? `native addon unavailable (${native.error})` : `native addon ${native.addon.info().simd}, ${native.addon.info().threads} threads`;
  let peak: number | null = null;
  if (!('error' in native)) {
    const runs = [0, 1, 2].map(() => native.addon.peakGflops(2e7));
    peak = runs.sort((a, b) => a - b)[1];
  }
  process.stdout.write(`${workers} cores; ${nativeNote}${peak != null ? `, FMA peak ${peak.toFixed(0)} GFLOP/s (median of 3)` : ''}; reps ${reps}; load average at start ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  process.stdout.write('img/s medians (and img per CPU-second). fwd = model.predict; cam = Grad-CAM on the BN-folded split, incl. download, upsample to input size, normalise\n');
  for (const c of CASES.filter((k) => wanted.includes(k.name))) {
    const model = c.build();
    const [h, w, ch] = model.inputs[0].shape.slice(1) as number[];
    const rate = (t: { wall: number }) => c.batch / (t.wall / 1000);
    const show = (label: string, t: { wall: number; cpu: number }) => {
      const text = `${label} ${fmt(rate(t))} (${fmt(c.batch / (t.cpu / 1000))}/cpu-s)`;
      process.stdout.write(`  [${c.name}] ${text}\n`); // progress, in case a later step fails
      return text;
    };
    const measure = async (backend: 'wasm' | 'native') => {
      await selectBackend(backend);
      const images = tf.randomUniform([c.batch, h, w, ch], 0, 1, 'float32', 1) as tf.Tensor4D;
      try {
        const fwd = await timeWithCpu(() => tf.tidy(() => (model.predict(images, { batchSize: c.batch }) as tf.Tensor).dataSync()), reps);
        const split = splitModel(model, c.layer, { foldBatchNorm: true });
        const fwdFolded = await timeWithCpu(() => computeCamArrays(split, images, { gradients: false }), reps);
        const cam = await timeWithCpu(() => explain(split, images, { batchSize: c.batch }), reps);
        let cam1: { wall: number; cpu: number } | null = null;
        if (backend === 'native' && !('error' in native) && workers > 1) {
          native.addon.setThreads(1);
          cam1 = await timeWithCpu(() => explain(split, images, { batchSize: c.batch }), reps);
          native.addon.setThreads(0);
        }
        split.dispose();
        return { fwd, fwdFolded, cam, cam1, images };
      } catch (e) {
        images.dispose();
        throw e;
      }
    };
    const lines: string[] = [`${c.name} batch ${c.batch}`];
    let wasmCam: number | null = null;
    if (withWasm) {
      const r = await measure('wasm');
      lines.push(`  wasm, 1 thread      : ${show('fwd', r.fwd)}, ${show('fwd folded', r.fwdFolded)}, ${show('cam', r.cam)}`);
      wasmCam = rate(r.cam);
      const pool = await CamWorkerPool.start(model, c.layer, { workers });
      const fwdN = await timeWithCpu(() => pool.computeArrays(r.images, { gradients: false }), reps);
      const camN = await timeWithCpu(() => pool.explain(r.images), reps);
      await pool.close();
      r.images.dispose();
      lines.push(`  wasm, ${workers} workers     : ${show('fwd', fwdN)}, ${show('cam', camN)}`);
    }
    let nativeCam: number | null = null;
    if (!('error' in native)) {
      const r = await measure('native');
      r.images.dispose();
      nativeCam = rate(r.cam);
      lines.push(`  native, ${native.addon.info().threads} threads   : ${show('fwd', r.fwd)}, ${show('fwd folded', r.fwdFolded)}, ${show('cam', r.cam)}` +
        (r.cam1 ? `; cam with 1 thread ${fmt(rate(r.cam1))} (x${(r.cam1.wall / r.cam.wall).toFixed(2)} from the second core)` : ''));
    }
    model.dispose();
    if (c.reference) {
      const torch = pytorchReference(c.name, reps);
      if (typeof torch === 'string') {
        lines.push(`  PyTorch (this machine): ${torch}`);
      } else {
        const best = torch.reduce((a, b) => (b.cam_img_s > a.cam_img_s ? b : a));
        lines.push(`  PyTorch ${best.torch}, ${best.threads} threads (this machine): ${torch.map((t) => `${t.layout} fwd ${fmt(t.fwd_img_s)}, cam ${fmt(t.cam_img_s)}`).join('; ')}` +
          (nativeCam != null ? `\n  native cam vs PyTorch's faster layout here (${best.layout}, ${fmt(best.cam_img_s)}): x${(nativeCam / best.cam_img_s).toFixed(2)}` : ''));
      }
      const ref = c.reference;
      const vs = (label: string, v: number | null) => v == null ? '' :
        `  ${label} cam vs reference: tfjs-wasm-1-thread ${ref.wasm1} -> x${(v / ref.wasm1).toFixed(2)}; PyTorch ${ref.pytorch} -> x${(v / ref.pytorch).toFixed(2)}; 200 GFLOP/s bound ${ref.bound} -> x${(v / ref.bound).toFixed(2)}`;
      lines.push(vs('wasm  ', wasmCam), vs('native', nativeCam));
      if (peak != null && nativeCam != null) {
        const limit = peak / ref.gflop;
        lines.push(`  hardware limit: measured FMA peak ${peak.toFixed(0)} GFLOP/s / ${ref.gflop} GFLOP per image = ${fmt(limit)} img/s; native cam reaches ${(100 * nativeCam / limit).toFixed(0)}% of it`);
      }
    }
    process.stdout.write(`${lines.filter((l) => l.length).join('\n')}\n`);
  }
  await selectBackend('wasm');
  process.stdout.write(`load average at end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes on the cores make figures lower bounds)\n`);
}
