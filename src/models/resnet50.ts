/**
 * The ResNet50 topology (He et al. 2016) exactly as Keras' `tf.keras.applications.ResNet50`
 * builds it (include_top=True), with the same layer names and weight order, so Keras weights
 * converted with `tensorflowjs_converter` load into it. The paper analyses `conv5_block3_out`
 * (docs/method.md, Pipeline step 1).
 */
import * as tf from '@tensorflow/tfjs';
import { seededInitializers, zeroInitializers, type SeededInitializers } from './init';
import { IMAGENET_MODEL_DEFAULTS, type ImagenetModelOptions } from './options';

/** Options of {@link buildResnet50}. */
export type Resnet50Options = ImagenetModelOptions;

const defaults = IMAGENET_MODEL_DEFAULTS;

/** The layer the paper analyses in ResNet50 (7x7x2048). */
export const RESNET50_ANALYSIS_LAYER = 'conv5_block3_out';

const BN_EPSILON = 1.001e-5; // as in keras.applications.resnet

type ST = tf.SymbolicTensor;

/** Keras `resnet.block1`: a bottleneck block, with a projection shortcut when `convShortcut`. */
function block1(x: ST, filters: number, stride: number, convShortcut: boolean, name: string, init: SeededInitializers): ST {
  const conv = (n: number, k: number, s: number, suffix: string, padding: 'valid' | 'same' = 'valid') =>
    tf.layers.conv2d({ filters: n, kernelSize: k, strides: s, padding, name: `${name}_${suffix}`, kernelInitializer: init.glorotUniform() });
  const bn = (suffix: string) => tf.layers.batchNormalization({ axis: 3, epsilon: BN_EPSILON, name: `${name}_${suffix}` });
  const relu = (suffix: string) => tf.layers.activation({ activation: 'relu', name: `${name}_${suffix}` });
  let shortcut = x;
  if (convShortcut) {
    shortcut = conv(4 * filters, 1, stride, '0_conv').apply(x) as ST;
    shortcut = bn('0_bn').apply(shortcut) as ST;
  }
  let y = conv(filters, 1, stride, '1_conv').apply(x) as ST;
  y = bn('1_bn').apply(y) as ST;
  y = relu('1_relu').apply(y) as ST;
  y = conv(filters, 3, 1, '2_conv', 'same').apply(y) as ST;
  y = bn('2_bn').apply(y) as ST;
  y = relu('2_relu').apply(y) as ST;
  y = conv(4 * filters, 1, 1, '3_conv').apply(y) as ST;
  y = bn('3_bn').apply(y) as ST;
  y = tf.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as ST;
  return relu('out').apply(y) as ST;
}

/** Keras `resnet.stack1`. */
function stack1(x: ST, filters: number, blocks: number, stride1: number, name: string, init: SeededInitializers): ST {
  x = block1(x, filters, stride1, true, `${name}_block1`, init);
  for (let i = 2; i <= blocks; i++) x = block1(x, filters, 1, false, `${name}_block${i}`, init);
  return x;
}

/**
 * Builds ResNet50 for 224x224x3 input: conv1_pad, conv1_conv, conv1_bn, conv1_relu, pool1_pad,
 * pool1_pool, conv2_block1 .. conv5_block3 (`*_out`), avg_pool, predictions.
 * 25,636,712 parameters.
 * @param options see {@link Resnet50Options}
 * @returns an uncompiled LayersModel named `resnet50` with random (seeded) weights
 */
export function buildResnet50(options: Resnet50Options = {}): tf.LayersModel {
  const o = { ...defaults, ...options };
  if (o.init !== 'random' && o.init !== 'zeros') throw new Error(`buildResnet50: init must be 'random' or 'zeros', got '${String(o.init)}'`);
  const init = o.init === 'zeros' ? zeroInitializers() : seededInitializers(o.seed);
  const input = tf.input({ shape: [224, 224, 3], name: 'input_1' });
  let x = tf.layers.zeroPadding2d({ padding: [[3, 3], [3, 3]], name: 'conv1_pad' }).apply(input) as ST;
  x = tf.layers.conv2d({ filters: 64, kernelSize: 7, strides: 2, name: 'conv1_conv', kernelInitializer: init.glorotUniform() }).apply(x) as ST;
  x = tf.layers.batchNormalization({ axis: 3, epsilon: BN_EPSILON, name: 'conv1_bn' }).apply(x) as ST;
  x = tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }).apply(x) as ST;
  x = tf.layers.zeroPadding2d({ padding: [[1, 1], [1, 1]], name: 'pool1_pad' }).apply(x) as ST;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as ST;
  x = stack1(x, 64, 3, 1, 'conv2', init);
  x = stack1(x, 128, 4, 2, 'conv3', init);
  x = stack1(x, 256, 6, 2, 'conv4', init);
  x = stack1(x, 512, 3, 2, 'conv5', init);
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as ST;
  const out = tf.layers.dense({
    units: o.classes, activation: o.logits ? 'linear' : 'softmax', name: 'predictions',
    kernelInitializer: init.glorotUniform(),
  }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: 'resnet50' });
}
