import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildVgg16, VGG16_ANALYSIS_LAYER } from '../../src/models/vgg16';
import { buildResnet50, RESNET50_ANALYSIS_LAYER } from '../../src/models/resnet50';
import { requireLayer } from '../../src/models/layers';

// Topology only (zero weights: no random draws, no forward passes): fast and exact for counts/shapes.
/** A zero-weight build for the enclosing describe, and the parameter count Keras reports for it. */
function zeroModel(build: () => tf.LayersModel, kerasName: string, params: number): () => tf.LayersModel {
  let model: tf.LayersModel;
  before(async () => { await tf.setBackend('cpu'); model = build(); });
  after(() => model.dispose());
  it(`has Keras ${kerasName}'s ${params.toLocaleString('en')} parameters`, () => {
    assert.equal(model.countParams(), params);
  });
  return () => model;
}

describe('models/vgg16', () => {
  const get = zeroModel(() => buildVgg16({ init: 'zeros' }), 'VGG16', 138_357_544);
  it('has Keras layer names and output shapes at the named layers', () => {
    const names = get().layers.map((l) => l.name);
    for (const n of ['block1_conv1', 'block1_conv2', 'block1_pool', 'block3_conv3', 'block5_conv3', 'block5_pool', 'flatten', 'fc1', 'fc2', 'predictions']) {
      assert.ok(names.includes(n), `missing layer ${n}`);
    }
    assert.deepEqual(requireLayer(get(), VGG16_ANALYSIS_LAYER).outputShape, [null, 7, 7, 512]);
    assert.deepEqual(requireLayer(get(), 'block4_conv3').outputShape, [null, 28, 28, 512]);
    assert.deepEqual(requireLayer(get(), 'fc2').outputShape, [null, 4096]);
    assert.deepEqual(get().outputs[0].shape, [null, 1000]);
    assert.deepEqual(get().inputs[0].shape, [null, 224, 224, 3]);
  });
  it("ends in softmax like Keras, or in logits on request", () => {
    const act = (m: tf.LayersModel) => (requireLayer(m, 'predictions').getConfig() as { activation: string }).activation;
    assert.equal(act(get()), 'softmax');
    const small = buildVgg16({ init: 'zeros', logits: true, classes: 3 });
    try {
      assert.equal(act(small), 'linear');
      assert.deepEqual(small.outputs[0].shape, [null, 3]);
    } finally { small.dispose(); }
  });
  it('rejects an unknown init', () => {
    assert.throws(() => buildVgg16({ init: 'ones' as 'zeros' }), /buildVgg16: init must be 'random' or 'zeros', got 'ones'/);
  });
});

describe('models/resnet50', () => {
  const get = zeroModel(() => buildResnet50({ init: 'zeros' }), 'ResNet50', 25_636_712);
  it('has Keras layer names and output shapes at the named layers', () => {
    const shape = (n: string) => requireLayer(get(), n).outputShape;
    assert.deepEqual(shape('conv1_pad'), [null, 230, 230, 3]);
    assert.deepEqual(shape('conv1_conv'), [null, 112, 112, 64]);
    assert.deepEqual(shape('pool1_pool'), [null, 56, 56, 64]);
    assert.deepEqual(shape('conv2_block1_0_conv'), [null, 56, 56, 256]);
    assert.deepEqual(shape('conv2_block3_out'), [null, 56, 56, 256]);
    assert.deepEqual(shape('conv3_block4_out'), [null, 28, 28, 512]);
    assert.deepEqual(shape('conv4_block6_out'), [null, 14, 14, 1024]);
    assert.deepEqual(shape(RESNET50_ANALYSIS_LAYER), [null, 7, 7, 2048]);
    assert.deepEqual(shape('avg_pool'), [null, 2048]);
    assert.deepEqual(get().outputs[0].shape, [null, 1000]);
    // 1 stem + 16 bottleneck blocks of 3 convs + 4 projection shortcuts + the dense layer
    assert.equal(get().layers.filter((l) => l.getClassName() === 'Conv2D').length, 1 + 16 * 3 + 4);
    assert.equal(get().layers.filter((l) => l.getClassName() === 'BatchNormalization').length, 1 + 16 * 3 + 4);
  });
  it('uses the Keras weight names (so converted Keras weights match by name)', () => {
    const names = get().weights.map((w) => w.originalName);
    for (const n of ['conv1_conv/kernel', 'conv1_conv/bias', 'conv1_bn/gamma', 'conv1_bn/moving_variance', 'conv5_block3_3_bn/beta', 'predictions/kernel']) {
      assert.ok(names.includes(n), `missing weight ${n}`);
    }
  });
});
