import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertArraysClose } from '../../helpers';
import { maxAbs, randomValues, runOn, TOL } from '../cross-backend';
import { selectBackend } from '../../../src/backend';
import { conv2dFilterGradNhwc, conv2dFilterGradTaps, type FilterGradGeometry } from '../../../src/backend/wasm-kernels/conv2d-backprop-filter';

/** Runs the kernel directly (tfjs does not export the op): dW of conv2d(x, W) given dy. */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number],
  strides: number | [number, number], pad: Pad, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): tf.Tensor4D {
  return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy },
    { filterShape, strides, pad, dataFormat } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case { x: [number, number, number, number]; k: [number, number]; cout: number; strides: [number, number]; pad: Pad }

/** tfjs' own output size for a case (so dy has the right shape). */
function outShape(c: Case): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.x, [c.k[0], c.k[1], c.x[3], c.cout], c.strides, 1, c.pad);
  return [c.x[0], info.outHeight, info.outWidth, c.cout];
}

/** Brute force over plain arrays: dW[i,j,ci,co] = sum x[n, ho*sh+i-top, wo*sw+j-left, ci] * dy[n,ho,wo,co]. */
function bruteForce(x: Float32Array, xs: number[], dy: Float32Array, ds: number[], k: [number, number],
  strides: [number, number], top: number, left: number, dilations: [number, number] = [1, 1]): Float32Array {
  const [n, h, w, cin] = xs, [, ho, wo, cout] = ds;
  const out = new Float32Array(k[0] * k[1] * cin * cout);
  for (let i = 0; i < k[0]; i++) for (let j = 0; j < k[1]; j++) for (let ci = 0; ci < cin; ci++) for (let co = 0; co < cout; co++) {
    let s = 0;
    for (let b = 0; b < n; b++) for (let r = 0; r < ho; r++) for (let q = 0; q < wo; q++) {
      const y = r * strides[0] + i * dilations[0] - top, z = q * strides[1] + j * dilations[1] - left;
      if (y < 0 || y >= h || z < 0 || z >= w) continue;
      s += x[((b * h + y) * w + z) * cin + ci] * dy[((b * ho + r) * wo + q) * cout + co];
    }
    out[((i * k[1] + j) * cin + ci) * cout + co] = s;
  }
  return out;
}

const cases: Case[] = [
  { x: [2, 7, 7, 3], k: [3, 3], cout: 4, strides: [1, 1], pad: 'same' },
  { x: [2, 7, 7, 3], k: [3, 3], cout: 4, strides: [2, 2], pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], cout: 5, strides: [2, 2], pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], cout: 5, strides: [1, 1], pad: 'valid' },
  { x: [2, 8, 9, 3], k: [3, 3], cout: 5, strides: [2, 2], pad: 'valid' },
  { x: [1, 9, 9, 6], k: [1, 1], cout: 8, strides: [1, 1], pad: 'valid' },
  { x: [1, 9, 9, 6], k: [1, 1], cout: 8, strides: [2, 2], pad: 'same' },
  { x: [1, 9, 9, 6], k: [1, 1], cout: 8, strides: [2, 2], pad: 'valid' },
  { x: [2, 16, 16, 3], k: [7, 7], cout: 4, strides: [2, 2], pad: 'same' },
  { x: [1, 15, 15, 3], k: [7, 7], cout: 4, strides: [2, 2], pad: 'valid' },
  { x: [1, 10, 11, 2], k: [3, 2], cout: 3, strides: [2, 1], pad: 'same' },
  { x: [1, 8, 8, 2], k: [5, 5], cout: 3, strides: [3, 3], pad: 'same' },
  { x: [2, 8, 7, 2], k: [3, 3], cout: 3, strides: [2, 2], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
];

