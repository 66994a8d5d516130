/**
 * Where a dataset run reads its images: any labelled set that can hand out float pixel batches.
 */
import * as crypto from 'node:crypto';
import * as tf from '@tensorflow/tfjs';
import * as path from 'node:path';
import { imageChannels, unitPixelRange, type ImageSet } from '../data/image-set';
import { readClassNames, readImageFolderDataset, type ImageFolderDataset, type RejectedFile } from '../data/image-folder';
import { listPresets } from '../data/presets';
import type { ModelCardInfo } from './model';

/** A labelled image set for {@link extractDataset}. */
export interface ExtractDataSource {
  /** A name for manifests, e.g. `fashion-mnist-test`. */
  name: string;
  /** Identifies the content (e.g. a SHA-256 of the files); part of the run fingerprint. */
  checksum: string;
  /** Number of images. */
  n: number;
  /** `[height, width, channels]` of every image. */
  shape: [number, number, number];
  /** True class per image. */
  labels: ArrayLike<number>;
  /** Images `[start, end)` as `[end-start, H, W, C]` floats, as the model expects them. */
  pixels(start: number, end: number): Float32Array;
  /** How to rebuild this source in a worker thread (set by {@link imageSetSource}). */
  imageSet?: { set: ImageSet; name: string; limit: number };
  /** How to open this image folder again (set by {@link imageFolderSource}; a run writes it to `data-source.json`). */
  spec?: ImageFolderSpec;
  /** Files of the source that were skipped, with the reason (a run writes them to `rejected-files.json`). */
  rejected?: readonly RejectedFile[];
}

/**
 * A data source over an {@link ImageSet} (pixels scaled to [0, 1], its channels), as
 * `imageBatch` makes them.
 * @param name e.g. `fashion-mnist-test`
 * @param limit keep only the first `limit` images
 */
export function imageSetSource(set: ImageSet, name: string, limit = set.n): ExtractDataSource {
  const n = Math.min(limit, set.n);
  return {
    name: limit < set.n ? `${name}[:${n}]` : name,
    imageSet: { set, name, limit },
    checksum: set.checksum,
    n,
    shape: [set.height, set.width, imageChannels(set)],
    labels: set.labels.subarray(0, n),
    pixels(start, end) {
      return unitPixelRange({ ...set, n }, start, end, 'imageSetSource');
    },
  };
}

/**
 * A fingerprint of a model's weights: SHA-256 over every weight's name, shape and float bytes.
 * Part of a run's fingerprint, so results of a retrained model are never mixed with old ones.
 */
