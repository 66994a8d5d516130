/**
 * Seeded, repeatable training of a registered architecture on an image set (Adam, cosine
 * learning-rate decay, seeded shuffling and augmentation), and writing the trained model with its
 * model card.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { imageChannels, type ImageSet } from '../data/image-set';
import { permutation, rng } from '../util/rng';
import { getArchitecture } from './registry';
import { assembleBatch, cosineLearningRate, defaultAugment, oneHot, type AugmentOptions } from './augment';
import { progressReporter, type ProgressReporter } from '../util/progress';
import { evaluateAccuracy } from './evaluate';
import type { ModelCard } from './card';
import { saveModel } from './io';
import { withFastTrainingKernels } from './fast-grads';

/** Options of {@link trainModel}. */
export interface TrainOptions {
  /** Registered architecture name. Default `vgg-small`. */
  architecture?: string;
  /** Passes over the training images. Default 5. */
  epochs?: number;
  /** Images per step. Default 64 (the last, smaller batch of an epoch is kept). */
  batchSize?: number;
  /** Seed of weight init, shuffling and augmentation. Default 0. */
  seed?: number;
  /** Adam's initial learning rate, decayed by a cosine to 5% of it at the last step. Default 0.001. */
  learningRate?: number;
  /** Augmentation, or false for none. Default {@link defaultAugment}. */
  augment?: AugmentOptions | false;
  /** Filter-count multiplier passed to the builder (1 = full size). Default 1. */
  width?: number;
  /** Where progress goes; null for silence. Default: a progress bar on stderr. */
  progress?: ProgressReporter | null;
  /**
   * A trained model whose weights start the training (fine-tuning): every layer of the new model
   * with a layer of the same name and the same weight shapes there starts from its weights; the
   * others keep their seeded initialisation. Default: none (training from scratch).
   */
  initFrom?: tf.LayersModel | null;
}

const defaults = {
  architecture: 'vgg-small', epochs: 5, batchSize: 64, seed: 0, learningRate: 1e-3,
  augment: defaultAugment as AugmentOptions | false, width: 1,
};

/** Per-epoch training figures. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch. */
  loss: number;
  /** Training accuracy over the epoch (augmented images, training mode). */
  accuracy: number;
  seconds: number;
}

/** What {@link trainModel} returns; dispose `model` when done. */
export interface TrainResult {
  model: tf.LayersModel;
  history: EpochRecord[];
  /** Wall time of the training loop in seconds. */
  seconds: number;
  /** The resolved options. */
  options: Required<Omit<TrainOptions, 'progress' | 'initFrom'>>;
  /** Layers whose weights came from `initFrom` (empty when training from scratch). */
  initializedLayers: string[];
}

function checkPositiveInt(name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`trainModel: ${name} must be a positive integer, got ${v}`);
}

/**
 * Trains a fresh model of a registered architecture on `set` (softmax cross-entropy on its
 * logits). Deterministic for a given seed and backend. On wasm it runs with
 * {@link withFastTrainingKernels}.
 * @param set training images (uint8, one channel) and labels; not modified
 * @throws if the architecture is unknown or an option is out of range
 */
export async function trainModel(set: ImageSet, options: TrainOptions = {}): Promise<TrainResult> {
  return withFastTrainingKernels(() => trainLoop(set, options));
}

/**
 * Copies the weights of every layer of `from` into the layer of `to` with the same name and the
 * same weight shapes.
 * @returns the names of the layers copied
 * @throws if no layer matches (the two models share nothing)
 */
function copyMatchingWeights(from: tf.LayersModel, to: tf.LayersModel): string[] {
  const copied: string[] = [];
  for (const layer of to.layers) {
    const source = from.layers.find((l) => l.name === layer.name);
    if (!source) continue;
    // getWeights() returns the variables' own tensors: they are not disposed here.
    const want = layer.weights, have = source.getWeights();
    const same = want.length > 0 && want.length === have.length && want.every((w, i) => w.shape.join(',') === have[i].shape.join(','));
    if (!same) continue;
    layer.setWeights(have);
    copied.push(layer.name);
  }
  if (!copied.length) throw new Error(`trainModel: initFrom '${from.name}' has no layer with the name and weight shapes of a layer of '${to.name}'`);
  return copied;
}

