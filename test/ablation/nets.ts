/**
 * Small VGG- and ResNet-style test graphs for the ablation tests (12x12x1 input, seeded), owned by
 * this test folder so the tests do not depend on the shipped architectures' exact layers.
 */
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/util/rng';

type ST = tf.SymbolicTensor;

/** Conv stack, then `flatten` (or `gap`) and a linear dense `logits` layer with 5 classes. */
export function vggLike(seed: number, pooling: 'flatten' | 'gap' = 'flatten'): tf.LayersModel {
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const conv = (filters: number, name: string) => tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', name, kernelInitializer: init(), biasInitializer: 'zeros' });
  const input = tf.input({ shape: [12, 12, 1], name: 'input' });
  let x = conv(4, 'c1').apply(input) as ST;
  x = tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }).apply(x) as ST;
  x = conv(6, 'c2').apply(x) as ST;
  x = conv(8, 'c3').apply(x) as ST;
  x = (pooling === 'flatten' ? tf.layers.flatten({ name: 'flatten' }) : tf.layers.globalAveragePooling2d({ name: 'gap' })).apply(x) as ST;
  const out = tf.layers.dense({ units: 5, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(x) as ST;
  return tf.model({ inputs: input, outputs: out, name: `vgg_like_${pooling}` });
}

/** Stem, two bottleneck blocks (the first with a conv shortcut), GAP, dense `logits` (5 classes); random BN statistics. */
export function resnetLike(seed: number): tf.LayersModel {
  const init = () => tf.initializers.heNormal({ seed: seed++ });
  const conv = (filters: number, k: number, name: string) => tf.layers.conv2d({ filters, kernelSize: k, padding: 'same', name, kernelInitializer: init() });
  const bn = (name: string) => tf.layers.batchNormalization({ name });
  const relu = (name: string) => tf.layers.activation({ activation: 'relu', name });
  const block = (x: ST, name: string, out: number, convShortcut: boolean): ST => {
    const shortcut = convShortcut ? bn(`${name}_0_bn`).apply(conv(out, 1, `${name}_0_conv`).apply(x)) as ST : x;
    let y = relu(`${name}_1_relu`).apply(bn(`${name}_1_bn`).apply(conv(4, 1, `${name}_1_conv`).apply(x))) as ST;
    y = relu(`${name}_2_relu`).apply(bn(`${name}_2_bn`).apply(conv(4, 3, `${name}_2_conv`).apply(y))) as ST;
    y = bn(`${name}_3_bn`).apply(conv(out, 1, `${name}_3_conv`).apply(y)) as ST;
    return relu(`${name}_out`).apply(tf.layers.add({ name: `${name}_add` }).apply([shortcut, y])) as ST;
  };
  const input = tf.input({ shape: [12, 12, 1], name: 'input' });
  let x = relu('stem_relu').apply(bn('stem_bn').apply(conv(6, 3, 'stem_conv').apply(input))) as ST;
  x = block(x, 'b1', 8, true);
  x = block(x, 'b2', 8, false);
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as ST;
  const out = tf.layers.dense({ units: 5, name: 'logits', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(x) as ST;
  const model = tf.model({ inputs: input, outputs: out, name: 'resnet_like' });
  randomiseBatchNorm(model, seed);
  return model;
}

/** Random batch-norm statistics, so that inference mode (moving statistics) matters. */
export function randomiseBatchNorm(model: tf.LayersModel, seed: number): void {
  const r = rng(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const fresh = layer.weights.map((w) => {
      const shape = w.shape as number[];
      const v = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => r.normal());
      return tf.tensor(w.name.includes('variance') ? v.map((x) => 0.5 + Math.abs(x)) : w.name.includes('gamma') ? v.map((x) => 1 + 0.2 * x) : v.map((x) => 0.3 * x), shape);
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

/** A seeded batch of n 12x12x1 images in [0, 1). */
export function testImages(n: number, seed: number, side = 12): tf.Tensor4D {
  const r = rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * side * side }, () => r.next()), [n, side, side, 1]);
}
