/**
 * Explanations and patches of a few images, for the notebook that shows Pipeline steps 1-2 of docs/method.md
 * step by step: CAM heatmaps by several methods, Monte-Carlo versus dense+NMS windows, and the
 * faithfulness stopping rule with its occlusion drops.
 */
import * as tf from '@tensorflow/tfjs';
import { explain, type Explanation } from '../cam/explain';
import { imageChannels, unitPixelsAt, type ImageSet } from '../data/image-set';
import { activationsAt, headLogits, splitModel } from '../graph/split';
import type { PatchWindow } from '../patches/heatmap';
import { faithfulPatches } from '../patches/occlusion';
import { getPatchSampler, type PatchSamplerOptions } from '../patches/sampler';
import { imageSeed } from '../extract/seeds';
import { rng } from '../util/rng';
import type { HeatmapStack } from '../widgets/mosaic';
import type { NotebookModel } from './pipeline';

/** The chosen images of a set as model input `[n, H, W, 1]` in [0, 1] (a new array). */
export function pickImages(set: Pick<ImageSet, 'images' | 'width' | 'height' | 'n'>, indices: readonly number[]): Float32Array {
  return unitPixelsAt(set, indices, 'pickImages');
}

/** What {@link explainImages} returns. */
export interface ImageExplanations {
  /** The chosen images, `[n, H, W, 1]` in [0, 1] (an image stack for the widgets). */
  images: { pixels: Float32Array; width: number; height: number; channels: number };
  /** Heatmaps at input size, one per image, in [0, 1]. */
  heatmaps: HeatmapStack;
  /** Predicted class per image. */
  predicted: number[];
  /** Images whose heatmap was defective (all zero, constant or not finite). */
  defects: number;
}

/**
 * CAM heatmaps of the chosen images for their predicted class.
 * @param m the model and layer
 * @param set the images
 * @param indices which images
 * @param method a registered CAM method (`listCamMethods()`), default `gradcam`
 */
export async function explainImages(m: NotebookModel, set: ImageSet, indices: readonly number[], method = 'gradcam'): Promise<ImageExplanations> {
  const pixels = pickImages(set, indices);
  const channels = imageChannels(set);
  const r = await explainPixels(m.model, m.layer, pixels, [indices.length, set.height, set.width, channels], method);
  return {
    images: { pixels, width: set.width, height: set.height, channels },
    heatmaps: r.heatmaps,
    predicted: r.explanations.map((e) => e.predictedClass),
    defects: r.defects,
  };
}

/**
 * CAM heatmaps at input size of a batch of model-input pixels, for the predicted classes: the one
 * path of {@link explainImages} and of the bring-your-own-model notebook's `explainFolderImages`.
 * @param shape `[n, height, width, channels]` of `pixels`
 */
export async function explainPixels(model: tf.LayersModel, layer: string, pixels: Float32Array, shape: [number, number, number, number], method = 'gradcam'): Promise<{ heatmaps: HeatmapStack; explanations: Explanation[]; defects: number }> {
  const x = tf.tensor4d(pixels, shape);
  try {
    const r = await explain({ model, layer }, x, { method, outputSize: 'input' });
    const [H, W] = r.heatmapSize;
    const data = new Float32Array(shape[0] * H * W);
    r.explanations.forEach((e, j) => data.set(e.heatmap, j * H * W));
    return { heatmaps: { data, width: W, height: H }, explanations: r.explanations, defects: r.defectCount };
  } finally {
    x.dispose();
  }
}

/** One image's windows from one sampler, after the faithfulness rule. */
export interface SampledPatches {
  /** Position of the image in the explained batch. */
  index: number;
  sampler: string;
  /** Candidate windows in order of choice. */
  windows: PatchWindow[];
  /** Leading windows kept by the stopping rule. */
  keep: number;
  /** Cumulative occlusion drops d_1.. of the variants evaluated. */
  drops: number[];
}

/** Options of {@link samplePatches}. */
export interface SamplePatchesOptions {
  /** Sampler options (window size, samples, rounds, inset, stride, IoU threshold). */
  patch?: Omit<PatchSamplerOptions, 'rng' | 'seed'>;
  /** Faithfulness threshold. Default 0.1. */
  threshold?: number;
  /** Run seed (image j draws from `rng(imageSeed(seed, j))`, as the extraction does). Default 0. */
  seed?: number;
}

/**
 * Patch windows of explained images by a sampler, with the faithfulness stopping rule
 * (cumulative occlusion, docs/method.md, Pipeline step 2).
 * @param m the model
 * @param ex the explanations of the images ({@link explainImages})
 * @param sampler a registered patch sampler (`monte-carlo`, `dense-nms`)
 */
export async function samplePatches(m: NotebookModel, ex: ImageExplanations, sampler: string, options: SamplePatchesOptions = {}): Promise<SampledPatches[]> {
  const sample = getPatchSampler(sampler);
  const { width: W, height: H } = ex.heatmaps;
  const n = ex.predicted.length;
  const windows = Array.from({ length: n }, (_, j) => sample(
    { data: ex.heatmaps.data.subarray(j * H * W, (j + 1) * H * W), width: W, height: H },
    { ...(options.patch ?? {}), rng: rng(imageSeed(options.seed ?? 0, j)) },
  ));
  const split = splitModel(m.model, m.layer);
  try {
    const logits = (x: tf.Tensor4D) => {
      const { activation, skips } = activationsAt(split, x);
      return headLogits(split, activation, skips);
    };
    const res = await faithfulPatches(logits, ex.images.pixels, [n, ex.images.height, ex.images.width, 1], windows, ex.predicted,
      { threshold: options.threshold ?? 0.1 });
    return res.map((r, j) => ({ index: j, sampler, windows: windows[j], keep: r.keep, drops: Array.from(r.drops) }));
  } finally {
    split.dispose();
  }
}
