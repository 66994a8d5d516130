/**
 * `npm run bench -- backend`: speed of the wasm backend (with filtermine's extra kernels) against
 * the plain cpu backend, measured in the same run, and of the Conv2DBackpropFilter formulations.
 *
 * 1. forward+backward (softmax cross-entropy, gradients of every weight) of a small VGG-style net on
 *    a batch of 16 Fashion-MNIST-sized images (28x28x1), and of one VGG block (two 3x3 convs, 64
 *    channels, max-pool) at 32x32, batch 2. The cpu backend is about 200 times slower here (its
 *    convolution gradients are plain JS loops), so it gets one timed run by default;
 * 2. Conv2DBackpropFilter alone: the registered wasm kernel (one correlation on the backend's
 *    convolution), the per-tap matmul formulation on wasm, and the cpu backend's kernel.
 * Medians of several runs after one warm-up; all inputs are seeded.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../src/backend';
import { conv2dFilterGradNhwc, conv2dFilterGradTaps, type FilterGradGeometry } from '../src/backend/wasm-kernels/conv2d-backprop-filter';
import { rng } from '../src/util/rng';
import { median, timeRuns } from './_timing';

type Shape4 = [number, number, number, number];

function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  const r = rng(seed);
  const v = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < v.length; i++) v[i] = scale * r.normal();
  return tf.tensor(v, shape);
}

/** VGG-style net for 28x28x1: [conv-conv-pool] x 3 with 32/64/128 filters, dense 128, dense 10. */
function vggSmall(): tf.LayersModel {
  const layers: tf.layers.Layer[] = [];
  [32, 64, 128].forEach((filters, stage) => {
    layers.push(tf.layers.conv2d({ ...(stage === 0 ? { inputShape: [28, 28, 1] } : {}), filters, kernelSize: 3, padding: 'same', activation: 'relu' }));
    layers.push(tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu' }));
    layers.push(tf.layers.maxPooling2d({ poolSize: 2 }));
  });
  layers.push(tf.layers.flatten(), tf.layers.dense({ units: 128, activation: 'relu' }), tf.layers.dense({ units: 10 }));
  return tf.sequential({ layers });
}

/** One VGG block at a larger resolution: conv 3x3 64 -> conv 3x3 64 -> max-pool, then GAP + dense. */
function vggBlock(size: number): tf.LayersModel {
  return tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [size, size, 64], filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }),
    tf.layers.maxPooling2d({ poolSize: 2 }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 10 }),
  ] });
}

/** Median ms of one forward+backward pass of `build()` on `backend`. */
async function trainStepMs(backend: 'wasm' | 'cpu', build: () => tf.LayersModel, input: Shape4, reps: number): Promise<number> {
  // wasm gets one untimed warm-up run (operator creation, layers' caches); the cpu backend, whose
  // runs take tens of seconds, does not (its first-run overhead is small against that).
  await selectBackend(backend);
  const model = build();
  const ws = model.weights.map((w, i) => seeded(w.shape as number[], 500 + i, 0.05));
  model.setWeights(ws);
  tf.dispose(ws);
  const x = seeded(input, 1);
  const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: input[0] }, (_, i) => i % 10), 'int32'), 10));
  const times = await timeRuns(async () => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
    await Promise.all(Object.values(grads).map((g) => g.data()));
    tf.dispose([value, ...Object.values(grads)]);
  }, reps, backend === 'wasm' ? 1 : 0);
  tf.dispose([x, labels]);
  model.dispose();
  return median(times);
}

async function compareTraining(name: string, build: () => tf.LayersModel, input: Shape4, repsWasm: number, repsCpu: number): Promise<void> {
  const wasm = await trainStepMs('wasm', build, input, repsWasm);
  const cpu = await trainStepMs('cpu', build, input, repsCpu);
  console.log(`${name.padEnd(44)} wasm ${wasm.toFixed(0).padStart(6)} ms   cpu ${cpu.toFixed(0).padStart(7)} ms   cpu/wasm ${(cpu / wasm).toFixed(1)}x`);
}

interface FilterCase { x: Shape4; k: number; cout: number; stride: number; cpu: boolean }

