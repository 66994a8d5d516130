import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertArraysClose } from '../../helpers';
import { randomValues, runOn } from '../cross-backend';
import { selectBackend } from '../../../src/backend';

describe('backend/wasm-kernels/unsorted-segment-sum', () => {
  before(async () => { await selectBackend('wasm'); });

  it('sums rows by segment id, with duplicates, empty segments and a dropped negative id (hand-computed)', async () => {
    const [out] = await runOn('wasm', () => tf.unsortedSegmentSum(
      tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]), tf.tensor1d([0, 2, 0, -1], 'int32'), 4));
    assert.deepEqual(Array.from(out), [6, 8, 0, 0, 3, 4, 0, 0]);
  });

  it('matches the cpu backend over a 4-D tensor', async () => {
    const xv = randomValues([12, 4, 2, 5], 1);
    const ids = [2, 0, 1, 2, 0, 0, 4, 1, 3, 2, 2, 0];
    const f = () => tf.unsortedSegmentSum(tf.tensor4d(xv, [12, 4, 2, 5]), tf.tensor1d(ids, 'int32'), 5);
    const before = tf.memory().numTensors;
    const [wasm] = await runOn('wasm', f);
    assert.equal(tf.memory().numTensors, before);
    const [cpu] = await runOn('cpu', f);
    assertArraysClose(wasm, cpu, 1e-5, 1e-5);
  });

  it('makes tf.gather differentiable on wasm', async () => {
    const f = () => tf.grad((p: tf.Tensor) => tf.sum(tf.mul(tf.gather(p, tf.tensor1d([0, 2, 2], 'int32')), tf.tensor2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]]))))(tf.ones([4, 3]));
    const [wasm] = await runOn('wasm', f);
    assert.deepEqual(Array.from(wasm), [1, 2, 3, 0, 0, 0, 11, 13, 15, 0, 0, 0]);
  });
});
