/**
 * The ground-truth benchmark end to end (docs/ground-truth.md): one call takes a model and a
 * folder in the ground-truth format and returns every measure for the method and the baselines.
 *
 * The images are split in two halves (alternate images of each class): the method runs on the
 * mining half through the project's own pipeline (`runExtraction` -> `mineExtraction`, one run per
 * CAM method), the baselines rank filters on the same half, and filter-to-part selectivity and the
 * model's own part importance are measured on the held-out half.
 */
import * as tf from '@tensorflow/tfjs';
import { imageChannels, unitPixelRange, unitPixelsAt, type ImageSet } from '../data/image-set';
import { activationsAt, headLogits, splitModel, type ModelSplit } from '../graph/split';
import { minedFilterLists } from '../ablation/core/mined';
import { getCamMethod } from '../cam/registry';
import { filterNorms, vebiFilters } from '../vebi/vebi';
import { mineExtraction, runExtraction, runStore, type NotebookModel } from '../notebook/pipeline';
import type { PartDef, PlantedPart } from './format';
import type { GroundTruthData } from './io';
import {
  classFilterScores, DEFAULT_SELECTIVITY_THRESHOLD, DEFAULT_USED_PART_DROP, filterPartSelectivity, filterParts, finiteMean,
  inpaintBox, partIndex, pointingGame, randomWindowPointing, sharingAgreement, usedParts, type ClassFilterScore, type PartImportance, type PartIndex,
  type PointingResult, type Selectivity,
} from './measures';
import type { PatchBox } from '../widgets/mosaic';
import { classMeanRanking, filterStatistics, randomRanking, topFilters, weightRanking } from '../baselines';

/** Options of {@link runGroundTruthBenchmark}. */
export interface GroundTruthBenchmarkOptions {
  /** CAM methods to explain with (one extraction each). Default: the model's CAM method and `gradcam++`. */
  methods?: string[];
  /** Transaction size (top-k filters per patch). Default 5. */
  k?: number;
  /** Mining thresholds. Defaults: the paper's (support 2, confidence 0.5, top 10 rules per class). */
  minSupport?: number;
  minConfidence?: number;
  topN?: number;
  /** Selectivity score for a filter to count as selective for its best part. Default 0.3. */
  selectivityThreshold?: number;
  /** Probability drop for a part to count as used by the model. Default 0.1. */
  usedPartDrop?: number;
  /** Seed of the extraction runs and of the random baseline. Default 0. */
  seed?: number;
  /** Random baseline draws (their measures are averaged). Default 20. */
  draws?: number;
  /** Extra per-class filter sets to score (name -> per class, filters), e.g. other baselines. */
  extraSets?: Record<string, number[][]>;
  /** Cache root of the extraction runs. Default: the notebook cache. */
  cacheRoot?: string;
  /** Progress lines (stage names). */
  onProgress?: (message: string) => void;
}

/** Explanation measures of one CAM method. */
export interface ExplanationRow extends PointingResult {
  method: string;
  /** Chance level: the pointing game of a uniformly random window of the median patch size. */
  chance: number;
}

/** Measures of one filter-set source. */
export interface SourceRow {
  /** e.g. `mined gradcam k=5`, `random`, `mean activation`, `grad-cam weight`, `gradient x activation`, `vebi`. */
  source: string;
  /** Mean filters per class. */
  filtersPerClass: number;
  /** Mean over classes of precision and recall against the definitional parts. */
  precision: number;
  recall: number;
  /** The same against the parts the model uses (see {@link PartImportance}). */
  precisionUsed: number;
  recallUsed: number;
  /** Specific / shared agreement and the number of filters it judges. */
  agreement: number;
  judged: number;
}

/** Per class and source. */
export interface ClassRow extends ClassFilterScore {
  source: string;
  className: string;
  precisionUsed: number;
  recallUsed: number;
}

