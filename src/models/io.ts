/**
 * LayersModel I/O without tfjs-node: a folder or an http(s) URL holding `model.json` plus binary
 * weight shards, the "layers-model" format of `tensorflowjs_converter` and `model.save()`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Options of {@link saveModel} and {@link folderIOHandler}. */
export interface SaveModelOptions {
  /** Maximum bytes per weight shard (the converter's default is 4 MiB). */
  shardBytes?: number;
}

const defaults: Required<SaveModelOptions> = { shardBytes: 4 * 1024 * 1024 };

const MODEL_JSON = 'model.json';

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8, string: 0 };

/** Bytes a weight occupies in a shard. */
function specBytes(spec: tf.io.WeightsManifestEntry): number {
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const bytes = DTYPE_BYTES[dtype];
  if (bytes === undefined || bytes === 0) throw new Error(`weight '${spec.name}' has unsupported dtype '${dtype}'`);
  return size * bytes;
}

/** True if `source` is an http(s) URL rather than a folder path. */
export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

/** Reads named files of a model source (folder or URL); rejects with a message naming the file. */
type FileReader = (relative: string) => Promise<Uint8Array>;

function folderReader(dir: string): FileReader {
  return async (relative) => {
    const file = path.join(dir, relative);
    try {
      const buf = await fs.promises.readFile(file);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(relative === MODEL_JSON
          ? `no ${MODEL_JSON} in ${dir}: expected a tfjs layers-model folder (model.json + weight shards)`
          : `weight shard '${relative}' listed in ${path.join(dir, MODEL_JSON)} is missing (${file})`);
      }
      throw e;
    }
  };
}

function urlReader(url: string): FileReader {
  const base = url.endsWith('/') ? url : url.endsWith('.json') ? url : url + '/';
  const jsonUrl = base.endsWith('.json') ? base : base + MODEL_JSON;
  return async (relative) => {
    const target = relative === MODEL_JSON ? jsonUrl : new URL(relative, jsonUrl).toString();
    let res: Response;
    try { res = await fetch(target); } catch (e) { throw new Error(`cannot fetch ${target}: ${(e as Error).message}`); }
    if (!res.ok) {
      throw new Error(relative === MODEL_JSON
        ? `cannot fetch ${target}: HTTP ${res.status} (expected a tfjs layers-model model.json)`
        : `weight shard '${relative}' listed in ${jsonUrl} could not be fetched: HTTP ${res.status}`);
    }
    return new Uint8Array(await res.arrayBuffer());
  };
}

/** Reads and checks model.json and all weight shards into tfjs model artifacts. */
async function readArtifacts(read: FileReader, where: string): Promise<tf.io.ModelArtifacts> {
  const raw = await read(MODEL_JSON);
  let json: tf.io.ModelJSON;
  try { json = JSON.parse(Buffer.from(raw).toString('utf8')) as tf.io.ModelJSON; } catch (e) {
    throw new Error(`${where}: ${MODEL_JSON} is not valid JSON (${(e as Error).message})`);
  }
  if (json == null || typeof json !== 'object' || json.modelTopology == null) {
    throw new Error(`${where}: ${MODEL_JSON} has no modelTopology (is it a graph model? expected format 'layers-model')`);
  }
  const manifest = json.weightsManifest ?? [];
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of manifest) {
    const groupParts = await Promise.all(group.paths.map((p) => read(p)));
    const got = groupParts.reduce((n, b) => n + b.byteLength, 0);
    const want = group.weights.reduce((n, s) => n + specBytes(s), 0);
    if (got !== want) {
      throw new Error(`${where}: weight shards [${group.paths.join(', ')}] hold ${got} bytes but the manifest's weights need ${want}`);
    }
    specs.push(...group.weights);
    parts.push(...groupParts);
  }
  const total = parts.reduce((n, b) => n + b.byteLength, 0);
  const data = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) { data.set(p, offset); offset += p.byteLength; }
  return tf.io.getModelArtifactsForJSONSync(json, specs, data.buffer);
}

function writeArtifacts(dir: string, artifacts: tf.io.ModelArtifacts, shardBytes: number): tf.io.SaveResult {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new Error('folderIOHandler: only layers models (JSON topology) can be saved');
  }
  fs.mkdirSync(dir, { recursive: true });
  const specs = artifacts.weightSpecs ?? [];
  const data = new Uint8Array(artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData));
  const count = Math.max(1, Math.ceil(data.byteLength / shardBytes));
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `group1-shard${i + 1}of${count}.bin`;
    fs.writeFileSync(path.join(dir, name), data.subarray(i * shardBytes, Math.min(data.byteLength, (i + 1) * shardBytes)));
    paths.push(name);
  }
  const manifest: tf.io.WeightsManifestConfig = [{ paths, weights: specs }];
  const json: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology ?? {},
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: manifest,
  };
  if (artifacts.userDefinedMetadata != null) json.userDefinedMetadata = artifacts.userDefinedMetadata;
  fs.writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(json));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

/**
 * A tf.io handler that saves to and loads from a folder (`model.json` + `group1-shardXofN.bin`).
 * @param dir the folder (created on save)
 * @example await model.save(folderIOHandler('out/my-model'));
 */
