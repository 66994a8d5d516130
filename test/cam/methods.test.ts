import * as assert from 'node:assert/strict';
import { gradCam, gradCamPlusPlus, xGradCam, layerCam, hiResCam } from '../../src/cam/methods';
import { combineCam } from '../../src/cam/combine';
import type { CamMethodDef } from '../../src/cam/types';
import { assertArraysClose } from '../helpers';

// One image, 1x2 positions, 2 channels (NHWC): A[p0] = [1, 2], A[p1] = [3, 0];
// G[p0] = [0.5, -1], G[p1] = [1.5, 2].
const shape = { n: 1, h: 1, w: 2, c: 2 };
const acts = new Float32Array([1, 2, 3, 0]);
const grads = new Float32Array([0.5, -1, 1.5, 2]);

function cam(def: CamMethodDef): Float32Array {
  return combineCam(acts, def.weights(acts, grads, shape), def.weighting, shape);
}

describe('cam/methods', () => {
  it('Grad-CAM: w = spatial mean of the gradient = [1, 0.5]; cam = relu(A·w) = [2, 3]', () => {
    assertArraysClose(gradCam.weights(acts, grads, shape), [1, 0.5], 1e-7, 0);
    assertArraysClose(cam(gradCam), [2, 3], 1e-6, 0);
  });

  it('XGrad-CAM: w = sum(gA)/sum(A) = [1.25, -1]; cam = [relu(-0.75), 3.75]', () => {
    assertArraysClose(xGradCam.weights(acts, grads, shape), [1.25, -1], 1e-6, 0);
    assertArraysClose(cam(xGradCam), [0, 3.75], 1e-6, 0);
  });

  it('LayerCAM: element weights relu(g); cam = [0.5, 4.5]', () => {
    assertArraysClose(layerCam.weights(acts, grads, shape), [0.5, 0, 1.5, 2], 0, 0);
    assertArraysClose(cam(layerCam), [0.5, 4.5], 1e-6, 0);
  });

  it('HiResCAM: element weights g; cam = [relu(-1.5), 4.5]', () => {
    assertArraysClose(cam(hiResCam), [0, 4.5], 1e-6, 0);
  });

  it('Grad-CAM++: alpha = g²/(2g² + sum(A) g³ + eps), w = sum alpha·relu(g) = [0.3125, 1/3]', () => {
    // f0: sum A = 4; p0: 0.25/(0.5+0.5) * 0.5 = 0.125; p1: 2.25/(4.5+13.5) * 1.5 = 0.1875
    // f1: sum A = 2; p0: g < 0 -> 0; p1: 4/(8+16) * 2 = 1/3
    assertArraysClose(gradCamPlusPlus.weights(acts, grads, shape), [0.3125, 1 / 3], 1e-5, 0);
    assertArraysClose(cam(gradCamPlusPlus), [0.3125 + 2 / 3, 0.9375], 1e-5, 0);
  });

  it('weights are per image in a batch of two', () => {
    const s2 = { n: 2, h: 1, w: 2, c: 2 };
    const a2 = new Float32Array([...acts, ...acts.map((v) => 2 * v)]);
    const g2 = new Float32Array([...grads, ...grads.map((v) => -v)]);
    assertArraysClose(gradCam.weights(a2, g2, s2), [1, 0.5, -1, -0.5], 1e-7, 0);
    assertArraysClose(combineCam(a2, gradCam.weights(a2, g2, s2), 'channel', s2), [2, 3, 0, 0], 1e-6, 0);
  });

  it('gradient methods refuse null gradients; none modifies its inputs', () => {
    for (const def of [gradCam, gradCamPlusPlus, xGradCam, layerCam, hiResCam]) {
      assert.throws(() => def.weights(acts, null, shape), new RegExp(`'${def.name.replace(/[+]/g, '\\+')}' needs gradients`));
      const a0 = acts.slice(), g0 = grads.slice();
      def.weights(acts, grads, shape);
      assertArraysClose(acts, a0, 0, 0);
      assertArraysClose(grads, g0, 0, 0);
    }
  });
});
