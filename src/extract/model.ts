/**
 * Which model a run explains: a live `tf.LayersModel`, the name of a shipped model
 * (`vgg-small`, `resnet-small`: the trained weights in the package's `models/<name>/` folder), or
 * a model folder / URL in the tfjs layers format.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadModel } from '../models/io';
import { getArchitecture, listArchitectures } from '../models/registry';
import { readModelCard, shippedModelsDir } from '../models/shipped';

export { shippedModelsDir };

/** A model ready for {@link extractDataset}. */
export interface ResolvedModel {
  model: tf.LayersModel;
  /** A name for manifests and default folder names. */
  name: string;
  /** The architecture's default analysis layer, when known. */
  defaultLayer?: string;
  /** The CAM method the model card recommends (`card.json` `camMethod`), when known. */
  defaultMethod?: string;
  /** True when this call loaded the model (the caller disposes it). */
  owned: boolean;
}

/** Options of {@link resolveModel}. */
export interface ResolveModelOptions {
  /** Folder holding the shipped models. Default: `$FILTERMINE_MODELS`, else `models/` at the package root. */
  modelsDir?: string;
}

/**
 * Resolves a model spec: the one loader behind the CLI commands, the notebooks and the benchmarks.
 * @param spec a LayersModel, a shipped model name, or a folder/URL
 * @throws if a shipped model has not been trained/installed, or the folder holds no model
 */
export async function resolveModel(spec: string | tf.LayersModel, options: ResolveModelOptions = {}): Promise<ResolvedModel> {
  if (typeof spec !== 'string') return { model: spec, name: spec.name, owned: false };
  if (listArchitectures().includes(spec)) {
    const dir = path.join(options.modelsDir ?? shippedModelsDir(), spec);
    if (!fs.existsSync(path.join(dir, 'model.json'))) {
      throw new Error(`shipped model '${spec}' not found (no ${path.join(dir, 'model.json')}); train it first ('npm run train') or pass a model folder`);
    }
    const card = readModelCard(dir);
    return {
      model: await loadModel(dir), name: spec, owned: true,
      defaultLayer: card?.analysisLayer ?? getArchitecture(spec).analysisLayer,
      ...(card?.camMethod ? { defaultMethod: card.camMethod } : {}),
    };
  }
  if (!/^https?:\/\//.test(spec) && !fs.existsSync(spec)) {
    throw new Error(`model '${spec}' is neither a shipped model (${listArchitectures().join(', ')}) nor an existing folder or URL`);
  }
  const model = await loadModel(spec);
  return { model, name: path.basename(spec.replace(/\/model\.json$/, '').replace(/\/+$/, '')), owned: true };
}

/** @deprecated The old name of {@link resolveModel}. */
export const resolveExtractModel = resolveModel;
