/**
 * Bring your own model and images: helpers for the notebook that runs the pipeline on a model (an
 * ONNX file, a tfjs folder or URL, or a shipped model) and an image folder (one sub-folder per
 * class). By default the notebook uses the shipped ONNX model `fashion-cnn-onnx` and writes a small
 * image folder from Debian's Fashion-MNIST.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ImageSet } from '../data/image-set';
import type { Explanation } from '../cam/explain';
import { explainPixels } from './explain';
import type { ExtractDataSource, ImageFolderSource } from '../extract/source';
import { buildVggSmall } from '../models/vgg-small';
import { saveModel } from '../models/io';
import { encodePng } from '../widgets/raster';
import '../cli/commands/index';
import { getCommand } from '../cli/registry';

/**
 * Writes a randomly initialised small VGG-style model (`vgg-small` topology, RGB input) as a tfjs
 * layers-model folder (model.json + weight shards), standing in for a converted VGG16/ResNet50.
 * @param dir the folder to write (created)
 * @param options input side (default 32), classes (default 3), seed (default 0)
 * @returns `dir`
 */
export async function writeStandInModel(dir: string, options: { size?: number; classes?: number; seed?: number } = {}): Promise<string> {
  const size = options.size ?? 32;
  const model = buildVggSmall({ inputShape: [size, size, 3], classes: options.classes ?? 3, seed: options.seed ?? 0 });
  try {
    await saveModel(model, dir);
  } finally {
    model.dispose();
  }
  return dir;
}

/** A tint per class, so the stand-in images are RGB and differ by class in colour too. */
const TINTS: readonly [number, number, number][] = [[1, 0.4, 0.4], [0.4, 1, 0.4], [0.4, 0.4, 1], [1, 1, 0.4], [1, 0.4, 1], [0.4, 1, 1]];

/**
 * Writes an image folder (`<root>/<class name>/<i>.png`) from grey images of an image set,
 * tinted per class: a stand-in for a user's own photos.
 * @param root the folder to write (created)
 * @param set the source images (e.g. Fashion-MNIST test)
 * @param options classes to use (default 0, 1, 2) and images per class (default 20)
 * @returns the class names written, in class order
 * @throws if a class has fewer images than asked
 */
export function writeImageFolder(root: string, set: ImageSet, options: { classes?: readonly number[]; perClass?: number } = {}): string[] {
  const classes = options.classes ?? [0, 1, 2];
  const perClass = options.perClass ?? 20;
  const { width: W, height: H } = set;
  const names: string[] = [];
  classes.forEach((c, ci) => {
    const name = (set.classNames[c] ?? `class-${c}`).replace(/[^A-Za-z0-9_-]+/g, '-');
    names.push(name);
    const dir = path.join(root, name); // matched to the model's classes by name
    fs.mkdirSync(dir, { recursive: true });
    const tint = TINTS[ci % TINTS.length];
    let written = 0;
    for (let i = 0; i < set.n && written < perClass; i++) {
      if (set.labels[i] !== c) continue;
      const data = new Uint8Array(W * H * 4);
      for (let p = 0; p < W * H; p++) {
        const v = set.images[i * W * H + p];
        data[4 * p] = Math.round(v * tint[0]); data[4 * p + 1] = Math.round(v * tint[1]); data[4 * p + 2] = Math.round(v * tint[2]); data[4 * p + 3] = 255;
      }
      fs.writeFileSync(path.join(dir, `${String(i).padStart(5, '0')}.png`), encodePng({ data, width: W, height: H }));
      written++;
    }
    if (written < perClass) throw new Error(`writeImageFolder: class ${c} has only ${written} images, ${perClass} asked`);
  });
  return names;
}

/**
 * An extraction data source over images already in memory (e.g. a loaded image folder).
 * @param name a name for the run's manifest
 * @param images `[n, H, W, C]` float pixels, preprocessed as the model expects (not copied; not modified)
 * @param shape `[n, H, W, C]`
 * @param labels the true class of each image
 * @param checksum identifies the content (e.g. the files' names and sizes)
 * @throws if the sizes disagree
 */
export function arraySource(name: string, images: Float32Array, shape: readonly [number, number, number, number], labels: ArrayLike<number>, checksum: string): ExtractDataSource {
  const [n, H, W, C] = shape;
  if (images.length !== n * H * W * C) throw new Error(`arraySource: ${images.length} values for shape [${shape.join(', ')}]`);
  if (labels.length !== n) throw new Error(`arraySource: ${labels.length} labels for ${n} images`);
  const px = H * W * C;
  return {
    name, checksum, n, shape: [H, W, C], labels,
    pixels(start, end) {
      if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
        throw new Error(`arraySource: range [${start}, ${end}) is not within [0, ${n}]`);
      }
      return images.slice(start * px, end * px);
    },
  };
}

/** One row of an evaluation's results table (see `filtermine evaluate`). */
export type EvaluationRow = Record<string, string | number | null>;

/**
 * Runs the `filtermine evaluate` command in this process (the same code path as the command line)
 * on an extraction run folder, and returns its results and per-class tables.
 * @param model the model spec the run was extracted with (shipped name, folder or .onnx file)
 * @param runDir the run folder
 * @param args further command-line options, e.g. `['--k', '5', '--draws', '3']`
 * @throws with the command's message when it fails
 */
export async function evaluateRun(model: string, runDir: string, args: readonly string[] = []): Promise<{ results: EvaluationRow[]; perClass: EvaluationRow[]; out: string }> {
  const out = path.join(runDir, 'evaluation');
  const code = await getCommand('evaluate')!.run(['--model', model, '--run', runDir, '--out', out, ...args]);
  if (code !== 0) throw new Error(`evaluateRun: filtermine evaluate exited with ${code}`);
  const read = (name: string) => JSON.parse(fs.readFileSync(path.join(out, `${name}.json`), 'utf8')) as EvaluationRow[];
  return { results: read('results'), perClass: read('per-class'), out };
}

/** What {@link explainFolderImages} returns: widget inputs plus the explanations. */
export interface FolderExplanations {
  /** The chosen images as original RGB pixels in [0, 1] (the preset undone). */
  images: { pixels: Float32Array; width: number; height: number; channels: number };
  heatmaps: { data: Float32Array; width: number; height: number };
  explanations: Explanation[];
  defects: number;
}

/**
 * Grad-CAM (or another registered CAM method) of some images of an image folder source.
 * @param model the model
 * @param layer the analysed layer
 * @param source from `imageFolderSource`
 * @param indices images to explain
 */
export async function explainFolderImages(model: tf.LayersModel, layer: string, source: ImageFolderSource, indices: readonly number[], method = 'gradcam'): Promise<FolderExplanations> {
  const [H, W, C] = source.shape;
  const px = H * W * C;
  const input = new Float32Array(indices.length * px), shown = new Float32Array(indices.length * px);
  indices.forEach((i, j) => {
    input.set(source.pixels(i, i + 1), j * px);
    shown.set(source.dataset.displayPixels(i, i + 1), j * px);
  });
  const r = await explainPixels(model, layer, input, [indices.length, H, W, C], method);
  return { images: { pixels: shown, width: W, height: H, channels: C }, ...r };
}

