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

/** The environment variable naming another folder of shipped models (default: `models/` at the package root). */
export const MODELS_ENV_VAR = 'FILTERMINE_MODELS';

/** The folder holding the shipped models: `$FILTERMINE_MODELS`, else `models/` at the package root. */
export function shippedModelsDir(): string {
  return process.env[MODELS_ENV_VAR] || path.join(packageRoot(), 'models');
}

/**
 * The folder of one shipped model, inside {@link shippedModelsDir} (so it honours `$FILTERMINE_MODELS` too).
 * @throws naming the shipped models if `name` is not one
 */
export function shippedModelDir(name: ShippedModelName): string {
  if (!(SHIPPED_MODELS as readonly string[]).includes(name)) {
    throw new Error(`unknown shipped model '${name}'; shipped models: ${SHIPPED_MODELS.join(', ')}`);
  }
  return path.join(shippedModelsDir(), name);
}

/**
 * Reads a model folder's `card.json`.
 * @param dir the model folder
 * @returns the card, or null when the folder has none
 * @throws naming the file if it exists but is not a JSON object
 */
export function readModelCard(dir: string): ModelCard | null {
  const file = path.join(dir, 'card.json');
  if (!fs.existsSync(file)) return null;
  let card: unknown;
  try {
    card = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); expected a model card`);
  }
  if (card === null || typeof card !== 'object' || Array.isArray(card)) throw new Error(`${file}: expected a model card (a JSON object)`);
  return card as ModelCard;
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
  const card = readModelCard(dir);
  if (!card) {
    throw new Error(`shipped model '${name}' is missing (${path.join(dir, 'card.json')} not found); train it with 'npm run train -- --model ${name} --out models/${name}'`);
  }
  const model = await loadModel(dir);
  return { model, card };
}
