/**
 * The CAM pipeline (docs/method.md, Pipeline step 1), shared by every registered method:
 * 1. run the body of the split once: activation `A` at the layer (+ tensors skipping the cut);
 * 2. if the method uses gradients, differentiate the head only: `d(sum_k mask_k * logit_k)/dA`,
 *    with the pre-softmax logits, in inference mode (batch norm with moving statistics), the mask
 *    coming from the target function (a multiply, not `gather`, so it differentiates on wasm);
 * 3. download `A`, the gradient and the logits once, then the pure core (src/cam/combine.ts):
 *    method weights, `relu(sum_c w A_c)`, bilinear upsampling, per-image min-max normalisation.
 * Images are processed in chunks of `batchSize`; images are independent, so the chunking does not
 * change results.
 */
import * as tf from '@tensorflow/tfjs';
import { splitModel, activationsAt, headLogits, type ModelSplit } from '../graph/split';
import { getCamMethod } from './registry';
import { camHeatmaps, type HeatmapDefect } from './combine';
import { predictedClass, type CamTarget } from './targets';
import type { CamMethodDef, CamShape } from './types';

/** What to explain: a split, or a model and the name of the layer to split it at. */
export type ExplainSource = ModelSplit | { model: tf.LayersModel; layer: string };

/** Options of {@link explain}. */
export interface ExplainOptions {
  /** Registered CAM method name (see `listCamMethods()`). Default `'gradcam'`. */
  method?: string;
  /** The score to explain, as a function of the logits. Default {@link predictedClass}`()`. */
  target?: CamTarget;
  /**
   * Resolution of `heatmap`: `'input'` (default, the model input size), `'layer'` (no upsampling),
   * or `[height, width]`.
   */
  outputSize?: 'input' | 'layer' | readonly [number, number];
  /** `'minmax'` (default): each heatmap scaled to [0, 1]; `'none'`: raw upsampled values. */
  normalise?: 'minmax' | 'none';
  /** Images per forward/backward pass. Default 8. */
  batchSize?: number;
  /** Also return the activations at the layer (NHWC, all images), e.g. for filter scores. Default false. */
  returnActivations?: boolean;
  /** Also return the gradients (NHWC, all images; zeros for gradient-free methods). Default false. */
  returnGradients?: boolean;
}

const defaults = {
  method: 'gradcam',
  outputSize: 'input' as const,
  normalise: 'minmax' as const,
  batchSize: 8,
  returnActivations: false,
  returnGradients: false,
};

/** The explanation of one image. */
export interface Explanation {
  /** The heatmap at `ExplainResult.heatmapSize`, row-major; all zero when `defect` is set. */
  heatmap: Float32Array;
  /** `relu(sum_c w A_c)` at the layer resolution, not normalised. */
  layerMap: Float32Array;
  /** The class whose score was explained (arg-max of the target mask). */
  targetClass: number;
  /** The arg-max of the logits. */
  predictedClass: number;
  /** The pre-softmax logits. */
  logits: Float32Array;
  /** The explained score `sum_k mask_k * logit_k`. */
  score: number;
  /** Set when the map is all zero, constant, or not finite (it cannot be normalised). */
  defect: HeatmapDefect | null;
}

/** Result of {@link explain}. */
export interface ExplainResult {
  /** The CAM method used. */
  method: string;
  /** The explained layer. */
  layerName: string;
  /** `[h, w, channels]` at the layer. */
  layerShape: [number, number, number];
  /** `[height, width]` of every `heatmap`. */
  heatmapSize: [number, number];
  /** One per image, in input order. */
  explanations: Explanation[];
  /** Number of explanations with a `defect`. */
  defectCount: number;
  /** NHWC activations of all images, if `returnActivations`. */
  activations?: Float32Array;
  /** NHWC gradients of all images, if `returnGradients`. */
  gradients?: Float32Array;
}

/** Raw per-batch quantities the CAM core needs, downloaded from the backend. */
export interface CamArrays {
  /** Batch shape at the layer. */
  shape: CamShape;
  /** NHWC activations. */
  activations: Float32Array;
  /** NHWC gradients of the explained score, or null if not computed. */
  gradients: Float32Array | null;
  /** `[n * numClasses]` pre-softmax logits. */
  logits: Float32Array;
  /** `[n * numClasses]` target mask. */
  mask: Float32Array;
  /** Number of classes. */
  numClasses: number;
  /**
   * 1 for images with a NaN or infinite pixel: their explanation is flagged `nonFinite` whatever
   * the backend makes of it (wasm's ReLU turns NaN into 0, which would read as an all-zero map).
   */
  nonFiniteInput?: Uint8Array;
}

