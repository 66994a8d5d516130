import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertArraysClose } from '../../helpers';
import { randomValues, runOn } from '../cross-backend';
import { correctedKernelNames, selectBackend } from '../../../src/backend';
import { maxPoolBackprop } from '../../../src/backend/wasm-kernels/max-pool-grad';
import { rng } from '../../../src/util/rng';

type Kind = 'zeros' | 'ties' | 'relu' | 'random' | 'nan';

/** Inputs that stress the tie rule: all zero, few distinct values, ReLU-like (mostly zero), distinct, with NaN. */
function values(shape: number[], kind: Kind, seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (kind === 'zeros') return new Float32Array(n);
  if (kind === 'random') return randomValues(shape, seed);
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r.next();
    out[i] = kind === 'ties' ? Math.floor(u * 3) - 1 : kind === 'relu' ? Math.max(0, u - 0.6) : (u < 0.2 ? NaN : u);
  }
  return out;
}

/** (filter, stride, pad) cases: non-overlapping, overlapping, 'same' with partial windows at the edges. */
const GEOMETRIES: Array<[number, number, 'valid' | 'same']> = [
  [2, 2, 'valid'], [3, 2, 'same'], [2, 1, 'same'], [3, 1, 'valid'], [2, 2, 'same'], [3, 3, 'same'],
];
const SHAPE: [number, number, number, number] = [2, 5, 7, 3];

/** dx of sum(maxPool(x) * w) for a fixed upstream weight w, so each window's gradient is distinct. */
function poolGrad(xv: Float32Array, shape: [number, number, number, number], f: number, s: number, pad: 'valid' | 'same'): () => tf.Tensor {
  return () => {
    const x = tf.tensor4d(xv, shape);
    const outShape = tf.maxPool(x, f, s, pad).shape;
    const w = tf.add(tf.range(0, outShape.reduce((a, b) => a * b, 1)).reshape(outShape), 1);
    return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, f, s, pad), w)))(x);
  };
}

describe('backend/wasm-kernels/max-pool-grad', () => {
  after(async () => { await selectBackend('auto'); });

  it('is among the corrected kernels', () => {
    assert.ok(correctedKernelNames().includes(tf.MaxPoolGrad));
  });

  it('sends the gradient of a 4x4x8 all-zero input to one element per window: sum 32 on every backend', async () => {
    const f = () => tf.grad((x: tf.Tensor) => tf.sum(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')))(tf.zeros([1, 4, 4, 8]) as tf.Tensor4D);
    for (const b of ['cpu', 'wasm', 'native'] as const) {
      const [dx] = await runOn(b, f);
      assert.equal(dx.reduce((a, v) => a + v, 0), 32, `${b}: sum of dx`);
      // The first element of each 2x2 window (row-major) gets it: rows 0 and 2, columns 0 and 2.
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) {
        assert.equal(dx[(r * 4 + c) * 8], r % 2 === 0 && c % 2 === 0 ? 1 : 0, `${b}: dx at (${r}, ${c})`);
      }
    }
  });

  it('pure core: ties go to the first maximum, padding never wins (hand-computed)', () => {
    // One channel, 3x3 input, 2x2 windows with stride 1 and 'same' padding (pad bottom/right).
    const x = [1, 1, 0, 0, 1, 2, 2, 2, 2];
    const info = tf.backend_util.computePool2DInfo([1, 3, 3, 1], 2, 1, 1, 'same');
    const dx = new Float32Array(9);
    maxPoolBackprop(x, new Float32Array(9).fill(1), dx, info);
    // Windows (top-left corner): (0,0) {1,1,0,1} -> (0,0); (0,1) {1,0,1,2} -> (1,2); (0,2) {0,2} -> (1,2);
    // (1,0) {0,1,2,2} -> (2,0); (1,1) {1,2,2,2} -> (1,2); (1,2) {2,2} -> (1,2);
    // (2,0) {2,2} -> (2,0); (2,1) {2,2} -> (2,1); (2,2) {2} -> (2,2).
    assert.deepEqual(Array.from(dx), [1, 0, 0, 0, 0, 4, 2, 1, 1]);
  });

  for (const kind of ['zeros', 'ties', 'relu', 'random', 'nan'] as Kind[]) {
    it(`matches the cpu backend on ${kind} inputs for every stride and padding (wasm and native)`, async () => {
      for (const [f, s, pad] of GEOMETRIES) {
        const g = poolGrad(values(SHAPE, kind, 11 + f * 7 + s), SHAPE, f, s, pad);
        const [cpu] = await runOn('cpu', g);
        for (const b of ['wasm', 'native'] as const) {
          const before = tf.memory().numTensors;
          const [dx] = await runOn(b, g);
          assert.equal(tf.memory().numTensors, before, `${b}: tensors leaked`);
          assertArraysClose(dx, cpu, 0, 0, `${b} ${kind} filter ${f} stride ${s} ${pad}`);
        }
      }
    });
  }

  it('stays in place when the backend is switched between native and wasm', async () => {
    const g = poolGrad(values([1, 4, 4, 2], 'zeros', 0), [1, 4, 4, 2], 2, 2, 'valid');
    for (const b of ['native', 'wasm', 'native', 'wasm'] as const) {
      const [dx] = await runOn(b, g);
      assert.equal(dx.reduce((a, v) => a + v, 0), 36, `after selecting ${b}: every window passes its weight (1..8) on`);
    }
  });
});
