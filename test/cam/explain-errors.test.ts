/** explain() on failed calls: the error is clear and no tensor is left behind. */
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { explain } from '../../src/cam/explain';
import { classTarget, type CamTarget } from '../../src/cam/targets';
import { buildTinyCamModel } from './fixtures';
import { randomImages } from '../graph/builders';

describe('cam/explain: failed calls leak no tensors', () => {
  let model: tf.LayersModel;
  let x: tf.Tensor4D;
  before(async () => {
    await tf.setBackend('cpu');
    model = buildTinyCamModel();
    x = randomImages(5, 8, 2, 21);
  });
  after(() => { model.dispose(); x.dispose(); });

  const failing: Array<[string, CamTarget, RegExp]> = [
    ['a target that throws', () => { throw new Error('target failed'); }, /target failed/],
    ['classTarget(99)', classTarget(99), /class 99 is out of range for \d+ logits/],
    ['a mask of the wrong shape', (logits) => tf.ones([logits.shape[0], 2]) as tf.Tensor2D, /mask of shape \[\d+,\d+\] \(like the logits\), got shape \[\d+,2\]/],
  ];
  for (const [what, target, message] of failing) {
    for (const method of ['gradcam', 'gradcam++']) {
      it(`${what} (${method})`, async () => {
        const before = tf.memory().numTensors;
        await assert.rejects(explain({ model, layer: 'c2' }, x, { target, method, batchSize: 2 }), message);
        assert.equal(tf.memory().numTensors, before, 'tensors after the failed call');
      });
    }
  }
});
