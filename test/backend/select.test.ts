import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, describeBackend, BACKEND_ENV_VAR } from '../../src/backend';
import { loadNativeAddon, nativeKernelsInstalled } from '../../src/backend/native';
import { skipOrFailInCI } from '../helpers';

/** Runs `fn` with FILTERMINE_BACKEND set to `value` (or unset), restoring it afterwards. */
async function withEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const saved = process.env[BACKEND_ENV_VAR];
  if (value === undefined) delete process.env[BACKEND_ENV_VAR]; else process.env[BACKEND_ENV_VAR] = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env[BACKEND_ENV_VAR]; else process.env[BACKEND_ENV_VAR] = saved;
  }
}

function installed(pkg: string): boolean {
  try { require.resolve(pkg); return true; } catch { return false; }
}

describe('backend/select', () => {
  after(async () => { await selectBackend('wasm'); });

  it("'wasm' activates the wasm backend and reports versions and what it tried", async () => {
    const info = await selectBackend('wasm');
    assert.equal(info.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(info.tried, [{ candidate: 'wasm', packageName: '@tensorflow/tfjs-backend-wasm', outcome: 'active' }]);
    assert.equal(info.versions.tfjs, tf.version_core);
    assert.match(info.versions.backend, /^\d+\.\d+\.\d+/);
    assert.match(describeBackend(info), /^backend wasm \(wasm 4\.\d+\.\d+, tfjs 4\.\d+\.\d+/);
  });

  it('registers the missing gradient kernels for wasm', async () => {
    await selectBackend('wasm');
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'UnsortedSegmentSum']) {
      assert.ok(tf.getKernel(k, 'wasm'), `${k} not registered`);
    }
  });

  it('is idempotent when called again (the same cached info, no new selection), and re-activates after a switch', async () => {
    const a = await selectBackend('wasm');
    const b = await selectBackend('wasm');
    assert.equal(b, a, 'the second call returns the first call\'s info object: nothing was tried again');
    await tf.setBackend('cpu');
    const c = await selectBackend('wasm');
    assert.equal(c, a);
    assert.equal(tf.getBackend(), 'wasm');
  });

  it("'cpu' activates the cpu backend", async () => {
    const info = await selectBackend('cpu');
    assert.equal(info.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
  });

  it("'auto' skips TensorFlow packages that are not installed and lands on wasm, with the native addon when built", async function () {
    if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) skipOrFailInCI(this, 'a TensorFlow package (tfjs-node or tfjs-node-gpu) is installed, and this test needs it absent');
    const info = await withEnv(undefined, () => selectBackend('auto'));
    assert.equal(info.name, 'wasm');
    const addonBuilt = !('error' in loadNativeAddon());
    if (process.env.CI === 'true') assert.ok(addonBuilt, 'CI builds the native addon');
    assert.deepEqual(info.tried.map((t) => `${t.candidate}:${t.outcome}`),
      ['tfjs-node-gpu:not installed', 'tfjs-node:not installed', ...(addonBuilt ? ['native:active'] : ['native:not installed', 'wasm:active'])]);
    assert.equal(nativeKernelsInstalled(), addonBuilt);
  });

  it("asking for 'tensorflow' when it is not installed names the packages, the install command and CUDA", async function () {
    if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) skipOrFailInCI(this, 'a TensorFlow package (tfjs-node or tfjs-node-gpu) is installed, and this test needs it absent');
    await selectBackend('wasm');
    await assert.rejects(selectBackend('tensorflow'), (e: Error) => {
      assert.match(e.message, /backend 'tensorflow' is not available/);
      assert.match(e.message, /npm install --save-exact @tensorflow\/tfjs-node@4\.22\.0/);
      assert.match(e.message, /npm install --save-exact @tensorflow\/tfjs-node-gpu@4\.22\.0/);
      assert.match(e.message, /CUDA 11\.2 and cuDNN 8\.1/);
      return true;
    });
    assert.equal(tf.getBackend(), 'wasm', 'a failed request must leave the active backend alone');
  });

  it('FILTERMINE_BACKEND replaces auto', async () => {
    const info = await withEnv('cpu', () => selectBackend());
    assert.equal(info.name, 'cpu');
    assert.equal(info.source, 'environment');
    assert.equal(info.requested, 'cpu');
  });

  it('an unknown name, in the argument or the environment, is an error listing the known names', async () => {
    await assert.rejects(selectBackend('webgl' as never), /selectBackend: name must be one of auto, tensorflow, native, wasm, cpu; got 'webgl'/);
    await assert.rejects(withEnv('gpu', () => selectBackend()),
      /environment variable FILTERMINE_BACKEND must be one of auto, tensorflow, native, wasm, cpu; got 'gpu'/);
  });
});
