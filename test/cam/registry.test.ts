import * as assert from 'node:assert/strict';
import { registerCamMethod, getCamMethod, listCamMethods, unregisterCamMethod } from '../../src/cam/registry';
import type { CamMethodDef } from '../../src/cam/types';

const uniform: CamMethodDef = {
  name: 'test-uniform', description: 'all channels weight 1', usesGradients: false, weighting: 'channel',
  weights: (_a, _g, s) => new Float32Array(s.n * s.c).fill(1),
};

describe('cam/registry', () => {
  afterEach(() => { unregisterCamMethod('test-uniform'); });

  it('has the built-in methods', () => {
    assert.deepEqual(listCamMethods().slice(0, 5), ['gradcam', 'gradcam++', 'xgradcam', 'layercam', 'hirescam']);
    assert.equal(getCamMethod('gradcam').usesGradients, true);
  });

  it('an unknown name is an error listing the registered methods', () => {
    assert.throws(() => getCamMethod('scorecam'), /unknown CAM method 'scorecam'; known: gradcam, gradcam\+\+, xgradcam, layercam, hirescam/);
  });

  it('refuses duplicates unless override is set', () => {
    registerCamMethod('test-uniform', uniform);
    assert.equal(getCamMethod('test-uniform'), uniform);
    assert.throws(() => registerCamMethod('test-uniform', uniform), /already registered \(pass \{override: true\}/);
    assert.throws(() => registerCamMethod('gradcam', { ...uniform, name: 'gradcam' }), /'gradcam' is already registered/);
    const other = { ...uniform, description: 'v2' };
    registerCamMethod('test-uniform', other, { override: true });
    assert.equal(getCamMethod('test-uniform').description, 'v2');
  });

  it('validates the definition', () => {
    assert.throws(() => registerCamMethod('x', uniform), /def.name 'test-uniform' differs from the name 'x'/);
    assert.throws(() => registerCamMethod('', uniform), /non-empty string/);
    assert.throws(() => registerCamMethod('test-uniform', { ...uniform, weighting: 'pixel' as 'channel' }), /must be 'channel' or 'element', got pixel/);
    assert.throws(() => registerCamMethod('test-uniform', { ...uniform, weights: undefined as unknown as CamMethodDef['weights'] }), /weights\(acts, grads, shape\) function/);
  });
});
