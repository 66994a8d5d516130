/**
 * One batch through docs/method.md, Pipeline steps 1-3: explain (CAM heatmap and layer activations) -> patch
 * windows -> faithfulness stopping rule by cumulative occlusion -> per-filter window scores.
 * Images whose heatmap is all zero, constant or not finite get no patches and are recorded with
 * that outcome instead of failing the run.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { explain, type ExplainResult } from '../cam/explain';
import { activationsAt, headLogits, type ModelSplit } from '../graph/split';
import { getPatchSampler, type PatchSamplerOptions } from '../patches/sampler';
import { heatmapStatus, type PatchWindow } from '../patches/heatmap';
import { faithfulPatches, type LogitsFn } from '../patches/occlusion';
import { DEFAULT_FAITHFUL_THRESHOLD } from '../patches/faithful';
import { createWindowScorer } from '../transactions/window-scores';
import type { PatchColumns } from '../transactions/store';
import { rng } from '../util/rng';
import type { ImageColumns, ImageOutcome } from './chunk';
import { imageSeed } from './seeds';

/** Patch-window parameters (no seed: seeds are per image, see {@link imageSeed}). */
export type PatchParams = Omit<PatchSamplerOptions, 'rng' | 'seed'>;

/** Options of {@link extractBatch}: everything that decides the result. */
export interface ExtractionParams {
  /** CAM method (see `listCamMethods()`). Default `'gradcam'`. */
  method?: string;
  /** Patch sampler (see `listPatchSamplers()`). Default `'monte-carlo'`. */
  sampler?: string;
  /** Window size, samples, rounds, inset, stride, IoU threshold. Defaults: the sampler's. */
  patch?: PatchParams;
  /** Faithfulness threshold on the drop increment. Default 0.1. */
  threshold?: number;
  /** Run seed; image `i` draws its windows from `rng(imageSeed(seed, i))`. Default 0. */
  seed?: number;
  /** Most images per occlusion forward pass. Default: the batch size (bounds memory like `batchSize`). */
  occlusionBatch?: number;
}

/** The defaults of {@link ExtractionParams}. */
export const extractionDefaults = { method: 'gradcam', sampler: 'monte-carlo', threshold: DEFAULT_FAITHFUL_THRESHOLD, seed: 0 } as const;

/** A batch of images with their identities. */
export interface BatchInput {
  /** `[n, H, W, C]` pixels as the model expects them. */
  images: Float32Array;
  shape: readonly [number, number, number, number];
  /** Global index of each image in the data set (for seeds and ids). */
  indices: ArrayLike<number>;
  /** True class of each image. */
  labels: ArrayLike<number>;
}

/** What {@link extractBatch} returns. */
export interface BatchResult {
  images: ImageColumns;
  /** `patch` = rank of the patch within its image. */
  patches: PatchColumns;
  /** `[nPatches x nFilters]`. */
  scores: Float32Array;
  nFilters: number;
  /** Wall-clock milliseconds per stage (for benchmarks and progress reports). */
  timings: { explain: number; patches: number; occlusion: number; scores: number };
}

/**
 * Runs stages 1-3 on one batch.
 * @param split the model split at the analysed layer (see `splitModel`)
 * @param input the images (not modified)
 * @returns image records, patch columns and per-filter scores; leaves no tensor allocated
 */
export async function extractBatch(split: ModelSplit, input: BatchInput, params: ExtractionParams = {}): Promise<BatchResult> {
  const p = {
    method: params.method ?? extractionDefaults.method, sampler: params.sampler ?? extractionDefaults.sampler,
    patch: params.patch, threshold: params.threshold ?? extractionDefaults.threshold,
    seed: params.seed ?? extractionDefaults.seed, occlusionBatch: params.occlusionBatch ?? input.shape[0],
  };
  const sampler = getPatchSampler(p.sampler);
  const [n, H, W, C] = input.shape;
  const [h, w, F] = split.activationShape;
  const t0 = performance.now();
  const imagesT = tf.tensor4d(input.images, [n, H, W, C]);
  let ex: ExplainResult;
  try {
    ex = await explain(split, imagesT, { method: p.method, batchSize: n, returnActivations: true });
  } finally {
    imagesT.dispose();
  }
  const acts = ex.activations!;
  const t1 = performance.now();
  const windows: PatchWindow[][] = [];
  const outcome: ImageOutcome[] = [];
  const pred = new Int32Array(n), logit = new Float32Array(n);
  ex.explanations.forEach((e, b) => {
    pred[b] = e.predictedClass;
    logit[b] = e.logits[e.predictedClass];
    const status = e.defect ?? heatmapStatus({ data: e.heatmap, width: ex.heatmapSize[1], height: ex.heatmapSize[0] });
    outcome.push(status === 'nan' ? 'nonFinite' : status);
    windows.push(outcome[b] !== 'ok' ? [] : sampler(
      { data: e.heatmap, width: ex.heatmapSize[1], height: ex.heatmapSize[0] },
      { ...p.patch, rng: rng(imageSeed(p.seed, input.indices[b])) },
    ));
  });
  const t2 = performance.now();
  const logits: LogitsFn = (x) => {
    const { activation, skips } = activationsAt(split, x);
    return headLogits(split, activation, skips);
  };
  const faithful = await faithfulPatches(logits, input.images, input.shape, windows, pred,
    { threshold: p.threshold, maxBatch: p.occlusionBatch, originalLogits: logit });
  const t3 = performance.now();
  const total = faithful.reduce((a, r) => a + r.keep, 0);
  const patches: PatchColumns = {
    image: new Int32Array(total), patch: new Int32Array(total), x: new Int32Array(total), y: new Int32Array(total),
    size: new Int32Array(total), label: new Int32Array(total), pred: new Int32Array(total),
    score: new Float32Array(total), drop: new Float32Array(total),
  };
  const scores = new Float32Array(total * F);
  const scorer = createWindowScorer(h, w, F, H, W);
  let row = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < faithful[b].keep; i++, row++) {
      const win = windows[b][i];
      patches.image[row] = input.indices[b]; patches.patch[row] = i;
      patches.x[row] = win.x; patches.y[row] = win.y; patches.size[row] = win.size;
      patches.label[row] = input.labels[b]; patches.pred[row] = pred[b];
      patches.score[row] = win.score; patches.drop[row] = faithful[b].drops[i];
      scorer.scores(acts, win, scores.subarray(row * F, (row + 1) * F), b * h * w * F);
    }
  }
  const images: ImageColumns = {
    image: Int32Array.from(input.indices), label: Int32Array.from(input.labels), pred, logit,
    candidates: Int32Array.from(windows, (ws) => ws.length), kept: Int32Array.from(faithful, (r) => r.keep), outcome,
  };
  const timings = { explain: t1 - t0, patches: t2 - t1, occlusion: t3 - t2, scores: performance.now() - t3 };
  return { images, patches, scores, nFilters: F, timings };
}