async function compareFilterGrad(c: FilterCase): Promise<void> {
  const info = tf.backend_util.computeConv2DInfo(c.x, [c.k, c.k, c.x[3], c.cout], c.stride, 1, 'same');
  const dyShape: Shape4 = [c.x[0], info.outHeight, info.outWidth, c.cout];
  const g: FilterGradGeometry = { strides: [c.stride, c.stride], dilations: [1, 1], padTop: info.padInfo.top, padLeft: info.padInfo.left, filterHeight: c.k, filterWidth: c.k };
  const attrs = { strides: c.stride, pad: 'same', dataFormat: 'NHWC', filterShape: [c.k, c.k, c.x[3], c.cout] } as unknown as tf.NamedAttrMap;
  const timeOn = async (backend: 'wasm' | 'cpu', f: (x: tf.Tensor4D, dy: tf.Tensor4D) => tf.Tensor, reps: number) => {
    await selectBackend(backend);
    const x = seeded(c.x, 2) as tf.Tensor4D, dy = seeded(dyShape, 3) as tf.Tensor4D;
    const t = median(await timeRuns(async () => { const r = tf.tidy(() => f(x, dy)); await r.data(); r.dispose(); }, reps, 1));
    tf.dispose([x, dy]);
    return t;
  };
  const kernel = await timeOn('wasm', (x, dy) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor, 3);
  const corr = await timeOn('wasm', (x, dy) => conv2dFilterGradNhwc(x, dy, g), 3);
  const taps = await timeOn('wasm', (x, dy) => conv2dFilterGradTaps(x, dy, g), 3);
  const cpu = c.cpu ? await timeOn('cpu', (x, dy) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as tf.Tensor, 1) : NaN;
  const macs = dyShape.reduce((a, b) => a * b, 1) * c.k * c.k * c.x[3];
  console.log(`x [${c.x}] ${c.k}x${c.k}/${c.stride} -> ${c.cout}`.padEnd(34) +
    ` kernel ${kernel.toFixed(0).padStart(5)} ms (${(2 * macs / kernel / 1e6).toFixed(1)} GFLOP/s)  taps ${taps.toFixed(0).padStart(6)} ms` +
    `  correlation ${corr.toFixed(0).padStart(5)} ms  cpu ${c.cpu ? cpu.toFixed(0).padStart(6) + ' ms' : '  (skipped)'}` +
    `  taps/kernel ${(taps / kernel).toFixed(1)}x` + (c.cpu ? `  cpu/kernel ${(cpu / kernel).toFixed(1)}x` : ''));
}

/** Sizes and repetitions of {@link runWith}. */
export interface BackendBenchOptions {
  /** Batch of the VGG-small pass. Default 16. */
  batch?: number;
  /** Side of the VGG block's input. Default 32. */
  blockSize?: number;
  /** Timed runs on wasm (after one warm-up). Default 5. */
  repsWasm?: number;
  /** Timed runs on cpu. Default 1. */
  repsCpu?: number;
  /** Run the two whole-network comparisons. Default true. */
  training?: boolean;
  /** Also time Conv2DBackpropFilter alone. Default true. */
  filterGrad?: boolean;
}

/** Runs the benchmark with explicit sizes (e.g. a quick check on a busy machine). */
export async function runWith(options: BackendBenchOptions = {}): Promise<void> {
  const { batch = 16, blockSize = 32, repsWasm = 5, repsCpu = 1, training = true, filterGrad = true } = options;
  if (training) {
    console.log(`forward+backward (softmax cross-entropy, all weight gradients), median of ${repsWasm} wasm / ${repsCpu} cpu runs:`);
    await compareTraining(`VGG-small (32/64/128), batch ${batch}, 28x28x1`, vggSmall, [batch, 28, 28, 1], repsWasm, repsCpu);
    await compareTraining(`VGG block (2x conv3x3 64, pool), batch 2, ${blockSize}x${blockSize}`, () => vggBlock(blockSize), [2, blockSize, blockSize, 64], repsWasm, repsCpu);
  }
  if (!filterGrad) return;
  console.log('\nConv2DBackpropFilter on wasm: registered kernel vs per-tap matmul vs cpu backend kernel:');
  const cases: FilterCase[] = [
    { x: [16, 28, 28, 32], k: 3, cout: 32, stride: 1, cpu: true },
    { x: [16, 14, 14, 64], k: 3, cout: 64, stride: 1, cpu: false },
    { x: [8, 56, 56, 128], k: 3, cout: 128, stride: 1, cpu: false },
    { x: [8, 112, 112, 3], k: 7, cout: 64, stride: 2, cpu: false },
    { x: [8, 28, 28, 256], k: 1, cout: 512, stride: 2, cpu: false },
  ];
  for (const c of cases) await compareFilterGrad(c);
  await selectBackend('wasm');
}

/** Runs the benchmark at its default sizes and prints one line per measurement. */
export async function run(): Promise<void> {
  await runWith();
}