/** `options` without its undefined fields, so that they fall back to the defaults. */
function defined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function trainLoop(set: ImageSet, options: TrainOptions): Promise<TrainResult> {
  const o = { ...defaults, ...defined(options) };
  const progress = options.progress === undefined ? progressReporter(process.stderr) : options.progress;
  checkPositiveInt('epochs', o.epochs);
  checkPositiveInt('batchSize', o.batchSize);
  if (!(o.learningRate > 0)) throw new Error(`trainModel: learningRate must be > 0, got ${o.learningRate}`);
  if (set.n === 0) throw new Error('trainModel: the training set is empty');
  const arch = getArchitecture(o.architecture);
  const classes = set.classNames.length;
  const [h, w, ch] = arch.inputShape;
  if (set.height !== h || set.width !== w || imageChannels(set) !== ch) {
    throw new Error(`trainModel: ${o.architecture} expects ${h}x${w}x${ch} images, got ${set.height}x${set.width}x${imageChannels(set)}`);
  }

  const root = rng(o.seed);
  const shuffleRng = root.fork();
  const augmentRng = root.fork();
  const model = arch.build({ seed: o.seed, width: o.width, classes });
  const initializedLayers = options.initFrom ? copyMatchingWeights(options.initFrom, model) : [];
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
  const optimizer = tf.train.adam(o.learningRate);
  const setLearningRate = (lr: number) => { (optimizer as unknown as { learningRate: number }).learningRate = lr; };
  const steps = Math.ceil(set.n / o.batchSize);
  const history: EpochRecord[] = [];
  const t0 = Date.now();
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const order = permutation(set.n, shuffleRng);
      const te = Date.now();
      let lossSum = 0, correct = 0, seen = 0;
      for (let s = 0; s < steps; s++) {
        const idx = order.subarray(s * o.batchSize, Math.min(set.n, (s + 1) * o.batchSize));
        setLearningRate(cosineLearningRate(epoch * steps + s, o.epochs * steps, o.learningRate));
        const xs = assembleBatch(set.images, h, w, idx, o.augment ? augmentRng : null, o.augment || {}, ch);
        const ys = oneHot(set.labels, idx, classes);
        const x = tf.tensor4d(xs, [idx.length, h, w, ch]);
        const y = tf.tensor2d(ys, [idx.length, classes]);
        let hits: tf.Scalar | null = null;
        const cost = optimizer.minimize(() => {
          const logits = model.apply(x, { training: true }) as tf.Tensor2D;
          hits = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'int32')) as tf.Scalar);
          return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
        }, true, vars) as tf.Scalar;
        const [lossValue] = await cost.data();
        const [hitValue] = await (hits as unknown as tf.Scalar).data();
        tf.dispose([x, y, cost, hits as unknown as tf.Scalar]);
        lossSum += lossValue * idx.length; correct += hitValue; seen += idx.length;
        const elapsed = (Date.now() - te) / 1000;
        const ips = seen / Math.max(elapsed, 1e-9);
        const state = {
          label: `epoch ${epoch + 1}/${o.epochs}`, done: s + 1, total: steps,
          figures: { loss: lossSum / seen, acc: correct / seen }, imagesPerSecond: ips,
          etaSeconds: ((o.epochs - epoch) * set.n - seen) / ips,
        };
        if (s + 1 === steps) progress?.end(state); else progress?.update(state);
      }
      history.push({ epoch: epoch + 1, loss: lossSum / seen, accuracy: correct / seen, seconds: (Date.now() - te) / 1000 });
    }
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
  const { progress: _p, initFrom: _i, ...resolved } = { ...o, progress: null, initFrom: null };
  return { model, history, seconds: (Date.now() - t0) / 1000, options: resolved, initializedLayers };
}

/** Input of {@link makeModelCard}. */
export interface ModelCardInput {
  /** The training result. */
  result: TrainResult;
  /** The training set used (for its size and checksum). */
  train: ImageSet;
  /** The test set to evaluate on (the card records its accuracy). */
  test: ImageSet;
  /** Where the starting weights came from, when training started from another model. */
  initializedFrom?: string;
}

/**
 * Evaluates a trained model on the test set and builds its model card.
 * @returns the card (not written)
 */
export async function makeModelCard(input: ModelCardInput): Promise<ModelCard> {
  const { result, train, test } = input;
  const arch = getArchitecture(result.options.architecture);
  const acc = await evaluateAccuracy(result.model, test);
  const perClass: Record<string, number> = {};
  test.classNames.forEach((c, i) => { perClass[c] = acc.perClass[i]; });
  const aug = result.options.augment;
  return {
    name: arch.name + (result.options.width !== 1 ? `-w${result.options.width}` : ''),
    architecture: arch.description,
    analysisLayer: arch.analysisLayer,
    inputShape: [...arch.inputShape],
    output: 'logits',
    classNames: [...test.classNames],
    testAccuracy: { overall: acc.overall, perClass, n: acc.n },
    parameterCount: result.model.countParams(),
    epochs: result.options.epochs,
    batchSize: result.options.batchSize,
    seed: result.options.seed,
    trainImages: train.n,
    optimizer: `adam lr ${result.options.learningRate}, cosine decay to 5% over all steps, softmax cross-entropy on logits`,
    augmentation: aug ? `random shift up to ${aug.maxShift ?? 0} px, ${aug.flip ? 'random left-right flip' : 'no flip'}` : 'none',
    trainingSeconds: Math.round(result.seconds),
    backend: tf.getBackend(),
    dataChecksum: train.checksum,
    testDataChecksum: test.checksum,
    tfjsVersion: tf.version.tfjs,
    date: new Date().toISOString(),
    ...(result.initializedLayers.length ? { initializedLayers: result.initializedLayers } : {}),
    ...(input.initializedFrom ? { initializedFrom: input.initializedFrom } : {}),
  };
}

/**
 * Saves a model (layers-model folder) and its card (`card.json`) into `dir`.
 * @param dir created if needed
 */
export async function writeModelWithCard(model: tf.LayersModel, card: ModelCard, dir: string): Promise<void> {
  await saveModel(model, dir);
  fs.writeFileSync(path.join(dir, 'card.json'), JSON.stringify(card, null, 2) + '\n');
}