export function folderIOHandler(dir: string, options: SaveModelOptions = {}): tf.io.IOHandler {
  const o = { ...defaults, ...options };
  if (!(Number.isInteger(o.shardBytes) && o.shardBytes > 0)) throw new Error(`folderIOHandler: shardBytes must be a positive integer, got ${o.shardBytes}`);
  return {
    save: async (artifacts) => writeArtifacts(dir, artifacts, o.shardBytes),
    load: async () => readArtifacts(folderReader(dir), dir),
  };
}

/**
 * Saves a LayersModel to a folder in the tfjs layers-model format.
 * @param model the model (not modified)
 * @param dir the folder, created if needed; existing model.json and shards are overwritten
 */
export async function saveModel(model: tf.LayersModel, dir: string, options: SaveModelOptions = {}): Promise<void> {
  await model.save(folderIOHandler(dir, options));
}

/**
 * Reads the artifacts (topology, weight specs, weight bytes) of a folder or http(s) URL.
 * @throws naming a missing model.json or weight shard, or a shard of the wrong size
 */
export async function loadModelArtifacts(source: string): Promise<tf.io.ModelArtifacts> {
  return isUrl(source) ? readArtifacts(urlReader(source), source) : readArtifacts(folderReader(source), source);
}

/**
 * Sets a model's weights from decoded artifacts, checking names and shapes first.
 * @throws naming a weight whose shape differs, a weight the model lacks, or model weights left unset
 */
function assignWeights(model: tf.LayersModel, artifacts: tf.io.ModelArtifacts, where: string): void {
  const specs = artifacts.weightSpecs ?? [];
  const byName = new Map(model.weights.map((w) => [w.originalName, w]));
  for (const s of specs) {
    const w = byName.get(s.name);
    if (!w) throw new Error(`${where}: weight '${s.name}' has no matching weight in model '${model.name}'`);
    if (w.shape.length !== s.shape.length || w.shape.some((d, i) => d !== s.shape[i])) {
      throw new Error(`${where}: shape mismatch for weight '${s.name}': the model expects [${w.shape.join(', ')}], the file has [${s.shape.join(', ')}]`);
    }
  }
  const given = new Set(specs.map((s) => s.name));
  const unset = model.weights.filter((w) => !given.has(w.originalName)).map((w) => w.originalName);
  if (unset.length > 0) throw new Error(`${where}: ${unset.length} weights of model '${model.name}' are not in the file: ${unset.slice(0, 10).join(', ')}${unset.length > 10 ? ', ...' : ''}`);
  const tensors = tf.io.decodeWeights(artifacts.weightData ?? new ArrayBuffer(0), specs);
  try {
    warnNonFiniteWeights(tensors, where);
    model.loadWeights(tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** The names of the float weights that hold a NaN or an infinity. */
export function nonFiniteWeightNames(weights: tf.NamedTensorMap): string[] {
  // x - x is NaN exactly where x is NaN or infinite, so the sum is NaN iff one such value exists.
  return Object.entries(weights).filter(([, t]) => t.dtype === 'float32' && tf.tidy(() => Number.isNaN(tf.sum(tf.sub(t, t)).dataSync()[0])))
    .map(([name]) => name);
}

/** Emits a Node warning (code FILTERMINE_NONFINITE_WEIGHTS) naming weights with NaN or infinite values. */
function warnNonFiniteWeights(weights: tf.NamedTensorMap, where: string): void {
  const bad = nonFiniteWeightNames(weights);
  if (bad.length === 0) return;
  const total = Object.keys(weights).length;
  process.emitWarning(`${where}: ${bad.length} of ${total} weights hold NaN or infinite values (${bad.slice(0, 5).join(', ')}` +
    `${bad.length > 5 ? ', ...' : ''}); the model's outputs and every explanation will be NaN (flagged 'nonFinite')`,
  { code: 'FILTERMINE_NONFINITE_WEIGHTS' });
}

/**
 * Loads a LayersModel from a folder path or an http(s) URL (of the folder or of its model.json).
 * @param source e.g. `models/vgg-small`, `https://host/vgg16/model.json`
 * @throws naming a missing model.json or weight shard, a shard of the wrong size, or a weight
 *   whose shape does not match the topology
 */
export async function loadModel(source: string): Promise<tf.LayersModel> {
  const artifacts = await loadModelArtifacts(source);
  const model = await tf.models.modelFromJSON({ modelTopology: artifacts.modelTopology } as tf.io.ModelJSON);
  try {
    assignWeights(model, artifacts, source);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/**
 * Loads the weights of a folder or URL into an existing model (e.g. converted Keras VGG16 weights
 * into {@link buildVgg16}), matching weights by name.
 * @throws naming a missing weight or a shape mismatch; the model is unchanged then
 */
export async function loadWeightsInto(model: tf.LayersModel, source: string): Promise<void> {
  assignWeights(model, await loadModelArtifacts(source), source);
}

/**
 * Serialises a LayersModel to in-memory artifacts (topology + weights), e.g. to send it to worker
 * threads, which rebuild it with `tf.loadLayersModel(tf.io.fromMemory(artifacts))`.
 * @param model the model
 * @returns its artifacts
 */
export async function serializeModel(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  if (!artifacts) throw new Error(`serializeModel: model '${model.name}' produced no artifacts`);
  return artifacts;
}