describe('backend/wasm-kernels/conv2d-backprop-filter', () => {
  before(async () => { await selectBackend('wasm'); });

  for (const [ci, c] of cases.entries()) {
    const label = `x [${c.x}], ${c.k[0]}x${c.k[1]}, stride ${c.strides}, pad ${JSON.stringify(c.pad)}`;
    it(`matches the cpu backend: ${label}`, async () => {
      const dyShape = outShape(c);
      const xv = randomValues(c.x, 10 + ci), dyv = randomValues(dyShape, 100 + ci);
      const f = () => filterGrad(tf.tensor4d(xv, c.x), tf.tensor4d(dyv, dyShape),
        [c.k[0], c.k[1], c.x[3], c.cout], c.strides, c.pad);
      const before = tf.memory().numTensors;
      const [wasm] = await runOn('wasm', f);
      assert.equal(tf.memory().numTensors, before, 'tensor count grew');
      const [cpu] = await runOn('cpu', f);
      assertArraysClose(wasm, cpu, TOL * maxAbs(cpu), TOL, label);
    });
  }

  it('matches a brute-force sum with explicit asymmetric padding, stride 2', async () => {
    const c = cases[cases.length - 1];
    const dyShape = outShape(c);
    const xv = randomValues(c.x, 7), dyv = randomValues(dyShape, 8);
    const [wasm] = await runOn('wasm', () => filterGrad(tf.tensor4d(xv, c.x), tf.tensor4d(dyv, dyShape),
      [c.k[0], c.k[1], c.x[3], c.cout], c.strides, c.pad));
    const expected = bruteForce(xv, c.x, dyv, dyShape, c.k, c.strides, 1, 0);
    assertArraysClose(wasm, expected, 1e-4, 1e-4, 'brute force');
  });

  it('the per-tap matmul formulation agrees with the cpu backend too (stride 1 and 2, same and valid)', async () => {
    for (const [ci, c] of [cases[1], cases[4], cases[8], cases[12]].entries()) {
      const dyShape = outShape(c);
      const info = tf.backend_util.computeConv2DInfo(c.x, [c.k[0], c.k[1], c.x[3], c.cout], c.strides, 1, c.pad);
      const g: FilterGradGeometry = { strides: c.strides, dilations: [1, 1], padTop: info.padInfo.top, padLeft: info.padInfo.left, filterHeight: c.k[0], filterWidth: c.k[1] };
      const xv = randomValues(c.x, 60 + ci), dyv = randomValues(dyShape, 70 + ci);
      const [taps] = await runOn('wasm', () => conv2dFilterGradTaps(tf.tensor4d(xv, c.x), tf.tensor4d(dyv, dyShape), g));
      const [cpu] = await runOn('cpu', () => filterGrad(tf.tensor4d(xv, c.x), tf.tensor4d(dyv, dyShape), [c.k[0], c.k[1], c.x[3], c.cout], c.strides, c.pad));
      assertArraysClose(taps, cpu, TOL * maxAbs(cpu), TOL, `taps ${ci}`);
    }
  });

  it('dilated filters (dilation 2 with stride 1, and with stride 2 via the per-tap fallback) match a brute-force sum', async () => {
    const xs = [2, 11, 10, 3], k: [number, number] = [3, 3], cout = 4, top = 2, left = 1;
    for (const strides of [[1, 1], [2, 2]] as [number, number][]) {
      const ho = Math.floor((xs[1] + top + 1 - 5) / strides[0]) + 1, wo = Math.floor((xs[2] + left - 5) / strides[1]) + 1;
      const ds = [xs[0], ho, wo, cout];
      const xv = randomValues(xs, 80), dyv = randomValues(ds, 81);
      const g: FilterGradGeometry = { strides, dilations: [2, 2], padTop: top, padLeft: left, filterHeight: 3, filterWidth: 3 };
      const [wasm] = await runOn('wasm', () => conv2dFilterGradNhwc(tf.tensor4d(xv, xs as [number, number, number, number]), tf.tensor4d(dyv, ds as [number, number, number, number]), g));
      assertArraysClose(wasm, bruteForce(xv, xs, dyv, ds, k, strides, top, left, [2, 2]), 1e-4, 1e-4, `stride ${strides}`);
    }
  });

  it('is what tf.grad uses for conv2d on wasm (gradient of sum(conv(x, w)^2))', async () => {
    const xv = randomValues([2, 9, 9, 3], 1), wv = randomValues([3, 3, 3, 4], 2);
    const f = () => tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(tf.tensor4d(xv, [2, 9, 9, 3]), w as tf.Tensor4D, 2, 'same'))))(tf.tensor4d(wv, [3, 3, 3, 4]));
    const [wasm] = await runOn('wasm', f);
    const [cpu] = await runOn('cpu', f);
    assertArraysClose(wasm, cpu, TOL * maxAbs(cpu), TOL, 'grad');
  });

  it('supports NCHW inputs', async () => {
    const xs: [number, number, number, number] = [2, 3, 7, 7];
    const dyShape: [number, number, number, number] = [2, 4, 4, 4];
    const xv = randomValues(xs, 3), dyv = randomValues(dyShape, 4);
    const nhwc = await runOn('cpu', () => filterGrad(tf.transpose(tf.tensor4d(xv, xs), [0, 2, 3, 1]) as tf.Tensor4D,
      tf.transpose(tf.tensor4d(dyv, dyShape), [0, 2, 3, 1]) as tf.Tensor4D, [3, 3, 3, 4], 2, 'same'));
    const [wasm] = await runOn('wasm', () => filterGrad(tf.tensor4d(xv, xs), tf.tensor4d(dyv, dyShape), [3, 3, 3, 4], 2, 'same', 'NCHW'));
    assertArraysClose(wasm, nhwc[0], TOL * maxAbs(nhwc[0]), TOL, 'NCHW');
  });

  it('rejects a dy whose size does not fit the convolution', async () => {
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    assert.throws(() => tf.tidy(() => filterGrad(tf.zeros([1, 8, 8, 2]) as tf.Tensor4D, tf.zeros([1, 5, 5, 3]) as tf.Tensor4D,
      [3, 3, 2, 3], 2, 'same')), /dy is \[1,5,5,3\] but the convolution of \[1,8,8,2\] gives 4x4 outputs/);
    assert.equal(tf.memory().numTensors, before);
  });
});