/** Options of {@link computeCamArrays}. */
export interface CamArraysOptions {
  /** The score to explain. Default {@link predictedClass}`()`. */
  target?: CamTarget;
  /** Whether to compute the gradient. Default true. */
  gradients?: boolean;
  /** Index of the first image of `images` among all images of the call (passed to the target). */
  start?: number;
}

/**
 * Runs the model for one batch and downloads activations, gradients, logits and target mask.
 * This is the only step that touches the backend; everything after it is pure.
 * @param split a live split
 * @param images `[n, H, W, C]`
 * @param options see {@link CamArraysOptions}
 * @returns typed arrays (no tensor is left allocated)
 */
export async function computeCamArrays(split: ModelSplit, images: tf.Tensor4D, options: CamArraysOptions = {}): Promise<CamArrays> {
  const target = options.target ?? predictedClass();
  const wantGradients = options.gradients ?? true;
  const context = { start: options.start ?? 0 };
  // Every tensor made below is released on success and on error (a target that throws, a bad
  // mask): the synchronous part runs in tf.tidy, and what it keeps is listed in `kept`.
  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => { kept.push(tf.keep(t)); return t; };
  try {
    // x - x is NaN exactly where x is NaN or infinite; one sum per image flags such inputs.
    const inputCheck = keep(tf.tidy(() => tf.sum(tf.sub(images, images), [1, 2, 3])));
    const { activation, gradient, logits, mask } = tf.tidy(() => {
      const { activation, skips } = activationsAt(split, images);
      if (!wantGradients) {
        const l = headLogits(split, activation, skips);
        return { activation: keep(activation), logits: keep(l), mask: keep(checkMask(target(l, context), l.shape)) };
      }
      let keptLogits: tf.Tensor2D | null = null;
      let keptMask: tf.Tensor2D | null = null;
      let targetError: unknown = null;
      const score = (a: tf.Tensor4D): tf.Scalar => {
        const l = headLogits(split, a, skips);
        // The target sees a copy detached from the tape: its ops add nothing to the gradient.
        const detached = tf.tensor2d(l.dataSync() as Float32Array, l.shape);
        try {
          keptMask = keep(checkMask(target(detached, context), l.shape));
        } catch (e) {
          // Not thrown here: tfjs frees the tensors it saved for the backward pass only when the
          // taped function returns, so an error thrown inside it would leak them.
          targetError = e;
          return tf.sum(tf.mul(l, 0));
        }
        keptLogits = keep(l);
        return tf.sum(tf.mul(l, keptMask));
      };
      const { grad } = tf.valueAndGrad(score)(activation);
      if (targetError != null) throw targetError;
      return { activation: keep(activation), gradient: keep(grad), logits: keptLogits as unknown as tf.Tensor2D, mask: keptMask as unknown as tf.Tensor2D };
    }) as { activation: tf.Tensor4D; gradient?: tf.Tensor; logits: tf.Tensor2D; mask: tf.Tensor2D };
    const [acts, grads, logitData, maskData, checks] = await Promise.all([
      activation.data() as Promise<Float32Array>,
      gradient ? gradient.data() as Promise<Float32Array> : Promise.resolve(null),
      logits.data() as Promise<Float32Array>,
      mask.data() as Promise<Float32Array>,
      inputCheck.data(),
    ]);
    const [n, h, w, c] = activation.shape;
    const nonFiniteInput = Uint8Array.from(checks, (v) => (Number.isNaN(v) ? 1 : 0));
    return { shape: { n, h, w, c }, activations: acts, gradients: grads, logits: logitData, mask: maskData, numClasses: logits.shape[1], nonFiniteInput };
  } finally {
    tf.dispose(kept);
  }
}

/**
 * Turns downloaded batch quantities into explanations with a CAM method (pure).
 * @param arrays from {@link computeCamArrays} (not modified)
 * @param def the CAM method
 * @param options output resolution and normalisation
 * @returns one explanation per image
 */