export function modelFingerprint(model: tf.LayersModel): string {
  const hash = crypto.createHash('sha256');
  hash.update(model.name);
  for (const w of model.weights) {
    const v = w.read();
    const data = v.dataSync() as Float32Array;
    hash.update(`${w.originalName}:${w.shape.join('x')}:${v.dtype};`);
    hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex');
}

/** Everything needed to open an image folder again exactly as a run read it (`data-source.json` of a run folder). */
export interface ImageFolderSpec {
  kind: 'image-folder';
  /** Absolute path of the folder. */
  root: string;
  /** The model's class names in output order. */
  classNames: string[];
  size: number;
  resize: number;
  preset: string;
  classes?: string[];
  perClass?: number;
  limit?: number;
}

/** Options of {@link imageFolderSource}: what the command line and notebooks pass. */
export interface ImageFolderSourceOptions {
  /** The model's class names in output order; `'folders'` takes the sorted folder names. Default: `classesFile`, else the card's. */
  classNames?: readonly string[] | 'folders';
  /** A classes file ({@link readClassNames}). */
  classesFile?: string;
  /** Preprocessing preset name. Default: the card's `preset`. */
  preset?: string;
  /** Shorter side before the centre crop. Default: the card's `resize`, else round(size * 256 / 224). */
  resize?: number;
  classes?: readonly string[];
  perClass?: number;
  limit?: number;
}

/** An image folder as a data source, with the data set behind it. */
export interface ImageFolderSource extends ExtractDataSource {
  dataset: ImageFolderDataset;
  spec: ImageFolderSpec;
  rejected: readonly RejectedFile[];
}

/**
 * Opens an image folder for a model: the one path by which the CLI (`extract --images`,
 * `evaluate`) and the notebooks read a folder. Class folders are matched to the model's classes by
 * name (a classes file, else the model card); the input size is the model's.
 * @param root the folder, one sub-folder per class
 * @param model the model (its input shape and number of outputs are checked)
 * @param card the model card, when there is one
 * @param options class names, preset, limits
 * @throws when the model's class names are unknown or their count differs from the model's
 *   outputs, no preset is known, the model input is not square RGB, or a folder matches no class
 */
export function imageFolderSource(root: string, model: tf.LayersModel, card: ModelCardInfo | undefined, options: ImageFolderSourceOptions = {}): ImageFolderSource {
  const [, h, w, c] = model.inputs[0].shape;
  if (h !== w || c !== 3 || typeof h !== 'number') throw new Error(`image folders need a model with square RGB input [n, s, s, 3]; '${model.name}' takes [${model.inputs[0].shape.map((d) => d ?? 'n').join(', ')}]`);
  const outputs = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  const classNames = options.classNames ?? (options.classesFile ? readClassNames(options.classesFile) : card?.classNames);
  if (!classNames) {
    throw new Error(`the class names of model '${model.name}' are unknown: give a classes file (one name per line, in output order; --classes FILE) ` +
      `or a card.json with classNames next to the model, so that class folders can be matched to outputs`);
  }
  if (classNames !== 'folders' && classNames.length !== outputs) {
    throw new Error(`model '${model.name}' has ${outputs} outputs but ${classNames.length} class names are given: ${classNames.join(', ')}`);
  }
  const preset = options.preset ?? card?.preset;
  if (!preset) throw new Error(`no preprocessing preset for model '${model.name}': give one (--preset ${listPresets().map((p) => p.name).join('|')}) or set "preset" in its card.json`);
  const resize = options.resize ?? card?.resize;
  const dataset = readImageFolderDataset(root, {
    classNames: classNames === 'folders' ? 'folders' : [...classNames], size: h, resize, preset,
    classes: options.classes, perClass: options.perClass, limit: options.limit,
  });
  if (dataset.classNames.length !== outputs) throw new Error(`model '${model.name}' has ${outputs} outputs but the folder gives ${dataset.classNames.length} classes: ${dataset.classNames.join(', ')}`);
  const spec: ImageFolderSpec = {
    kind: 'image-folder', root: path.resolve(root), classNames: dataset.classNames, size: h, resize: dataset.resize, preset,
    ...(options.classes ? { classes: [...options.classes] } : {}), ...(options.perClass !== undefined ? { perClass: options.perClass } : {}), ...(options.limit !== undefined ? { limit: options.limit } : {}),
  };
  return {
    name: `images:${path.basename(path.resolve(root))}`, checksum: dataset.checksum, n: dataset.n, shape: [h, h, 3], labels: dataset.labels,
    pixels: (start, end) => dataset.pixels(start, end), dataset, spec, rejected: dataset.rejected,
  };
}

/**
 * Opens the image folder a run read, from its spec, and checks that the content is unchanged.
 * @param spec the run's `data-source.json`
 * @param checksum the run manifest's data checksum
 * @throws if the folder's content (or how it is read) differs from the run's
 */
export function reopenImageFolderSource(spec: ImageFolderSpec, model: tf.LayersModel, checksum: string): ImageFolderSource {
  const src = imageFolderSource(spec.root, model, undefined, {
    classNames: spec.classNames, preset: spec.preset, resize: spec.resize, classes: spec.classes, perClass: spec.perClass, limit: spec.limit,
  });
  if (src.checksum !== checksum) throw new Error(`the image folder ${spec.root} has changed since the run read it (content checksum ${src.checksum.slice(0, 12)}..., the run's ${checksum.slice(0, 12)}...)`);
  return src;
}