/** What {@link runGroundTruthBenchmark} returns (plain JSON-able data). */
export interface GroundTruthBenchmark {
  model: string;
  layer: string;
  classNames: string[];
  parts: PartDef[];
  /** Images in the mining and held-out halves. */
  miningImages: number;
  heldOutImages: number;
  /** Accuracy of the model on all images of the folder. */
  accuracy: number;
  explanation: ExplanationRow[];
  /** The extraction run folder of each CAM method (its patches index the mining half). */
  runs: { method: string; dir: string }[];
  /** Per filter: its part name, or null; and its selectivity score for that part. */
  filterParts: { filter: number; part: string | null; score: number }[];
  /** `[F][P]` selectivity scores. */
  selectivity: number[][];
  /** The model's own part importance (held-out half). */
  importance: (PartImportance & { className: string; partName: string; used: boolean })[];
  /** Per class, the parts the model uses. */
  usedParts: string[][];
  sources: SourceRow[];
  perClass: ClassRow[];
  /** The filter sets scored (random: the first draw). */
  sets: Record<string, number[][]>;
  options: Required<Omit<GroundTruthBenchmarkOptions, 'extraSets' | 'cacheRoot' | 'onProgress'>>;
  seconds: number;
}

/** The images of a set at `indices`, as a new set (checksum extended by the selection). */
export function subsetImageSet(set: ImageSet, indices: readonly number[], tag: string): ImageSet {
  const px = set.height * set.width * imageChannels(set);
  const images = new Uint8Array(indices.length * px);
  indices.forEach((i, j) => images.set(set.images.subarray(i * px, (i + 1) * px), j * px));
  return { ...set, images, labels: Uint8Array.from(indices, (i) => set.labels[i]), n: indices.length, checksum: `${set.checksum}:${tag}` };
}

/**
 * The two halves of the benchmark: within each class, images alternate between mining (even
 * position) and held out (odd position).
 */
export function splitHalves(labels: ArrayLike<number>): { mining: number[]; heldOut: number[] } {
  const seen = new Map<number, number>();
  const mining: number[] = [], heldOut: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    const k = seen.get(labels[i]) ?? 0;
    seen.set(labels[i], k + 1);
    (k % 2 === 0 ? mining : heldOut).push(i);
  }
  return { mining, heldOut };
}


/** Runs `fn` over batches of float pixels and concatenates its per-image outputs. */
async function batched(pixels: Float32Array, n: number, shape: [number, number, number], per: number, fn: (x: tf.Tensor4D) => tf.Tensor, batch = 64): Promise<Float32Array> {
  const px = shape[0] * shape[1] * shape[2];
  const out = new Float32Array(n * per);
  for (let s = 0; s < n; s += batch) {
    const e = Math.min(n, s + batch);
    const y = tf.tidy(() => fn(tf.tensor4d(pixels.subarray(s * px, e * px), [e - s, ...shape])));
    out.set(await y.data() as Float32Array, s * per);
    y.dispose();
  }
  return out;
}

/** Activations `[n, h, w, F]` at the split. */
async function layerActivations(split: ModelSplit, pixels: Float32Array, n: number): Promise<Float32Array> {
  const [h, w, F] = split.activationShape;
  return batched(pixels, n, split.inputShape, h * w * F, (x) => activationsAt(split, x).activation);
}

/** Softmax probabilities `[n, K]`. */
async function probabilities(split: ModelSplit, pixels: Float32Array, n: number): Promise<Float32Array> {
  return batched(pixels, n, split.inputShape, split.numClasses, (x) => {
    const a = activationsAt(split, x);
    return tf.softmax(headLogits(split, a.activation, a.skips));
  });
}

/** Per image, the gradient of its own class's logit with respect to the activations, `[n, h, w, F]`. */
async function classLogitGradients(split: ModelSplit, pixels: Float32Array, labels: readonly number[]): Promise<Float32Array> {
  const [h, w, F] = split.activationShape;
  const n = labels.length, px = split.inputShape[0] * split.inputShape[1] * split.inputShape[2], K = split.numClasses;
  const per = h * w * F;
  const out = new Float32Array(n * per);
  for (let s = 0; s < n; s += 64) {
    const e = Math.min(n, s + 64);
    const y = tf.tidy(() => {
      const { activation, skips } = activationsAt(split, tf.tensor4d(pixels.subarray(s * px, e * px), [e - s, ...split.inputShape]));
      const mask = tf.oneHot(tf.tensor1d(labels.slice(s, e), 'int32'), K);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(headLogits(split, a as tf.Tensor4D, skips), mask)))(activation);
    });
    out.set(await y.data() as Float32Array, s * per);
    y.dispose();
  }
  return out;
}

