/**
 * VGG-small: a VGG-style network for 28x28x1 images (Fashion-MNIST), with Keras VGG16 layer names
 * so that the same code addresses layers in it and in the real VGG16 (docs/method.md, Pipeline step 1).
 * Output: pre-softmax logits (layer `logits`, linear).
 */
import * as tf from '@tensorflow/tfjs';
import { seededInitializers } from './init';
import { SMALL_MODEL_DEFAULTS, type SmallModelOptions } from './options';

/** Options of {@link buildVggSmall}. */
export type VggSmallOptions = SmallModelOptions;

const defaults = SMALL_MODEL_DEFAULTS;

/** The layer whose filters the method analyses by default (7x7x128 for 28x28 input). */
export const VGG_SMALL_ANALYSIS_LAYER = 'block3_conv2';

/**
 * Builds VGG-small: block1_conv1(32) block1_pool, block2_conv1(64) block2_pool, block3_conv1(128),
 * block3_conv2(128), flatten, logits. About 15M multiply-adds per 28x28 image (small enough to train on one wasm
 * thread; the flatten + dense head converges in few epochs).
 * @param options see {@link VggSmallOptions}
 * @returns an uncompiled LayersModel named `vgg-small`
 * @throws if `width` is not positive
 */
export function buildVggSmall(options: VggSmallOptions = {}): tf.LayersModel {
  const o = { ...defaults, ...options };
  if (!(o.width > 0)) throw new Error(`buildVggSmall: width must be > 0, got ${o.width}`);
  const init = seededInitializers(o.seed);
  const f = (n: number) => Math.max(1, Math.round(n * o.width));
  const conv = (filters: number, name: string) => tf.layers.conv2d({
    filters: f(filters), kernelSize: 3, padding: 'same', activation: 'relu', name,
    kernelInitializer: init.heNormal(),
  });
  const pool = (name: string) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name });
  const input = tf.input({ shape: o.inputShape, name: 'input' });
  let x = conv(32, 'block1_conv1').apply(input) as tf.SymbolicTensor;
  x = pool('block1_pool').apply(x) as tf.SymbolicTensor;
  x = conv(64, 'block2_conv1').apply(x) as tf.SymbolicTensor;
  x = pool('block2_pool').apply(x) as tf.SymbolicTensor;
  x = conv(128, 'block3_conv1').apply(x) as tf.SymbolicTensor;
  x = conv(128, 'block3_conv2').apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({
    units: o.classes, activation: 'linear', name: 'logits', kernelInitializer: init.glorotUniform(),
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'vgg-small' });
}
