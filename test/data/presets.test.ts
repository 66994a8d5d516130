import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertArraysClose } from '../helpers';
import { applyPreset, applyPresetToPixels, getPreset, listPresets, registerPreset } from '../../src/data/presets';
import { selectBackend } from '../../src/backend';

const PIXEL = [200, 100, 50]; // R, G, B

describe('data/presets', () => {
  before(async () => { await selectBackend('wasm'); });

  it("'caffe' reverses to BGR and subtracts the ImageNet mean on 0..255 (hand-computed)", () => {
    assertArraysClose(applyPresetToPixels(PIXEL, 'caffe'), [50 - 103.939, 100 - 116.779, 200 - 123.68], 1e-4);
  });

  it("'torch' scales to 0..1 and normalises with the ImageNet mean/std in RGB (hand-computed)", () => {
    assertArraysClose(applyPresetToPixels(PIXEL, 'torch'),
      [(200 / 255 - 0.485) / 0.229, (100 / 255 - 0.456) / 0.224, (50 / 255 - 0.406) / 0.225], 1e-5);
  });

  it("'unit' gives 0..1 RGB and 'tf' gives -1..1", () => {
    assertArraysClose(applyPresetToPixels([0, 255, 51], 'unit'), [0, 1, 0.2], 1e-6);
    assertArraysClose(applyPresetToPixels([0, 255, 127.5], 'tf'), [-1, 1, 0], 1e-6);
  });

  it('the tensor adapter equals the pure version and does not modify or dispose its input', async () => {
    const values = Array.from({ length: 2 * 2 * 3 * 3 }, (_, i) => (i * 37) % 256);
    const x = tf.tensor4d(values, [2, 2, 3, 3], 'int32');
    const before = tf.memory().numTensors;
    for (const p of listPresets()) {
      const y = applyPreset(x, p.name);
      assertArraysClose(await y.data(), applyPresetToPixels(values, p.name), 1e-4, 1e-5, p.name);
      y.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(Array.from(await x.data()), values);
    x.dispose();
  });

  it('an unknown preset name is an error listing the known presets', () => {
    assert.throws(() => getPreset('imagenet'), /unknown preprocessing preset 'imagenet'; known: caffe, (.*, )?tf, torch, unit/);
    assert.throws(() => applyPresetToPixels([1, 2, 3], 'nope'), /known: caffe/);
  });

  it('the registry refuses duplicates and invalid definitions, and stores a copy', () => {
    const def = { name: 'test-bgr01', description: 'test', channelOrder: 'bgr' as const, scale: 1 / 255, mean: [0, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] };
    registerPreset(def);
    assert.throws(() => registerPreset(def), /already registered/);
    def.mean[0] = 99; // must not reach the registered preset
    assertArraysClose(applyPresetToPixels([255, 0, 0], 'test-bgr01'), [0, 0, 1], 1e-6);
    assert.throws(() => registerPreset({ ...def, name: 'bad', std: [1, 0, 1] }), /std \(expected 3 positive numbers\) of preset 'bad' is invalid: \[1,0,1\]/);
    assert.throws(() => applyPresetToPixels([1, 2], 'unit'), /length a multiple of 3\), got length 2/);
  });
});
