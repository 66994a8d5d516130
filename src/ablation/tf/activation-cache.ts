/**
 * The fast path's cache (docs/method.md, "Evaluation"): the activations at layer L (and the tensors
 * that skip across the cut, for residual graphs) computed once per image by the body of a
 * graph-aware split, kept as typed arrays. Any number of masks are then evaluated by the head
 * alone (see `createHeadEvaluator`).
 */
import * as tf from '@tensorflow/tfjs';
import { indexRange, type IndexedImages } from './images';

/**
 * The two halves of a model cut at a layer (the shape of `ModelSplit` from src/graph/split):
 * `body`: input -> [activation at the layer, ...skip tensors]; `head`: [activation, ...skips] -> logits.
 */
export interface SplitModels {
  /** Input -> activation (single output) or [activation, ...skips]. */
  readonly body: tf.LayersModel;
  /** [activation, ...skips] -> pre-softmax logits. */
  readonly head: tf.LayersModel;
}

/** One cached per-image tensor, `[n, ...shape]` row-major. */
export interface CachedTensor {
  /** Per-image shape (without the batch dimension). */
  shape: number[];
  /** `n * prod(shape)` values. */
  data: Float32Array;
}

/** The body's outputs for every image. */
export interface ActivationCache {
  /** The layer the model was cut at. */
  layerName: string;
  /** Number of images. */
  n: number;
  /** Activations at the layer, `[n, ...shape]` (NHWC: the last dimension is the channel). */
  activation: CachedTensor;
  /** Tensors skipping across the cut, in the head's input order after the activation. */
  skips: CachedTensor[];
}

/** Options of {@link cacheActivations}. */
export interface CacheActivationsOptions {
  /** Images per body call. Default 256. */
  batchSize?: number;
  /** Called after each batch with (images done, total). */
  onProgress?: (done: number, total: number) => void;
}

const defaults = { batchSize: 256 };

/**
 * Runs the body over every image once and keeps its outputs.
 * @param split the model cut at `layerName`
 * @param layerName the layer's name (recorded, and used in messages)
 * @param images the images
 * @param options see {@link CacheActivationsOptions}
 * @returns the cache (typed arrays; no tensors stay alive)
 * @throws if the body's outputs are not batch tensors
 */
export async function cacheActivations(split: SplitModels, layerName: string, images: IndexedImages, options: CacheActivationsOptions = {}): Promise<ActivationCache> {
  const batchSize = options.batchSize ?? defaults.batchSize;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`cacheActivations: batchSize must be a positive integer, got ${batchSize}`);
  const n = images.n;
  const outShapes = split.body.outputs.map((o) => o.shape.slice(1));
  for (const s of outShapes) {
    if (s.some((d) => !(typeof d === 'number' && d > 0))) throw new Error(`cacheActivations: body output shape [${s}] is not fully known`);
  }
  const sizes = outShapes.map((s) => (s as number[]).reduce((a, b) => a * b, 1));
  const data = sizes.map((size) => new Float32Array(n * size));
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const x = images.take(indexRange(start, end));
    const out = split.body.predict(x, { batchSize: end - start });
    const outs = Array.isArray(out) ? out : [out];
    for (let k = 0; k < outs.length; k++) data[k].set(await outs[k].data(), start * sizes[k]);
    tf.dispose([x, ...outs]);
    options.onProgress?.(end, n);
  }
  const tensors = data.map((d, k) => ({ shape: outShapes[k] as number[], data: d }));
  return { layerName, n, activation: tensors[0], skips: tensors.slice(1) };
}
