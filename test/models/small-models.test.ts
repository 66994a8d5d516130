import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { getArchitecture, listArchitectures, registerArchitecture } from '../../src/models/registry';
import { buildVggSmall } from '../../src/models/vgg-small';
import { buildResnetSmall } from '../../src/models/resnet-small';
import { requireLayer } from '../../src/models/layers';
import { maxAbsDiff } from '../helpers';

describe('models/registry (vgg-small, resnet-small)', () => {
  before(async () => { await tf.setBackend('cpu'); });

  for (const name of ['vgg-small', 'resnet-small']) {
    it(`${name}: 28x28x1 in, 10 logits out (linear 'logits' layer), analysis layer 7x7 with >= 128 filters`, () => {
      const arch = getArchitecture(name);
      const m = arch.build({ seed: 1 });
      try {
        assert.deepEqual(m.inputs[0].shape, [null, 28, 28, 1]);
        assert.deepEqual(m.outputs[0].shape, [null, 10]);
        const logits = m.layers[m.layers.length - 1];
        assert.equal(logits.name, 'logits');
        assert.equal((logits.getConfig() as { activation: string }).activation, 'linear');
        const shape = requireLayer(m, arch.analysisLayer).outputShape as number[];
        assert.deepEqual(shape.slice(1, 3), [7, 7]);
        assert.ok(shape[3] >= 128, `analysis layer has ${shape[3]} filters`);
        assert.ok(m.countParams() < 1_000_000, `${m.countParams()} parameters`);
      } finally { m.dispose(); }
    });
    it(`${name}: the same seed gives the same weights, another seed different ones`, async () => {
      const build = (seed: number) => getArchitecture(name).build({ seed });
      const [a, b, c] = [build(5), build(5), build(6)];
      try {
        const wa = a.getWeights(), wb = b.getWeights(), wc = c.getWeights();
        let same = 0, diff = 0;
        for (let i = 0; i < wa.length; i++) {
          same = Math.max(same, maxAbsDiff(await wa[i].data(), await wb[i].data()));
          diff = Math.max(diff, maxAbsDiff(await wa[i].data(), await wc[i].data()));
        }
        assert.equal(same, 0);
        assert.ok(diff > 0.01);
      } finally { [a, b, c].forEach((m) => m.dispose()); }
    });
  }

  it('resnet-small has Keras ResNet block names, batch norm and projection shortcuts', () => {
    const m = buildResnetSmall();
    try {
      for (const n of ['conv1_conv', 'conv1_bn', 'conv1_relu', 'conv2_block1_0_conv', 'conv2_block1_1_conv', 'conv2_block1_1_bn',
        'conv2_block1_2_conv', 'conv2_block1_3_bn', 'conv2_block1_add', 'conv2_block1_out', 'conv3_block1_0_conv', 'conv3_block2_out', 'avg_pool']) {
        requireLayer(m, n);
      }
      assert.deepEqual(requireLayer(m, 'conv2_block1_out').outputShape, [null, 14, 14, 64]);
    } finally { m.dispose(); }
  });

  it('vgg-small has Keras VGG block names', () => {
    const m = buildVggSmall();
    try {
      for (const n of ['block1_conv1', 'block1_pool', 'block2_conv1', 'block2_pool', 'block3_conv1']) requireLayer(m, n);
    } finally { m.dispose(); }
  });

  it('vgg-small: global-average-pooling head by default, flatten on request', () => {
    const gap = buildVggSmall({ width: 0.25 }), flat = buildVggSmall({ width: 0.25, head: 'flatten' });
    try {
      assert.deepEqual(requireLayer(gap, 'global_pool').outputShape, [null, 32]);
      assert.deepEqual(requireLayer(flat, 'flatten').outputShape, [null, 7 * 7 * 32]);
      assert.throws(() => requireLayer(gap, 'flatten'), /has no layer named 'flatten'/);
    } finally { gap.dispose(); flat.dispose(); }
    assert.throws(() => buildVggSmall({ head: 'dense' as never }), /head must be 'gap' or 'flatten', got 'dense'/);
  });

  it('width scales filter counts; a bad width is refused', () => {
    const m = buildVggSmall({ width: 0.25 });
    try {
      assert.deepEqual(requireLayer(m, 'block3_conv1').outputShape, [null, 7, 7, 32]);
    } finally { m.dispose(); }
    assert.throws(() => buildVggSmall({ width: 0 }), /buildVggSmall: width must be > 0, got 0/);
    assert.throws(() => buildResnetSmall({ width: -1 }), /buildResnetSmall: width must be > 0, got -1/);
  });

  it('names the known architectures for an unknown name, and refuses duplicates', () => {
    assert.deepEqual(listArchitectures().filter((n) => n.endsWith('-small')), ['resnet-small', 'vgg-small']);
    assert.throws(() => getArchitecture('vgg17'), /unknown model architecture 'vgg17'; known: .*resnet-small.*vgg-small/);
    assert.throws(() => registerArchitecture(getArchitecture('vgg-small')), /already registered/);
  });

  it('requireLayer lists the valid layer names', () => {
    const m = buildVggSmall();
    try {
      assert.throws(() => requireLayer(m, 'block5_pool'), /has no layer named 'block5_pool'; its layers are: input, block1_conv1, block1_pool, .*logits/);
    } finally { m.dispose(); }
  });
});
