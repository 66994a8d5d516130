/**
 * The two architectures trained on the planted-parts benchmark (64x64 RGB input): a VGG-style
 * network with a global-average-pooling head and the ResNet-style network of `resnet-small` at
 * that input size. Layer names follow Keras VGG16 / ResNet50, as in the Fashion-MNIST models.
 */
import * as tf from '@tensorflow/tfjs';
import { seededInitializers } from './init';
import { buildResnetSmall } from './resnet-small';

/** Input shape of the planted-parts models. */
export const PARTS_INPUT_SHAPE: [number, number, number] = [64, 64, 3];

/** The layer the method analyses in `vgg-parts` (16x16x32 for 64x64 input). */
export const VGG_PARTS_ANALYSIS_LAYER = 'block3_conv2';

/** The layer the method analyses in `resnet-parts` (8x8x64 for 64x64 input). */
export const RESNET_PARTS_ANALYSIS_LAYER = 'conv3_block2_out';

/** Options of {@link buildVggParts}. */
export interface VggPartsOptions {
  /** Seed of the weight initialisation. Default 0. */
  seed?: number;
  /** Multiplier on every filter count. Default 1. */
  width?: number;
  /** Number of classes. Default 5. */
  classes?: number;
}

/**
 * Builds VGG-parts: block1_conv1(16) block1_pool, block2_conv1(32) block2_pool, block3_conv1(32),
 * block3_conv2(32), global average pooling, logits. About 9M multiply-adds per 64x64 image (small,
 * so it trains in minutes on two cores).
 * @returns an uncompiled LayersModel named `vgg-parts` (logits output)
 * @throws if `width` is not positive
 */
export function buildVggParts(options: VggPartsOptions = {}): tf.LayersModel {
  const o = { seed: 0, width: 1, classes: 5, ...options };
  if (!(o.width > 0)) throw new Error(`buildVggParts: width must be > 0, got ${o.width}`);
  const init = seededInitializers(o.seed);
  const f = (n: number) => Math.max(1, Math.round(n * o.width));
  const conv = (filters: number, name: string) => tf.layers.conv2d({
    filters: f(filters), kernelSize: 3, padding: 'same', activation: 'relu', name, kernelInitializer: init.heNormal(),
  });
  const pool = (name: string) => tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name });
  const input = tf.input({ shape: PARTS_INPUT_SHAPE, name: 'input' });
  let x = conv(16, 'block1_conv1').apply(input) as tf.SymbolicTensor;
  x = pool('block1_pool').apply(x) as tf.SymbolicTensor;
  x = conv(32, 'block2_conv1').apply(x) as tf.SymbolicTensor;
  x = pool('block2_pool').apply(x) as tf.SymbolicTensor;
  x = conv(32, 'block3_conv1').apply(x) as tf.SymbolicTensor;
  x = conv(32, VGG_PARTS_ANALYSIS_LAYER).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: o.classes, activation: 'linear', name: 'logits', kernelInitializer: init.glorotUniform() })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'vgg-parts' });
}

/**
 * Builds ResNet-parts: `resnet-small` at half width for 64x64 RGB input: a stride-2 stem of 16
 * filters and a stride-2 max pool (16x16), bottleneck stages conv2 (32 out, 16x16) and conv3
 * (64 out, 8x8), global average pooling; about 3M multiply-adds per image.
 * @returns an uncompiled LayersModel named `resnet-parts` (logits output)
 */
export function buildResnetParts(options: VggPartsOptions = {}): tf.LayersModel {
  return buildResnetSmall({
    seed: options.seed ?? 0, width: 0.5 * (options.width ?? 1), classes: options.classes ?? 5, inputShape: PARTS_INPUT_SHAPE, name: 'resnet-parts', stemPool: true,
  });
}
