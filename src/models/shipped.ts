/**
 * The models shipped in the package's `models/` folder (trained by `npm run train`), loaded with
 * their model cards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadModel } from './io';
import type { ModelCard } from './card';
import { packageRoot } from '../util/package-root';

export { packageRoot };

/** Names of the shipped models. */
export const SHIPPED_MODELS = ['vgg-small', 'resnet-small'] as const;

/** A shipped model's name. */
export type ShippedModelName = typeof SHIPPED_MODELS[number];

/** A loaded shipped model and its card. Dispose `model` when done. */
export interface ShippedModel {
  model: tf.LayersModel;
  card: ModelCard;
}

/**
 * The folder of a shipped model.
 * @throws naming the shipped models if `name` is not one
 */
export function shippedModelDir(name: ShippedModelName): string {
  if (!(SHIPPED_MODELS as readonly string[]).includes(name)) {
    throw new Error(`unknown shipped model '${name}'; shipped models: ${SHIPPED_MODELS.join(', ')}`);
  }
  return path.join(packageRoot(), 'models', name);
}

/**
 * Loads a shipped model and its card.
 * @param name `vgg-small` or `resnet-small`
 * @throws if the name is unknown, or the folder lacks card.json/model.json/shards (then train it:
 *   `npm run train -- --model NAME --out models/NAME`)
 * @example const { model, card } = await loadShippedModel('vgg-small');
 */
export async function loadShippedModel(name: ShippedModelName): Promise<ShippedModel> {
  const dir = shippedModelDir(name);
  const cardFile = path.join(dir, 'card.json');
  if (!fs.existsSync(cardFile)) {
    throw new Error(`shipped model '${name}' is missing (${cardFile} not found); train it with 'npm run train -- --model ${name} --out models/${name}'`);
  }
  const card = JSON.parse(fs.readFileSync(cardFile, 'utf8')) as ModelCard;
  const model = await loadModel(dir);
  return { model, card };
}
