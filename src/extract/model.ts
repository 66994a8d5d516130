/**
 * Which model a run explains: a live `tf.LayersModel`, the name of a shipped model
 * (`vgg-small`, `resnet-small`: the trained weights in the package's `models/<name>/` folder), or
 * a model folder / URL in the tfjs layers format, or an ONNX model (an `.onnx` file, or a folder
 * holding `model.onnx`). A `card.json` next to the model (see {@link ModelCardInfo}) supplies the
 * defaults: analysis layer, class names, input preset and size.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadModel } from '../models/io';
import { isOnnxFile, loadOnnxModel } from '../models/onnx';
import { getArchitecture, listArchitectures } from '../models/registry';
import { readModelCard as readCardFile, shippedModelsDir } from '../models/shipped';

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
  /** The model card next to the model, when there is one. */
  card?: ModelCardInfo;
}

/** The fields of a model card (`card.json`) that choose defaults for a run; all optional. */
export interface ModelCardInfo {
  /** Default layer to analyse (a layer name; for ONNX models the converted node name). */
  analysisLayer?: string;
  /** Class names in output order. */
  classNames?: string[];
  /** Preprocessing preset the model was trained with (`caffe`, `torch`, `tf`, `unit`, ...). */
  preset?: string;
  /** `[height, width, channels]`. */
  inputShape?: number[];
  /** Shorter side before the centre crop when reading image folders. */
  resize?: number;
  /** CAM method to use by default. */
  camMethod?: string;
}

/** The run defaults of the `card.json` in `dir`, if there is one. */
export function readModelCardInfo(dir: string): ModelCardInfo | undefined {
  return (readCardFile(dir) as ModelCardInfo | null) ?? undefined;
}

/** Defaults a card gives to {@link ResolvedModel}. */
function fromCard(card: ModelCardInfo | undefined): Pick<ResolvedModel, 'defaultLayer' | 'defaultMethod' | 'card'> {
  if (!card) return {};
  return { ...(card.analysisLayer ? { defaultLayer: card.analysisLayer } : {}), ...(card.camMethod ? { defaultMethod: card.camMethod } : {}), card };
}

/** An ONNX model file and its card (in the same folder). */
async function resolveOnnx(file: string, name: string): Promise<ResolvedModel> {
  const card = readModelCardInfo(path.dirname(file));
  const shape = card?.inputShape;
  const model = await loadOnnxModel(file, shape && shape.length === 3 ? { inputShape: shape as [number, number, number], name } : { name });
  return { model, name, owned: true, ...fromCard(card) };
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
  const shippedOnnx = path.join(options.modelsDir ?? shippedModelsDir(), spec, 'model.onnx');
  if (/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(spec) && !listArchitectures().includes(spec) && fs.existsSync(shippedOnnx)) return resolveOnnx(shippedOnnx, spec);
  if (listArchitectures().includes(spec)) {
    const dir = path.join(options.modelsDir ?? shippedModelsDir(), spec);
    if (!fs.existsSync(path.join(dir, 'model.json'))) {
      throw new Error(`shipped model '${spec}' not found (no ${path.join(dir, 'model.json')}); train it first ('npm run train') or pass a model folder`);
    }
    const card = readModelCardInfo(dir);
    return { model: await loadModel(dir), name: spec, owned: true, defaultLayer: getArchitecture(spec).analysisLayer, ...fromCard(card) };
  }
  const isUrl = /^https?:\/\//.test(spec);
  if (!isUrl && !fs.existsSync(spec)) {
    throw new Error(`model '${spec}' is neither a shipped model (${[...listArchitectures(), ...shippedOnnxNames(options)].join(', ')}) nor an existing folder, .onnx file or URL`);
  }
  if (!isUrl && isOnnxFile(spec)) return resolveOnnx(spec, path.basename(spec).replace(/\.onnx$/i, ''));
  if (!isUrl && fs.statSync(spec).isDirectory() && !fs.existsSync(path.join(spec, 'model.json')) && fs.existsSync(path.join(spec, 'model.onnx'))) {
    return resolveOnnx(path.join(spec, 'model.onnx'), path.basename(path.resolve(spec)));
  }
  if (!isUrl && fs.statSync(spec).isFile()) throw new Error(`model '${spec}' is a file; expected a tfjs model folder (model.json + weights), an .onnx file or a folder holding model.onnx`);
  const model = await loadModel(spec);
  return { model, name: path.basename(spec.replace(/\/model\.json$/, '').replace(/\/+$/, '')), owned: true, ...(isUrl ? {} : fromCard(readModelCardInfo(spec))) };
}

/** Names of the ONNX models in the shipped models folder (sub-folders holding `model.onnx`). */
export function shippedOnnxNames(options: ResolveModelOptions = {}): string[] {
  const dir = options.modelsDir ?? shippedModelsDir();
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'model.onnx'))).sort();
}
