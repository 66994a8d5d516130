import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertArraysClose } from '../../helpers';
import { maxAbs, randomValues, runOn, TOL } from '../cross-backend';
import { selectBackend } from '../../../src/backend';

type Shape4 = [number, number, number, number];
interface Case { x: Shape4; k: [number, number]; mult: number; strides: [number, number]; pad: 'same' | 'valid'; dilations?: [number, number] }

const cases: Case[] = [
  { x: [2, 7, 7, 3], k: [3, 3], mult: 1, strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 3], k: [3, 3], mult: 2, strides: [2, 2], pad: 'same' },
  { x: [2, 9, 8, 2], k: [3, 3], mult: 1, strides: [2, 2], pad: 'valid' },
  { x: [1, 9, 9, 4], k: [1, 1], mult: 3, strides: [2, 2], pad: 'same' },
  { x: [1, 12, 12, 2], k: [5, 5], mult: 1, strides: [2, 2], pad: 'same' },
];

/** A dilated case: the cpu backend ignores dilations in these two kernels, so it is checked by brute force. */
const dilated: Case = { x: [1, 9, 9, 2], k: [3, 3], mult: 2, strides: [1, 1], pad: 'same', dilations: [2, 2] };

/**
 * Brute force over plain arrays, from the forward definition
 * y[n,ho,wo,c*M+m] = sum_ij x[n, ho*sh + i*dh - top, wo*sw + j*dw - left, c] * w[i,j,c,m]:
 * returns dW = sum x*dy and dX = sum w*dy.
 */
function bruteForce(c: Case, x: Float32Array, w: Float32Array, dy: Float32Array, dyShape: Shape4, top: number, left: number) {
  const [n, h, wd, ch] = c.x, [, ho, wo] = dyShape, m = c.mult, [dh, dw] = c.dilations ?? [1, 1];
  const dW = new Float32Array(c.k[0] * c.k[1] * ch * m), dX = new Float32Array(x.length);
  for (let b = 0; b < n; b++) for (let r = 0; r < ho; r++) for (let q = 0; q < wo; q++)
    for (let i = 0; i < c.k[0]; i++) for (let j = 0; j < c.k[1]; j++) {
      const y = r * c.strides[0] + i * dh - top, z = q * c.strides[1] + j * dw - left;
      if (y < 0 || y >= h || z < 0 || z >= wd) continue;
      for (let k = 0; k < ch; k++) for (let mm = 0; mm < m; mm++) {
        const g = dy[((b * ho + r) * wo + q) * ch * m + k * m + mm], xi = ((b * h + y) * wd + z) * ch + k, wi = ((i * c.k[1] + j) * ch + k) * m + mm;
        dW[wi] += x[xi] * g;
        dX[xi] += w[wi] * g;
      }
    }
  return { dW, dX };
}

function geometry(c: Case) {
  const info = tf.backend_util.computeConv2DInfo(c.x, [c.k[0], c.k[1], c.x[3], c.mult], c.strides, c.dilations ?? 1, c.pad, undefined, true);
  return { dyShape: [c.x[0], info.outHeight, info.outWidth, c.x[3] * c.mult] as Shape4, filterShape: [c.k[0], c.k[1], c.x[3], c.mult] as Shape4 };
}

/** Both depthwise gradient kernels on `backend` against the brute-force reference, on seeded data. */
async function assertBruteForce(backend: 'wasm' | 'cpu', c: Case, seed: number): Promise<void> {
  const { dyShape, filterShape } = geometry(c);
  const info = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.strides, c.dilations ?? 1, c.pad, undefined, true);
  const xv = randomValues(c.x, seed), wv = randomValues(filterShape, seed + 1), dyv = randomValues(dyShape, seed + 2);
  const attrs = { strides: c.strides, dilations: c.dilations ?? 1, pad: c.pad } as unknown as tf.NamedAttrMap;
  const [dW, dX] = await runOn(backend, () => [
    tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: tf.tensor4d(xv, c.x), dy: tf.tensor4d(dyv, dyShape) }, { ...attrs, filterShape }) as tf.Tensor,
    tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: tf.tensor4d(dyv, dyShape), filter: tf.tensor4d(wv, filterShape) }, { ...attrs, inputShape: c.x }) as tf.Tensor,
  ]);
  const expected = bruteForce(c, xv, wv, dyv, dyShape, info.padInfo.top, info.padInfo.left);
  assertArraysClose(dW, expected.dW, 1e-4, 1e-4, 'dW');
  assertArraysClose(dX, expected.dX, 1e-4, 1e-4, 'dX');
}

describe('backend/wasm-kernels/depthwise-backprop', () => {
  before(async () => { await selectBackend('wasm'); });

  for (const [ci, c] of cases.entries()) {
    const label = `x [${c.x}], ${c.k[0]}x${c.k[1]}x${c.mult}, stride ${c.strides}, pad ${c.pad}, dilation ${c.dilations ?? 1}`;
    const attrs = (extra: object) => ({ strides: c.strides, dilations: c.dilations ?? 1, pad: c.pad, ...extra }) as unknown as tf.NamedAttrMap;

    it(`filter gradient matches the cpu backend: ${label}`, async () => {
      const { dyShape, filterShape } = geometry(c);
      const xv = randomValues(c.x, 20 + ci), dyv = randomValues(dyShape, 200 + ci);
      const f = () => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter,
        { x: tf.tensor4d(xv, c.x), dy: tf.tensor4d(dyv, dyShape) }, attrs({ filterShape })) as tf.Tensor;
      const before = tf.memory().numTensors;
      const [wasm] = await runOn('wasm', f);
      assert.equal(tf.memory().numTensors, before, 'tensor count grew');
      const [cpu] = await runOn('cpu', f);
      assertArraysClose(wasm, cpu, TOL * maxAbs(cpu), TOL, label);
    });

    it(`input gradient matches the cpu backend: ${label}`, async () => {
      const { dyShape, filterShape } = geometry(c);
      const wv = randomValues(filterShape, 30 + ci), dyv = randomValues(dyShape, 300 + ci);
      const f = () => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput,
        { dy: tf.tensor4d(dyv, dyShape), filter: tf.tensor4d(wv, filterShape) }, attrs({ inputShape: c.x })) as tf.Tensor;
      const before = tf.memory().numTensors;
      const [wasm] = await runOn('wasm', f);
      assert.equal(tf.memory().numTensors, before, 'tensor count grew');
      const [cpu] = await runOn('cpu', f);
      assertArraysClose(wasm, cpu, TOL * maxAbs(cpu), TOL, label);
    });
  }

  it(`both kernels match a brute-force sum with dilation 2 (x [${dilated.x}], 3x3x2, same)`, async () => {
    await assertBruteForce('wasm', dilated, 40);
  });

  it('brute force agrees with the cpu backend without dilation (so it is a valid reference)', async () => {
    await assertBruteForce('cpu', cases[1], 50);
  });

  it('tf.grad through depthwiseConv2d (input and filter) matches cpu', async () => {
    const xs: Shape4 = [2, 8, 8, 3], ws: Shape4 = [3, 3, 3, 2];
    const xv = randomValues(xs, 5), wv = randomValues(ws, 6);
    const f = () => tf.grads((x: tf.Tensor, w: tf.Tensor) =>
      tf.sum(tf.square(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'))))([tf.tensor4d(xv, xs), tf.tensor4d(wv, ws)]);
    const wasm = await runOn('wasm', f), cpu = await runOn('cpu', f);
    for (let i = 0; i < 2; i++) assertArraysClose(wasm[i], cpu[i], TOL * maxAbs(cpu[i]), TOL, `grad ${i}`);
  });
});
