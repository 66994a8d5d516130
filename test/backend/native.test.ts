/**
 * The native addon's kernels against the cpu backend (the reference) and against the wasm kernels
 * they replace: convolutions over every code path of the implicit-im2col product (pointwise,
 * strided, dilated, padded, K split into blocks, edge tiles in M and N), matrix products (the
 * few-rows path, both B layouts, the blocked path, batches and broadcasting), fused epilogues,
 * fallbacks, thread-count invariance, heap bounds and tensor discipline.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend';
import { loadNativeAddon, nativeKernelsInstalled, nativeKernelCounts, type NativeAddon } from '../../src/backend/native';
import { randomValues, runOn, maxAbs, TOL } from './cross-backend';
import { assertArraysClose, maxAbsDiff, skipOrFailInCI } from '../helpers';
import { buildVggSmall } from '../../src/models/vgg-small';
import { buildResnetSmall, RESNET_SMALL_ANALYSIS_LAYER } from '../../src/models/resnet-small';
import { explain } from '../../src/cam/explain';
import { splitModel, activationsAt } from '../../src/graph/split';
import { buildTestResnet50, randomizeWeights } from '../graph/builders';

/** |native - cpu| <= TOL * (max|cpu| + |cpu|) elementwise (the cross-backend tolerance). */
function assertAgree(native: Float32Array, reference: Float32Array, what: string): void {
  assertArraysClose(native, reference, TOL * maxAbs(reference), TOL, what);
}

interface ConvCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  dilations?: number | [number, number];
  activation?: 'linear' | 'relu' | 'relu6' | 'leakyrelu';
  bias?: boolean;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 11, 3], f: [3, 3, 3, 5], strides: 1, pad: 'same' },                       // Cin 3, N < NR
  { x: [3, 8, 8, 16], f: [1, 1, 16, 33], strides: 1, pad: 'valid', bias: true },          // pointwise, N edge
  { x: [2, 9, 9, 16], f: [1, 1, 16, 40], strides: 2, pad: 'valid', activation: 'relu', bias: true }, // 1x1 stride 2
  { x: [2, 15, 13, 64], f: [3, 3, 64, 70], strides: 1, pad: 'same', activation: 'relu', bias: true }, // K 576: 3 blocks
  { x: [1, 17, 17, 8], f: [7, 7, 8, 12], strides: 2, pad: 'same', activation: 'relu6', bias: true },
  { x: [2, 12, 12, 6], f: [3, 3, 6, 9], strides: 1, pad: 'valid', dilations: 2, activation: 'leakyrelu', bias: true },
  { x: [1, 10, 7, 5], f: [2, 3, 5, 4], strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] }, // explicit, odd
  { x: [4, 7, 7, 130], f: [3, 3, 130, 64], strides: 1, pad: 'same', bias: true },         // Cin not a multiple of 8
  { x: [2, 30, 27, 6], f: [7, 7, 6, 8], strides: 2, pad: 'same', bias: true },             // merged tap runs across K blocks
  { x: [1, 13, 13, 3], f: [5, 5, 3, 7], strides: 1, pad: [[0, 0], [3, 1], [4, 2], [0, 0]] }, // runs clipped at both sides
];

interface MatMulCase {
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: boolean;
  activation?: 'linear' | 'relu' | 'relu6' | 'leakyrelu';
}

const MATMUL_CASES: MatMulCase[] = [
  { a: [8, 300], b: [300, 97], bias: true, activation: 'relu' },    // few rows, NN, N edge
  { a: [5, 257], b: [33, 257], transposeB: true },                   // few rows, NT, odd K and N
  { a: [1, 64], b: [64, 10], bias: true },                           // one row (a dense layer on one image)
  { a: [37, 300], b: [300, 70], bias: true, activation: 'leakyrelu' }, // blocked path
  { a: [300, 29], b: [31, 300], transposeA: true, transposeB: true },  // blocked, both transposed
  { a: [3, 13, 20], b: [3, 20, 7] },                                 // batch
  { a: [4, 20, 16], b: [16, 9] },                                    // b broadcast over the batch
  { a: [6, 8], b: [2, 8, 40] },                                      // a broadcast, few rows
];