/**
 * The model's own part importance: for each held-out image and each of its parts, the drop of the
 * true class's probability when the part is removed ({@link inpaintBox}), averaged per class and part.
 */
async function partImportance(split: ModelSplit, set: ImageSet, indices: readonly number[], planted: readonly PlantedPart[][], index: PartIndex): Promise<PartImportance[]> {
  const [H, W, C] = split.inputShape;
  const px = H * W * C, K = split.numClasses;
  const base = unitPixelsAt(set, indices, 'runGroundTruthBenchmark');
  const before = await probabilities(split, base, indices.length);
  const jobs: { j: number; part: number }[] = [];
  indices.forEach((i, j) => planted[i].forEach((q) => jobs.push({ j, part: index.id.get(q.part)! })));
  const edited = new Float32Array(jobs.length * px);
  let row = 0;
  indices.forEach((i, j) => planted[i].forEach((q) => {
    const img = edited.subarray(row * px, (row + 1) * px);
    img.set(base.subarray(j * px, (j + 1) * px));
    inpaintBox(img, H, W, C, q.box);
    row++;
  }));
  const after = await probabilities(split, edited, jobs.length);
  const acc = new Map<string, { c: number; p: number; n: number; drop: number; hitB: number; hitA: number }>();
  const argmax = (a: Float32Array, o: number) => { let b = 0; for (let k = 1; k < K; k++) if (a[o + k] > a[o + b]) b = k; return b; };
  jobs.forEach((job, r) => {
    const c = set.labels[indices[job.j]];
    const key = `${c}:${job.part}`;
    const e = acc.get(key) ?? { c, p: job.part, n: 0, drop: 0, hitB: 0, hitA: 0 };
    e.n++;
    e.drop += before[job.j * K + c] - after[r * K + c];
    e.hitB += argmax(before, job.j * K) === c ? 1 : 0;
    e.hitA += argmax(after, r * K) === c ? 1 : 0;
    acc.set(key, e);
  });
  return [...acc.values()].sort((a, b) => a.c - b.c || a.p - b.p).map((e) => ({
    class: e.c, part: e.p, images: e.n, probabilityDrop: e.drop / e.n, accuracyBefore: e.hitB / e.n, accuracyAfter: e.hitA / e.n,
  }));
}

/** Scores one family of per-class filter sets (averaging over draws when several are given). */
function scoreSource(source: string, draws: number[][][], partOf: Int32Array, index: PartIndex, used: number[][], classNames: readonly string[]): { row: SourceRow; perClass: ClassRow[] } {
  const perDraw = draws.map((sets) => {
    const def = classFilterScores(sets, partOf, index.classParts);
    const use = classFilterScores(sets, partOf, used);
    return { def, use, agree: sharingAgreement(sets, partOf, index) };
  });
  const mean = (f: (d: typeof perDraw[number]) => number) => finiteMean(perDraw.map(f));
  const perClass: ClassRow[] = perDraw[0].def.map((r, c) => ({
    ...r, source, className: classNames[c],
    precision: finiteMean(perDraw.map((d) => d.def[c].precision)), recall: finiteMean(perDraw.map((d) => d.def[c].recall)),
    precisionUsed: finiteMean(perDraw.map((d) => d.use[c].precision)), recallUsed: finiteMean(perDraw.map((d) => d.use[c].recall)),
  }));
  return {
    row: {
      source, filtersPerClass: finiteMean(draws[0].map((s) => s.length)),
      precision: mean((d) => finiteMean(d.def.map((r) => r.precision))), recall: mean((d) => finiteMean(d.def.map((r) => r.recall))),
      precisionUsed: mean((d) => finiteMean(d.use.map((r) => r.precision))), recallUsed: mean((d) => finiteMean(d.use.map((r) => r.recall))),
      agreement: mean((d) => d.agree.agreement), judged: mean((d) => d.agree.judged),
    },
    perClass,
  };
}

