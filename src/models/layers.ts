/**
 * Addressing layers by name (the method names layers, never indices).
 */
import type * as tf from '@tensorflow/tfjs';

/** The names of a model's layers, in topological order. */
export function layerNames(model: tf.LayersModel): string[] {
  return model.layers.map((l) => l.name);
}

/**
 * The layer of that name.
 * @throws listing the model's layer names if it has no such layer
 * @example const layer = requireLayer(model, 'block5_pool');
 */
export function requireLayer(model: tf.LayersModel, name: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) {
    throw new Error(`model '${model.name}' has no layer named '${name}'; its layers are: ${layerNames(model).join(', ')}`);
  }
  return layer;
}