export function explanationsFromArrays(
  arrays: CamArrays, def: CamMethodDef, options: { outputSize: readonly [number, number]; normalise?: 'minmax' | 'none' },
): Explanation[] {
  const { shape, numClasses } = arrays;
  if (def.usesGradients && arrays.gradients == null) throw new Error(`CAM method '${def.name}' needs gradients, but none were computed`);
  const weights = def.weights(arrays.activations, def.usesGradients ? arrays.gradients : null, shape);
  const maps = camHeatmaps(arrays.activations, weights, def.weighting, shape, { outputSize: options.outputSize, normalise: options.normalise });
  return maps.map((m, b) => {
    const logits = arrays.logits.slice(b * numClasses, (b + 1) * numClasses);
    const mask = arrays.mask.subarray(b * numClasses, (b + 1) * numClasses);
    let score = 0;
    for (let k = 0; k < numClasses; k++) score += mask[k] * logits[k];
    const badInput = arrays.nonFiniteInput?.[b] === 1;
    return {
      heatmap: badInput ? new Float32Array(m.heatmap.length) : m.heatmap, layerMap: m.layerMap, targetClass: argMax(mask),
      predictedClass: argMax(logits), logits, score, defect: badInput ? 'nonFinite' : m.defect,
    };
  });
}

/**
 * Explains a batch of images with a CAM method at a layer.
 * @param source a {@link ModelSplit}, or `{model, layer}` (split internally and disposed after)
 * @param images `[n, H, W, C]` matching the model input (not modified, not disposed)
 * @param options see {@link ExplainOptions}
 * @returns per-image heatmaps, classes and logits; defective heatmaps are flagged, not thrown
 * @throws {Error} for an unknown method (listing the registered ones), an unknown or non-spatial
 *   layer (listing the valid ones), or bad options
 * @example
 * const r = await explain({ model, layer: 'block5_pool' }, images, { method: 'gradcam++' });
 * r.explanations[0].heatmap; // Float32Array of 224*224 values in [0, 1]
 */
export async function explain(source: ExplainSource, images: tf.Tensor4D, options: ExplainOptions = {}): Promise<ExplainResult> {
  const o = { ...defaults, ...options };
  const def = getCamMethod(o.method);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`explain: batchSize must be a positive integer, got ${o.batchSize}`);
  if (!(images instanceof tf.Tensor) || images.rank !== 4) {
    throw new Error(`explain: images must be a 4-D tensor [n, height, width, channels], got ${images instanceof tf.Tensor ? `shape [${images.shape}]` : typeof images}`);
  }
  const owned = 'head' in source ? null : splitModel(source.model, source.layer);
  const split = owned ?? (source as ModelSplit);
  try {
    const layerShape = split.activationShape;
    const heatmapSize = resolveOutputSize(o.outputSize, split);
    const n = images.shape[0];
    const explanations: Explanation[] = [];
    const per = layerShape[0] * layerShape[1] * layerShape[2];
    const activations = o.returnActivations ? new Float32Array(n * per) : undefined;
    const gradients = o.returnGradients ? new Float32Array(n * per) : undefined;
    for (let start = 0; start < n; start += o.batchSize) {
      const m = Math.min(o.batchSize, n - start);
      const chunk = m === n ? images : tf.slice(images, [start, 0, 0, 0], [m, -1, -1, -1]);
      try {
        const arrays = await computeCamArrays(split, chunk, { target: o.target, gradients: def.usesGradients || o.returnGradients, start });
        explanations.push(...explanationsFromArrays(arrays, def, { outputSize: heatmapSize, normalise: o.normalise }));
        activations?.set(arrays.activations, start * per);
        if (gradients && arrays.gradients) gradients.set(arrays.gradients, start * per);
      } finally {
        if (chunk !== images) chunk.dispose();
      }
    }
    return {
      method: def.name, layerName: split.layerName, layerShape: [...layerShape], heatmapSize, explanations,
      defectCount: explanations.filter((e) => e.defect != null).length,
      ...(activations ? { activations } : {}), ...(gradients ? { gradients } : {}),
    };
  } finally {
    owned?.dispose();
  }
}

function resolveOutputSize(size: ExplainOptions['outputSize'], split: ModelSplit): [number, number] {
  if (size === 'input') return [split.inputShape[0], split.inputShape[1]];
  if (size === 'layer') return [split.activationShape[0], split.activationShape[1]];
  if (Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v > 0)) return [size[0], size[1]];
  throw new Error(`explain: outputSize must be 'input', 'layer' or [height, width] of positive integers, got ${JSON.stringify(size)}`);
}

function checkMask(mask: tf.Tensor, shape: number[]): tf.Tensor2D {
  if (!(mask instanceof tf.Tensor) || mask.rank !== 2 || mask.shape[0] !== shape[0] || mask.shape[1] !== shape[1]) {
    const got = mask instanceof tf.Tensor ? `shape [${mask.shape}]` : typeof mask;
    if (mask instanceof tf.Tensor) mask.dispose();
    throw new Error(`explain: the target must return a mask of shape [${shape}] (like the logits), got ${got}`);
  }
  return mask as tf.Tensor2D;
}

function argMax(xs: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