/**
 * Runs the whole benchmark.
 * @param m the model (see `loadNotebookModel`); its input must match the data's images
 * @param data a folder in the ground-truth format, read for this model (see `readGroundTruthFolder`)
 * @param options see {@link GroundTruthBenchmarkOptions}
 * @throws before any model run if an option is out of range or the data does not fit the model
 */
export async function runGroundTruthBenchmark(m: NotebookModel, data: GroundTruthData, options: GroundTruthBenchmarkOptions = {}): Promise<GroundTruthBenchmark> {
  const t0 = Date.now();
  const o = {
    methods: options.methods ?? [...new Set([m.camMethod, 'gradcam++'])], k: options.k ?? 5,
    minSupport: options.minSupport ?? 2, minConfidence: options.minConfidence ?? 0.5, topN: options.topN ?? 10,
    selectivityThreshold: options.selectivityThreshold ?? DEFAULT_SELECTIVITY_THRESHOLD,
    usedPartDrop: options.usedPartDrop ?? DEFAULT_USED_PART_DROP, seed: options.seed ?? 0, draws: options.draws ?? 20,
  };
  const say = options.onProgress ?? (() => undefined);
  const { set } = data;
  const [H, W, C] = m.inputShape;
  if (set.height !== H || set.width !== W || imageChannels(set) !== C) {
    throw new Error(`runGroundTruthBenchmark: model '${m.name}' takes ${H}x${W}x${C} images, the data has ${set.height}x${set.width}x${imageChannels(set)}`);
  }
  if (set.classNames.length !== m.numClasses) {
    throw new Error(`runGroundTruthBenchmark: model '${m.name}' has ${m.numClasses} outputs, the data has ${set.classNames.length} classes (${set.classNames.join(', ')})`);
  }
  if (!(Number.isInteger(o.k) && o.k >= 1 && o.k <= m.channels)) throw new Error(`runGroundTruthBenchmark: k must be an integer in [1, ${m.channels}], got ${o.k}`);
  if (!(Number.isInteger(o.draws) && o.draws >= 1)) throw new Error(`runGroundTruthBenchmark: draws must be a positive integer, got ${o.draws}`);
  if (o.methods.length === 0) throw new Error('runGroundTruthBenchmark: methods must name at least one CAM method');
  for (const method of o.methods) getCamMethod(method); // an unknown name fails here, naming the known ones
  const index = partIndex(data.parts, set.classNames);
  const K = set.classNames.length;
  const halves = splitHalves(set.labels);
  if (halves.heldOut.length === 0) throw new Error(`runGroundTruthBenchmark: need at least two images per class, got ${set.n} images`);
  const miningSet = subsetImageSet(set, halves.mining, 'mining-half');
  const miningPlanted = halves.mining.map((i) => data.planted[i]);
  const heldPlanted = halves.heldOut.map((i) => data.planted[i]);

  // The method, through the project's pipeline, once per CAM method.
  const explanation: ExplanationRow[] = [];
  const runs: { method: string; dir: string }[] = [];
  const sets: Record<string, number[][]> = {};
  for (const method of o.methods) {
    say(`extraction with ${method} on ${miningSet.n} images`);
    const run = await runExtraction(m, { data: { set: miningSet, name: 'ground-truth-mining-half' }, method, seed: o.seed, ks: [o.k], ...(options.cacheRoot ? { cacheRoot: options.cacheRoot } : {}) });
    runs.push({ method, dir: run.dir });
    const cols = runStore(run).columns;
    const patches: PatchBox[] = Array.from(cols.image, (image, r) => ({ image, x: cols.x[r], y: cols.y[r], size: cols.size[r] }));
    const sizes = Array.from(cols.size).sort((a, b) => a - b);
    const size = sizes.length ? sizes[sizes.length >> 1] : Math.round(Math.min(H, W) / 4);
    explanation.push({ method, ...pointingGame(patches, miningPlanted, miningSet.labels, index), chance: randomWindowPointing(miningPlanted, miningSet.labels, index, size, H, W) });
    const mined = mineExtraction(run, { k: o.k, minSupport: o.minSupport, minConfidence: o.minConfidence, topN: o.topN, groups: false });
    sets[`mined ${method} k=${o.k}`] = minedFilterLists(mined, K).map((l) => [...l]);
  }
  const reference = sets[`mined ${o.methods[0]} k=${o.k}`];
  const sizes = reference.map((s) => s.length);

  const split = splitModel(m.model, m.layer);
  try {
    const [h, w, F] = split.activationShape;
    say(`activations of ${set.n} images`);
    const minePixels = unitPixelsAt(set, halves.mining, 'runGroundTruthBenchmark');
    const mineActs = await layerActivations(split, minePixels, halves.mining.length);
    const heldActs = await layerActivations(split, unitPixelsAt(set, halves.heldOut, 'runGroundTruthBenchmark'), halves.heldOut.length);
    const allProbs = await probabilities(split, unitPixelRange(set, 0, set.n, 'runGroundTruthBenchmark'), set.n);
    let correct = 0;
    for (let i = 0; i < set.n; i++) {
      let b = 0; for (let c = 1; c < K; c++) if (allProbs[i * K + c] > allProbs[i * K + b]) b = c;
      if (b === set.labels[i]) correct++;
    }
    const sel: Selectivity = filterPartSelectivity({ data: heldActs, n: halves.heldOut.length, h, w, F, imageHeight: H, imageWidth: W }, heldPlanted, index);
    const partOf = filterParts(sel, o.selectivityThreshold);
    say('part importance (parts removed one at a time)');
    const importance = await partImportance(split, set, halves.heldOut, data.planted, index);
    const used = usedParts(importance, K, o.usedPartDrop);

    // Baselines on the mining half (src/baselines), cut to the mined sets' sizes.
    const mineLabels = Array.from(miningSet.labels);
    const nm = mineLabels.length;
    const stats = filterStatistics(mineActs, await classLogitGradients(split, minePixels, mineLabels), nm, F);
    sets['mean activation'] = topFilters(classMeanRanking(stats.meanActivation, mineLabels, K), sizes);
    sets['grad-cam weight'] = topFilters(classMeanRanking(stats.gradcamWeight, mineLabels, K), sizes);
    sets['gradient x activation'] = topFilters(classMeanRanking(stats.gradTimesActivation, mineLabels, K), sizes);
    const vebi = vebiFilters(filterNorms(mineActs, nm, F), mineLabels, K, { targetFiltersPerClass: Math.max(1, Math.round(finiteMean(sizes))) });
    sets.vebi = topFilters(weightRanking(vebi.weights, K, vebi.correlations), sizes);
    Object.assign(sets, options.extraSets ?? {});
    const randomDraws = Array.from({ length: o.draws }, (_, d) => topFilters(randomRanking(F, K, o.seed * 1009 + d), sizes));
    sets.random = randomDraws[0];

    const sources: SourceRow[] = [];
    const perClass: ClassRow[] = [];
    for (const [name, s] of Object.entries(sets)) {
      const r = scoreSource(name, name === 'random' ? randomDraws : [s], partOf, index, used, set.classNames);
      sources.push(r.row);
      perClass.push(...r.perClass);
    }
    const P = index.names.length;
    return {
      model: m.name, layer: m.layer, classNames: [...set.classNames], parts: data.parts,
      miningImages: halves.mining.length, heldOutImages: halves.heldOut.length, accuracy: correct / set.n,
      explanation, runs,
      filterParts: Array.from(partOf, (p, f) => ({ filter: f, part: p >= 0 ? index.names[p] : null, score: p >= 0 ? sel.score[f * P + p] : NaN })),
      selectivity: Array.from({ length: F }, (_, f) => Array.from(sel.score.subarray(f * P, (f + 1) * P))),
      importance: importance.map((r) => ({ ...r, className: set.classNames[r.class], partName: index.names[r.part], used: used[r.class].includes(r.part) })),
      usedParts: used.map((ps) => ps.map((p) => index.names[p])),
      sources, perClass, sets, options: o, seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    split.dispose();
  }
}
