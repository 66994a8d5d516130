/**
 * The VGG16 topology (Simonyan & Zisserman 2015) exactly as Keras' `tf.keras.applications.VGG16`
 * builds it (include_top=True), with the same layer names and weight order, so Keras weights
 * converted with `tensorflowjs_converter` load into it. The paper analyses `block5_pool`
 * (docs/method.md, Pipeline step 1).
 */
import * as tf from '@tensorflow/tfjs';
import { seededInitializers, zeroInitializers } from './init';
import { IMAGENET_MODEL_DEFAULTS, type ImagenetModelOptions } from './options';

/** Options of {@link buildVgg16}. */
export interface Vgg16Options extends ImagenetModelOptions {
  /**
   * Height and width of the input: 224 (default, Keras' only size with the dense top) or another
   * multiple of 32 from 32 up (the five pools halve it; fc1 then has (size/32)^2 * 512 inputs), for
   * tests and experiments at small resolution.
   */
  inputSize?: number;
}

const defaults: Required<Vgg16Options> = { ...IMAGENET_MODEL_DEFAULTS, inputSize: 224 };

/** The layer the paper analyses in VGG16 (7x7x512). */
export const VGG16_ANALYSIS_LAYER = 'block5_pool';

/** Convolutions per block and filters per block, as in VGG16. */
const BLOCKS: ReadonlyArray<{ convs: number; filters: number }> = [
  { convs: 2, filters: 64 }, { convs: 2, filters: 128 }, { convs: 3, filters: 256 },
  { convs: 3, filters: 512 }, { convs: 3, filters: 512 },
];

/**
 * Builds VGG16 for 224x224x3 input (or `inputSize`): block1_conv1 .. block5_pool, flatten, fc1, fc2, predictions.
 * 138,357,544 parameters (550 MB of float32): build once, dispose when done.
 * @param options see {@link Vgg16Options}
 * @returns an uncompiled LayersModel named `vgg16` with random (seeded) weights
 */
export function buildVgg16(options: Vgg16Options = {}): tf.LayersModel {
  const o = { ...defaults, ...options };
  if (o.init !== 'random' && o.init !== 'zeros') throw new Error(`buildVgg16: init must be 'random' or 'zeros', got '${String(o.init)}'`);
  const init = o.init === 'zeros' ? zeroInitializers() : seededInitializers(o.seed);
  if (!Number.isInteger(o.inputSize) || o.inputSize < 32 || o.inputSize % 32 !== 0) {
    throw new Error(`buildVgg16: inputSize must be a multiple of 32 from 32 up (five 2x2 pools), got ${String(o.inputSize)}`);
  }
  const input = tf.input({ shape: [o.inputSize, o.inputSize, 3], name: 'input_1' });
  let x: tf.SymbolicTensor = input;
  BLOCKS.forEach((b, bi) => {
    for (let c = 1; c <= b.convs; c++) {
      x = tf.layers.conv2d({
        filters: b.filters, kernelSize: 3, padding: 'same', activation: 'relu',
        name: `block${bi + 1}_conv${c}`, kernelInitializer: init.glorotUniform(),
      }).apply(x) as tf.SymbolicTensor;
    }
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `block${bi + 1}_pool` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc1', kernelInitializer: init.glorotUniform() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 4096, activation: 'relu', name: 'fc2', kernelInitializer: init.glorotUniform() }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({
    units: o.classes, activation: o.logits ? 'linear' : 'softmax', name: 'predictions',
    kernelInitializer: init.glorotUniform(),
  }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: 'vgg16' });
}
