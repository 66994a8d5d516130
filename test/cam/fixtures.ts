/** Tiny models for CAM tests (seeded weights). */
import * as tf from '@tensorflow/tfjs';
import { randomizeWeights } from '../graph/builders';

type ST = tf.SymbolicTensor;

/**
 * 8x8x2 input -> c1 (conv 3) -> r1 (relu) -> c2 (conv 4, 'same') [the layer we explain] -> t2 (tanh)
 * -> add(t2, proj(r1)) -> bn -> gap -> logits (Dense 5, linear). The head after `c2` is smooth
 * (tanh, add, batch norm, mean, dense), so finite differences are accurate, and `proj` is a skip
 * across the cut.
 */
export function buildTinyCamModel(seed = 4, options: { softmax?: boolean; size?: number } = {}): tf.LayersModel {
  const size = options.size ?? 8;
  const input = tf.input({ shape: [size, size, 2], name: 'image' });
  const c1 = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'c1' }).apply(input) as ST;
  const r1 = tf.layers.activation({ activation: 'relu', name: 'r1' }).apply(c1) as ST;
  const c2 = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c2' }).apply(r1) as ST;
  const t2 = tf.layers.activation({ activation: 'tanh', name: 't2' }).apply(c2) as ST;
  const proj = tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'proj' }).apply(r1) as ST;
  const sum = tf.layers.add({ name: 'add' }).apply([t2, proj]) as ST;
  const bn = tf.layers.batchNormalization({ name: 'bn' }).apply(sum) as ST;
  const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(bn) as ST;
  const out = tf.layers.dense({ units: 5, activation: options.softmax ? 'softmax' : 'linear', name: 'logits' }).apply(gap) as ST;
  const model = tf.model({ inputs: input, outputs: out, name: 'tiny_cam' });
  randomizeWeights(model, seed);
  return model;
}
