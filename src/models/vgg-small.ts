/**
 * VGG-small: a VGG-style network for 28x28x1 images (Fashion-MNIST), with Keras VGG16 layer names
 * so that the same code addresses layers in it and in the real VGG16 (see docs/method.md, stage 1).
 * Output: pre-softmax logits (layer `logits`, linear).
 *
 * The default head is global average pooling + one dense layer. With it, a class logit is a linear
 * function of the spatial means of the last convolution's channels, so Grad-CAM's channel weights are
 * exactly the dense weights (divided by the number of positions) and its map is the class activation
 * map: positive where the class evidence is. The older flatten head (`head: 'flatten'`) gives every
 * position its own weights; the spatially averaged Grad-CAM weights then often make the map
 * negative everywhere (all zero after ReLU).
 */
import * as tf from '@tensorflow/tfjs';
import { seededInitializers } from './init';
import { SMALL_MODEL_DEFAULTS, type SmallModelOptions } from './options';

/** Options of {@link buildVggSmall}. */
export interface VggSmallOptions extends SmallModelOptions {
  /** Classifier head: `gap` (global average pooling, the default) or `flatten`. */
  head?: 'gap' | 'flatten';
}

const defaults: Required<VggSmallOptions> = { ...SMALL_MODEL_DEFAULTS, head: 'gap' };

/** The layer whose filters the method analyses by default (7x7x128 for 28x28 input). */
export const VGG_SMALL_ANALYSIS_LAYER = 'block3_conv2';

/**
 * Builds VGG-small: block1_conv1(32) block1_pool, block2_conv1(64) block2_pool, block3_conv1(128),
 * block3_conv2(128), then `global_pool` (default) or `flatten`, then logits. About 15M multiply-adds per
 * 28x28 image (small enough to train on one wasm thread).
 * @param options see {@link VggSmallOptions}
 * @returns an uncompiled LayersModel named `vgg-small`
 * @throws if `width` is not positive or `head` is neither `gap` nor `flatten`
 */
export function buildVggSmall(options: VggSmallOptions = {}): tf.LayersModel {
  const o = { ...defaults, ...options };
  if (!(o.width > 0)) throw new Error(`buildVggSmall: width must be > 0, got ${o.width}`);
  if (o.head !== 'gap' && o.head !== 'flatten') throw new Error(`buildVggSmall: head must be 'gap' or 'flatten', got '${String(o.head)}'`);
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
  x = (o.head === 'gap'
    ? tf.layers.globalAveragePooling2d({ name: 'global_pool' })
    : tf.layers.flatten({ name: 'flatten' })).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({
    units: o.classes, activation: 'linear', name: 'logits', kernelInitializer: init.glorotUniform(),
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'vgg-small' });
}