describe('backend/native (addon kernels)', function () {
  this.timeout(120_000);
  let addon: NativeAddon;

  before(function () {
    const loaded = loadNativeAddon();
    // CI builds the addon, so there its absence is a failure; elsewhere it is optional.
    if ('error' in loaded) skipOrFailInCI(this, loaded.error);
    addon = (loaded as { addon: NativeAddon }).addon;
  });

  after(async () => {
    addon?.setThreads(0);
    await selectBackend('wasm');
  });

  it("'native' activates wasm with the addon's kernels; 'wasm' puts the wasm kernels back", async () => {
    const info = await selectBackend('native');
    assert.equal(info.name, 'wasm');
    assert.equal(info.candidate, 'native');
    assert.match(String(info.details.native), /^(avx512|avx2|simd128)$/);
    assert.ok(nativeKernelsInstalled());
    await selectBackend('wasm');
    assert.ok(!nativeKernelsInstalled());
    await selectBackend('native');
    assert.ok(nativeKernelsInstalled(), 'selecting native again (cached) must reinstall the kernels');
  });

  for (const [i, c] of CONV_CASES.entries()) {
    it(`conv ${i}: x [${c.x}] f [${c.f}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)} ${c.activation ?? 'linear'} agrees with cpu`, async () => {
      const xv = randomValues(c.x, 10 + i), fv = randomValues(c.f, 20 + i), bv = randomValues([c.f[3]], 30 + i);
      const run = () => {
        const x = tf.tensor4d(xv, c.x), f = tf.tensor4d(fv, c.f);
        return c.bias || c.activation
          ? tf.fused.conv2d({ x, filter: f, strides: c.strides, pad: c.pad, dilations: c.dilations ?? 1,
            bias: c.bias ? tf.tensor1d(bv) : undefined, activation: c.activation ?? 'linear', leakyreluAlpha: 0.1 })
          : tf.conv2d(x, f, c.strides, c.pad, 'NHWC', c.dilations ?? 1);
      };
      const before = tf.memory().numTensors;
      const calls = nativeKernelCounts();
      const [native] = await runOn('native', run);
      assert.equal(tf.memory().numTensors, before, 'tensor count changed');
      assert.deepEqual([nativeKernelCounts().native, nativeKernelCounts().fallback], [calls.native + 1, calls.fallback], 'the addon did not compute it');
      const [wasm] = await runOn('wasm', run);
      const [cpu] = await runOn('cpu', run);
      assertAgree(native, cpu, 'native vs cpu');
      assertAgree(wasm, cpu, 'wasm vs cpu (the reference check itself)');
    });
  }

  for (const [i, c] of MATMUL_CASES.entries()) {
    it(`matmul ${i}: a [${c.a}]${c.transposeA ? 'ᵀ' : ''} b [${c.b}]${c.transposeB ? 'ᵀ' : ''} agrees with cpu`, async () => {
      const av = randomValues(c.a, 40 + i), bv = randomValues(c.b, 50 + i);
      const n = c.transposeB ? c.b[c.b.length - 2] : c.b[c.b.length - 1];
      const biasv = randomValues([n], 60 + i);
      const run = () => {
        const a = tf.tensor(av, c.a), b = tf.tensor(bv, c.b);
        return c.bias || c.activation
          ? tf.fused.matMul({ a, b, transposeA: c.transposeA, transposeB: c.transposeB,
            bias: c.bias ? tf.tensor1d(biasv) : undefined, activation: c.activation ?? 'linear', leakyreluAlpha: 0.2 })
          : tf.matMul(a, b, c.transposeA, c.transposeB);
      };
      const calls = nativeKernelCounts();
      const [native] = await runOn('native', run);
      assert.deepEqual([nativeKernelCounts().native, nativeKernelCounts().fallback], [calls.native + 1, calls.fallback], 'the addon did not compute it');
      const [cpu] = await runOn('cpu', run);
      assertAgree(native, cpu, 'native vs cpu');
    });
  }

  for (const [i, c] of CONV_CASES.filter((k) => k.dilations == null).entries()) {
    it(`conv input gradient ${i}: x [${c.x}] f [${c.f}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)} agrees with cpu`, async () => {
      const xv = randomValues(c.x, 70 + i), fv = randomValues(c.f, 80 + i);
      const probe = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad);
      const dyShape = probe.shape;
      tf.dispose(probe);
      const dyv = randomValues(dyShape, 90 + i);
      const run = () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, tf.tensor4d(fv, c.f), c.strides, c.pad), tf.tensor(dyv, dyShape))))(tf.tensor4d(xv, c.x));
      const calls = nativeKernelCounts();
      const [native] = await runOn('native', run);
      assert.ok(nativeKernelCounts().native >= calls.native + 2, 'forward and input gradient in the addon');
      assert.equal(nativeKernelCounts().fallback, calls.fallback);
      const [cpu] = await runOn('cpu', run);
      assertAgree(native, cpu, 'dx native vs cpu');
    });
  }

  it('falls back to the wasm kernel for epilogues it does not have (sigmoid, prelu)', async () => {
    const xv = randomValues([1, 6, 6, 4], 1), fv = randomValues([3, 3, 4, 8], 2);
    const run = () => [
      tf.fused.conv2d({ x: tf.tensor4d(xv, [1, 6, 6, 4]), filter: tf.tensor4d(fv, [3, 3, 4, 8]), strides: 1, pad: 'same', activation: 'sigmoid' }),
      tf.fused.conv2d({ x: tf.tensor4d(xv, [1, 6, 6, 4]), filter: tf.tensor4d(fv, [3, 3, 4, 8]), strides: 1, pad: 'same',
        activation: 'prelu', preluActivationWeights: tf.fill([8], 0.25) }),
    ];
    const calls = nativeKernelCounts();
    const native = await runOn('native', run);
    assert.equal(nativeKernelCounts().fallback, calls.fallback + 2);
    const cpu = await runOn('cpu', run);
    assertAgree(native[0], cpu[0], 'sigmoid');
    assertAgree(native[1], cpu[1], 'prelu');
  });

  it('gives bit-identical results with 1 and 2 threads', async () => {
    const xv = randomValues([3, 20, 20, 32], 7), fv = randomValues([3, 3, 32, 48], 8);
    const av = randomValues([50, 200], 9), bv = randomValues([200, 60], 10);
    const run = () => [tf.conv2d(tf.tensor4d(xv, [3, 20, 20, 32]), tf.tensor4d(fv, [3, 3, 32, 48]), 1, 'same'),
      tf.matMul(tf.tensor2d(av, [50, 200]), tf.tensor2d(bv, [200, 60]))];
    addon.setThreads(1);
    const one = await runOn('native', run);
    addon.setThreads(2);
    const two = await runOn('native', run);
    addon.setThreads(0);
    assert.deepEqual(two, one);
  });

  it('a folded ResNet50 body (fused residual joins and stem padding) on native matches the unfolded body on cpu', async () => {
    const model = buildTestResnet50({ width: 1 / 16, inputSize: 32, seed: 6 });
    randomizeWeights(model, 6);
    const xv = randomValues([3, 32, 32, 3], 12);
    const body = async (backend: 'native' | 'cpu', fold: boolean) => {
      const split = splitModel(model, 'conv4_block2_out', { foldBatchNorm: fold });
      const [out] = await runOn(backend, () => activationsAt(split, tf.tensor4d(xv, [3, 32, 32, 3])).activation);
      split.dispose();
      return out;
    };
    const reference = await body('cpu', false);
    const calls = nativeKernelCounts();
    const native = await body('native', true);
    assert.ok(nativeKernelCounts().native - calls.native >= 16 + 9, 'convolutions and residual joins ran in the addon');
    assertAgree(native, reference, 'conv4_block2_out');
    model.dispose();
  });

  it('Identity shares memory instead of copying; disposing either tensor keeps the other intact and frees nothing early', async () => {
    await selectBackend('native');
    const before = tf.memory();
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a); // Identity
    assert.equal(tf.memory().numBytes - before.numBytes, 24, 'engine bookkeeping counts both tensors');
    a.dispose();
    assert.deepEqual(Array.from(await b.data()), [1, 2, 3]);
    const c = tf.clone(b);
    b.dispose();
    assert.deepEqual(Array.from(await c.data()), [1, 2, 3]);
    c.dispose();
    assert.equal(tf.memory().numTensors, before.numTensors);
    assert.equal((tf.memory() as { numDataBuffers: number }).numDataBuffers, (before as { numDataBuffers: number }).numDataBuffers, 'the shared buffer was freed once, at the end');
  });

  it('works on tensors that live on another backend when the kernel runs (moving them grows the wasm memory)', () => {
    // A fresh process: its wasm heap starts at 16 MB, so moving these inputs must grow it.
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { selectBackend } = require(${JSON.stringify(require.resolve('../../src/backend'))});
      (async () => {
        await selectBackend('cpu');
        const x = tf.randomUniform([4, 64, 64, 64], 0, 1, 'float32', 1), f = tf.randomUniform([3, 3, 64, 64], 0, 1, 'float32', 2);
        const a = tf.randomUniform([300, 4096], 0, 1, 'float32', 3), b = tf.randomUniform([4096, 300], 0, 1, 'float32', 4);
        const ref = [tf.conv2d(x, f, 1, 'same').sum().dataSync()[0], tf.matMul(a, b).sum().dataSync()[0]];
        await selectBackend('native');
        const got = [tf.conv2d(x, f, 1, 'same').sum().dataSync()[0], tf.matMul(a, b).sum().dataSync()[0]];
        process.stdout.write(JSON.stringify({ ref, got }));
      })().catch((e) => { process.stdout.write(JSON.stringify({ error: e.message })); });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.join(__dirname, '..', '..', '..') });
    const out = JSON.parse(r.stdout) as { ref?: number[]; got?: number[]; error?: string };
    assert.equal(out.error, undefined, out.error);
    // Sums of a million float32 values: the two backends reduce in different orders.
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(out.got![i] - out.ref![i]) <= 2e-3 * Math.abs(out.ref![i]), `${out.got![i]} vs ${out.ref![i]}`);
  });

  it('rejects an offset outside the heap with a RangeError naming it', () => {
    const heap = new ArrayBuffer(1024);
    assert.throws(() => addon.matmul(heap, new Float64Array([0, 512, -1, 4096, 1, 4, 4, 4, 0, 0, 0, 0, 0, 0])),
      (e: Error) => e instanceof RangeError && /matmul output at byte offset 4096 with 16 floats is outside the heap of 1024 bytes/.test(e.message));
    assert.throws(() => addon.conv2d(heap, new Float64Array(3)), /Float64Array of 21 parameters/);
  });

  it('a whole model (vgg-small, resnet-small) predicts as on cpu, and Grad-CAM maps agree with plain wasm', async () => {
    const vgg = buildVggSmall({ seed: 3 });
    const res = buildResnetSmall({ seed: 4 });
    const xv = randomValues([6, 28, 28, 1], 11).map((v) => Math.abs(v) / 3);
    for (const model of [vgg, res]) {
      const run = () => model.predict(tf.tensor4d(xv, [6, 28, 28, 1])) as tf.Tensor;
      const [native] = await runOn('native', run);
      const [cpu] = await runOn('cpu', run);
      assertAgree(native, cpu, `${model.name} logits`);
    }
    const maps: Float32Array[] = [];
    for (const backend of ['native', 'wasm'] as const) {
      await selectBackend(backend);
      const images = tf.tensor4d(xv, [6, 28, 28, 1]);
      const before = tf.memory().numTensors;
      const r = await explain({ model: res, layer: RESNET_SMALL_ANALYSIS_LAYER }, images, { batchSize: 4 });
      assert.equal(tf.memory().numTensors, before, `${backend}: tensor count changed by explain`);
      images.dispose();
      maps.push(Float32Array.from(r.explanations.flatMap((e) => Array.from(e.heatmap))));
    }
    const worst = maxAbsDiff(maps[0], maps[1]);
    assert.ok(worst < 2e-3, `Grad-CAM heatmaps (normalised to [0, 1]) differ by ${worst}`);
    vgg.dispose();
    res.dispose();
  });
});
