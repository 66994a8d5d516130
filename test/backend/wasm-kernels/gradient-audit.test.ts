/**
 * Every gradient on the Grad-CAM path (pooling, ReLU/ReLU6/LeakyReLU at exactly 0 and 6, padding
 * and cropping, global pooling, batch norm, dense, softmax, resizing), on wasm and native, against
 * the cpu backend, on inputs that expose tie and boundary rules: all zero, few distinct values,
 * ReLU-like (mostly zero) and random. Average pooling is also checked against an exact float64
 * reference of the gradient of tfjs's own forward pass.
 */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertArraysClose } from '../../helpers';
import { maxAbs, randomValues, runOn } from '../cross-backend';
import { selectBackend } from '../../../src/backend';
import { rng } from '../../../src/util/rng';

const SHAPE: [number, number, number, number] = [2, 5, 6, 4];
type Kind = 'zeros' | 'ties' | 'relu' | 'random';

function values(kind: Kind, seed: number): Float32Array {
  const n = SHAPE.reduce((a, b) => a * b, 1);
  if (kind === 'random') return randomValues(SHAPE, seed);
  const r = rng(seed);
  const out = new Float32Array(n);
  // 'ties' hits ReLU6's corners exactly: values in {-1, 0, 1, 6, 7}.
  for (let i = 0; i < n && kind !== 'zeros'; i++) out[i] = kind === 'ties' ? [-1, 0, 1, 6, 7][r.int(5)] : Math.max(0, r.next() - 0.6);
  return out;
}

/** A fixed upstream weight per output element, so every position of a gradient is distinct. */
function weighted(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.add(tf.mod(tf.range(0, y.size), 7), 1).reshape(y.shape)));
}

const GRADS: Record<string, (x: tf.Tensor4D) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  relu6: (x) => tf.relu6(x),
  leakyRelu: (x) => tf.leakyRelu(x, 0.2),
  maximumZero: (x) => tf.maximum(x, 0),
  'conv + bias + relu (fused)': (x) => tf.fused.conv2d({ x, filter: tf.ones([3, 3, 4, 2]), strides: 1, pad: 'same', bias: tf.zeros([2]), activation: 'relu' }),
  'conv + relu6 (fused), stride 2': (x) => tf.fused.conv2d({ x, filter: tf.ones([3, 3, 4, 2]), strides: 2, pad: 'same', activation: 'relu6' }),
  'maxPool 2/2 valid': (x) => tf.maxPool(x, 2, 2, 'valid'),
  'maxPool 3/2 same': (x) => tf.maxPool(x, 3, 2, 'same'),
  'avgPool 2/2 valid': (x) => tf.avgPool(x, 2, 2, 'valid'),
  'avgPool 3/1 same': (x) => tf.avgPool(x, 3, 1, 'same'),
  'zero padding': (x) => tf.pad(x, [[0, 0], [1, 2], [3, 0], [0, 0]]),
  cropping: (x) => tf.slice(x, [0, 1, 2, 0], [2, 3, 3, 4]),
  'global average pooling': (x) => tf.mean(x, [1, 2]),
  'global max pooling': (x) => tf.max(x, [1, 2]),
  'batch norm': (x) => tf.batchNorm(x, tf.tensor1d([0.5, 0, -1, 2]), tf.tensor1d([1, 2, 0.5, 4]), tf.tensor1d([0, 1, 0, -1]), tf.tensor1d([1, 1, 2, 0.5]), 1e-3),
  'flatten + dense': (x) => tf.matMul(tf.reshape(x, [2, -1]), tf.reshape(tf.range(0, 120 * 3), [120, 3]).div(100)),
  softmax: (x) => tf.softmax(tf.reshape(x, [2, -1])),
  // Square input: the cpu backend's ResizeBilinearGrad (tfjs 4.22) swaps height and width otherwise.
  'resize bilinear': (x) => tf.image.resizeBilinear(tf.slice(x, [0, 0, 0, 0], [2, 5, 5, 4]), [9, 11]),
  'add + relu': (x) => tf.relu(tf.add(x, tf.reverse(x, [2]))),
};

describe('backend/gradient audit: wasm and native against cpu on tie and boundary inputs', () => {
  after(async () => { await selectBackend('auto'); });

  for (const [name, op] of Object.entries(GRADS)) {
    it(name, async () => {
      for (const kind of ['zeros', 'ties', 'relu', 'random'] as Kind[]) {
        const xv = values(kind, name.length * 13);
        const g = () => tf.grad((x: tf.Tensor) => weighted(op(x as tf.Tensor4D)))(tf.tensor4d(xv, SHAPE));
        const [cpu] = await runOn('cpu', g);
        for (const b of ['wasm', 'native'] as const) {
          const [dx] = await runOn(b, g);
          // Float32 sums in another order: relative to the gradient's scale.
          assertArraysClose(dx, cpu, 1e-5 * Math.max(1, maxAbs(cpu)), 1e-5, `${name} on ${kind} input, ${b}`);
        }
      }
    });
  }
});

/** The exact gradient of sum(w * avgPool(x)) with tfjs's forward rule (divide by elements inside). */
function avgPoolGradReference(shape: number[], f: number, s: number, pad: 'same' | 'valid', w: (o: number) => number): Float64Array {
  const [n, h, wd, c] = shape;
  const info = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], f, s, 1, pad);
  const dx = new Float64Array(n * h * wd * c);
  for (let b = 0; b < n; b++) for (let r = 0; r < info.outHeight; r++) for (let q = 0; q < info.outWidth; q++) for (let d = 0; d < c; d++) {
    const cells: number[] = [];
    for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) {
      const y = r * s - info.padInfo.top + i, x = q * s - info.padInfo.left + j;
      if (y >= 0 && y < h && x >= 0 && x < wd) cells.push(((b * h + y) * wd + x) * c + d);
    }
    const o = ((b * info.outHeight + r) * info.outWidth + q) * c + d;
    for (const at of cells) dx[at] += w(o) / cells.length;
  }
  return dx;
}

describe('backend/AvgPoolGrad: the gradient of tfjs\'s AvgPool at padded edges', () => {
  after(async () => { await selectBackend('auto'); });

  const cases: Array<[number, number, 'same' | 'valid']> = [[3, 2, 'same'], [3, 1, 'same'], [2, 2, 'same'], [2, 2, 'valid'], [3, 3, 'same']];
  for (const [f, s, pad] of cases) {
    it(`filter ${f}, stride ${s}, ${pad}: cpu, wasm and native equal the float64 reference`, async () => {
      const xv = randomValues(SHAPE, f * 10 + s);
      const g = () => tf.grad((x: tf.Tensor) => weighted(tf.avgPool(x as tf.Tensor4D, f, s, pad)))(tf.tensor4d(xv, SHAPE));
      const ref = avgPoolGradReference(SHAPE, f, s, pad, (o) => (o % 7) + 1);
      for (const b of ['cpu', 'wasm', 'native'] as const) {
        const before = tf.memory().numTensors;
        const [dx] = await runOn(b, g);
        assert.equal(tf.memory().numTensors, before, `${b}: tensors leaked`);
        assertArraysClose(dx, ref, 1e-5, 1e-5, `${b} avgPool ${f}/${s} ${pad}`);
      }
    });
  }
});
