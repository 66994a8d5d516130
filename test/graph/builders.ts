/**
 * Test graph builders with Keras layer names and a configurable input size and width, so that the
 * real VGG16 / ResNet50 topologies can be exercised quickly (src/models builds them at 224x224
 * only). Weights are random but seeded; batch-norm statistics are randomised too, so that inference
 * mode (moving statistics) is actually exercised.
 */
import * as tf from '@tensorflow/tfjs';

type ST = tf.SymbolicTensor;

/** Options of the test builders. */
export interface TestNetOptions {
  /** Square input side. */
  inputSize?: number;
  /** Multiplier on filter counts (1 = the real network). */
  width?: number;
  /** Number of classes. */
  classes?: number;
  /** Final activation of `predictions`: 'softmax' (Keras) or 'linear'. */
  head?: 'softmax' | 'linear';
  /** Seed of the weights. */
  seed?: number;
}

const defaults: Required<TestNetOptions> = { inputSize: 64, width: 1, classes: 10, head: 'softmax', seed: 1 };

const BN_EPSILON = 1.001e-5;

/** ResNet50 (Keras names: conv1_pad ... conv5_block3_out, avg_pool, predictions). */
export function buildTestResnet50(options: TestNetOptions = {}): tf.LayersModel {
  const o = { ...defaults, ...options };
  const f = (n: number) => Math.max(1, Math.round(n * o.width));
  const input = tf.input({ shape: [o.inputSize, o.inputSize, 3], name: 'input_1' });
  let x = tf.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }).apply(input) as ST;
  x = tf.layers.conv2d({ filters: f(64), kernelSize: 7, strides: 2, name: 'conv1_conv' }).apply(x) as ST;
  x = tf.layers.batchNormalization({ axis: 3, epsilon: BN_EPSILON, name: 'conv1_bn' }).apply(x) as ST;
  x = tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }).apply(x) as ST;
  x = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pool1_pad' }).apply(x) as ST;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as ST;
  const stages: Array<[string, number, number, number]> = [['conv2', 64, 3, 1], ['conv3', 128, 4, 2], ['conv4', 256, 6, 2], ['conv5', 512, 3, 2]];
  for (const [name, filters, blocks, stride] of stages) {
    x = block(x, f(filters), stride, true, `${name}_block1`);
    for (let b = 2; b <= blocks; b++) x = block(x, f(filters), 1, false, `${name}_block${b}`);
  }
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as ST;
  const out = tf.layers.dense({ units: o.classes, activation: o.head, name: 'predictions' }).apply(x) as ST;
  const model = tf.model({ inputs: input, outputs: out, name: 'test_resnet50' });
  randomizeWeights(model, o.seed);
  return model;
}

function block(x: ST, filters: number, stride: number, convShortcut: boolean, name: string): ST {
  const conv = (n: number, k: number, s: number, suffix: string) =>
    tf.layers.conv2d({ filters: n, kernelSize: k, strides: s, padding: k === 1 ? 'valid' : 'same', name: `${name}_${suffix}` });
  const bn = (suffix: string) => tf.layers.batchNormalization({ axis: 3, epsilon: BN_EPSILON, name: `${name}_${suffix}` });
  const relu = (suffix: string) => tf.layers.activation({ activation: 'relu', name: `${name}_${suffix}` });
  let shortcut = x;
  if (convShortcut) shortcut = bn('0_bn').apply(conv(4 * filters, 1, stride, '0_conv').apply(x)) as ST;
  let y = relu('1_relu').apply(bn('1_bn').apply(conv(filters, 1, stride, '1_conv').apply(x))) as ST;
  y = relu('2_relu').apply(bn('2_bn').apply(conv(filters, 3, 1, '2_conv').apply(y))) as ST;
  y = bn('3_bn').apply(conv(4 * filters, 1, 1, '3_conv').apply(y)) as ST;
  y = tf.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as ST;
  return relu('out').apply(y) as ST;
}

/** VGG16 (Keras names: block1_conv1 ... block5_pool, flatten, fc1, fc2, predictions), as a Sequential. */
export function buildTestVgg16(options: TestNetOptions & { fc?: number } = {}): tf.Sequential {
  const o = { ...defaults, ...options };
  const f = (n: number) => Math.max(1, Math.round(n * o.width));
  const model = tf.sequential({ name: 'test_vgg16' });
  const blocks: Array<[number, number]> = [[2, 64], [2, 128], [3, 256], [3, 512], [3, 512]];
  blocks.forEach(([convs, filters], bi) => {
    for (let c = 1; c <= convs; c++) {
      model.add(tf.layers.conv2d({
        filters: f(filters), kernelSize: 3, padding: 'same', activation: 'relu', name: `block${bi + 1}_conv${c}`,
        ...(bi === 0 && c === 1 ? { inputShape: [o.inputSize, o.inputSize, 3] } : {}),
      }));
    }
    model.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${bi + 1}_pool` }));
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  const fc = options.fc ?? f(4096);
  model.add(tf.layers.dense({ units: fc, activation: 'relu', name: 'fc1' }));
  model.add(tf.layers.dense({ units: fc, activation: 'relu', name: 'fc2' }));
  model.add(tf.layers.dense({ units: o.classes, activation: o.head, name: 'predictions' }));
  randomizeWeights(model, o.seed);
  return model;
}

/**
 * Seeded He-normal kernels, small random biases, and random batch-norm gamma/beta/moving stats.
 * (Replaces the unseeded default initialisers.)
 */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
  let s = seed * 1000;
  for (const layer of model.layers) {
    const ws = layer.getWeights();
    if (!ws.length) continue;
    const isBn = layer.getClassName() === 'BatchNormalization';
    const names = layer.weights.map((v) => v.name);
    const fresh = tf.tidy(() => ws.map((w, i) => {
      s += 1;
      if (isBn) {
        if (/gamma|moving_variance/.test(names[i])) return tf.randomUniform(w.shape, 0.5, 1.5, 'float32', s);
        return tf.randomNormal(w.shape, 0, 0.2, 'float32', s); // beta, moving_mean
      }
      if (w.rank === 1) return tf.randomNormal(w.shape, 0, 0.05, 'float32', s);
      const fanIn = w.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      return tf.randomNormal(w.shape, 0, Math.sqrt(2 / fanIn), 'float32', s);
    }));
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

/** A seeded random image batch in [0, 1). */
export function randomImages(n: number, size: number, channels = 3, seed = 7): tf.Tensor4D {
  return tf.randomUniform([n, size, size, channels], 0, 1, 'float32', seed) as tf.Tensor4D;
}
