/**
 * ResNet-small: a ResNet-style network (bottleneck residual blocks with batch norm) for 28x28x1
 * images, with Keras ResNet50 layer names (`conv2_block1_1_conv`, ..., `conv3_block2_out`).
 * Output: pre-softmax logits (layer `logits`, linear).
 *
 * Differences from Keras ResNet50 (convolutions before batch norm have no bias, which batch norm
 * would cancel anyway), chosen for a 28x28 input and a small compute budget: a 3x3
 * stride-2 stem without padding or pooling layers and bottleneck expansion 2 instead of 4. As in Keras, the stride of a stage's first block
 * is on its first 1x1 convolution and its projection shortcut.
 */
import * as tf from '@tensorflow/tfjs';
import { seededInitializers, type SeededInitializers } from './init';
import { SMALL_MODEL_DEFAULTS, type SmallModelOptions } from './options';

/** Options of {@link buildResnetSmall}: the shared ones plus its name and an optional stem pool. */
export type ResnetSmallOptions = SmallModelOptions & {
  /** Model name. Default `resnet-small`. */
  name?: string;
  /** A 3x3 stride-2 max pool after the stem (`pool1_pool`, as in Keras ResNet50), for larger inputs. Default false. */
  stemPool?: boolean;
};

const defaults: Required<ResnetSmallOptions> = { ...SMALL_MODEL_DEFAULTS, name: 'resnet-small', stemPool: false };

/** One stage: `blocks` bottleneck blocks of inner width `filters` and output width `out`. */
interface Stage { name: string; filters: number; out: number; blocks: number; stride: number }

const STAGES: readonly Stage[] = [
  { name: 'conv2', filters: 32, out: 64, blocks: 1, stride: 1 },  // 14x14
  { name: 'conv3', filters: 64, out: 128, blocks: 2, stride: 2 }, // 7x7
];

/** The layer whose filters the method analyses by default (7x7x128 for 28x28 input). */
export const RESNET_SMALL_ANALYSIS_LAYER = 'conv3_block2_out';

const BN_EPSILON = 1.001e-5; // Keras ResNet50's value

function bn(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: 3, epsilon: BN_EPSILON, name });
}

function block(
  x: tf.SymbolicTensor, s: Stage, index: number, f: (n: number) => number, init: SeededInitializers,
): tf.SymbolicTensor {
  const name = `${s.name}_block${index}`;
  const stride = index === 1 ? s.stride : 1;
  const inChannels = x.shape[3] as number;
  let shortcut = x;
  if (index === 1 && (stride !== 1 || inChannels !== f(s.out))) {
    shortcut = tf.layers.conv2d({
      filters: f(s.out), kernelSize: 1, strides: stride, useBias: false, name: `${name}_0_conv`, kernelInitializer: init.heNormal(),
    }).apply(x) as tf.SymbolicTensor;
    shortcut = bn(`${name}_0_bn`).apply(shortcut) as tf.SymbolicTensor;
  }
  let y = tf.layers.conv2d({
    filters: f(s.filters), kernelSize: 1, strides: stride, useBias: false, name: `${name}_1_conv`, kernelInitializer: init.heNormal(),
  }).apply(x) as tf.SymbolicTensor;
  y = bn(`${name}_1_bn`).apply(y) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'relu', name: `${name}_1_relu` }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({
    filters: f(s.filters), kernelSize: 3, padding: 'same', useBias: false, name: `${name}_2_conv`,
    kernelInitializer: init.heNormal(),
  }).apply(y) as tf.SymbolicTensor;
  y = bn(`${name}_2_bn`).apply(y) as tf.SymbolicTensor;
  y = tf.layers.activation({ activation: 'relu', name: `${name}_2_relu` }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({
    filters: f(s.out), kernelSize: 1, useBias: false, name: `${name}_3_conv`, kernelInitializer: init.heNormal(),
  }).apply(y) as tf.SymbolicTensor;
  y = bn(`${name}_3_bn`).apply(y) as tf.SymbolicTensor;
  y = tf.layers.add({ name: `${name}_add` }).apply([shortcut, y]) as tf.SymbolicTensor;
  return tf.layers.activation({ activation: 'relu', name: `${name}_out` }).apply(y) as tf.SymbolicTensor;
}

/**
 * Builds ResNet-small: conv1 (3x3 stride 2, 32) + BN + ReLU, stage conv2 (1 bottleneck block,
 * 64 out, 14x14), stage conv3 (2 blocks, 128 out, 7x7), avg_pool, logits. About 5M
 * multiply-adds per 28x28 image.
 * @param options see {@link ResnetSmallOptions}
 * @returns an uncompiled LayersModel named `resnet-small`
 * @throws if `width` is not positive
 */
export function buildResnetSmall(options: ResnetSmallOptions = {}): tf.LayersModel {
  const o = { ...defaults, ...options };
  if (!(o.width > 0)) throw new Error(`buildResnetSmall: width must be > 0, got ${o.width}`);
  const init = seededInitializers(o.seed);
  const f = (n: number) => Math.max(1, Math.round(n * o.width));
  const input = tf.input({ shape: o.inputShape, name: 'input' });
  let x = tf.layers.conv2d({
    filters: f(32), kernelSize: 3, strides: 2, padding: 'same', useBias: false, name: 'conv1_conv', kernelInitializer: init.heNormal(),
  }).apply(input) as tf.SymbolicTensor;
  x = bn('conv1_bn').apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu', name: 'conv1_relu' }).apply(x) as tf.SymbolicTensor;
  if (o.stemPool) x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool1_pool' }).apply(x) as tf.SymbolicTensor;
  for (const s of STAGES) {
    for (let i = 1; i <= s.blocks; i++) x = block(x, s, i, f, init);
  }
  x = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers.dense({
    units: o.classes, activation: 'linear', name: 'logits', kernelInitializer: init.glorotUniform(),
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: o.name });
}
