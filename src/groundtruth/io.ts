/**
 * Reading and writing folders in the ground-truth format (docs/ground-truth.md): images through the
 * project's image-folder loader, the JSON file through {@link validateGroundTruth}, boxes mapped
 * to the pixels of the loaded (resized, centre-cropped) images.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as crypto from 'node:crypto';
import { PNG } from 'pngjs';
import { loadImageFolderSet, resizeCropGeometry, scanImageFolder } from '../data/image-folder';
import { imageChannels, type ImageSet } from '../data/image-set';
import { generatePlantedParts, type PlantedPartsOptions } from './generator';
import { mapBox, validateGroundTruth, type GroundTruth, type PartDef, type PlantedPart } from './format';

/** The default name of the JSON file inside a ground-truth folder. */
export const GROUND_TRUTH_FILE = 'truth.json';

/** A ground-truth folder read for a model: pixels, labels and the parts of every image. */
export interface GroundTruthData {
  /** RGB images at the model's input size, in class then file order. */
  set: ImageSet;
  /** The part vocabulary. */
  parts: PartDef[];
  /** Per image (same order as `set`), its parts with boxes in the pixels of `set`. */
  planted: PlantedPart[][];
  /** Per image, its file relative to the root. */
  files: string[];
}

/**
 * Reads and validates a ground-truth JSON file.
 * @throws if the file cannot be read, is not JSON, or does not follow the format (naming the field)
 */
export function readGroundTruthFile(file: string): GroundTruth {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) { throw new Error(`cannot read ground-truth file '${file}': ${(e as Error).message}`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new Error(`ground-truth file '${file}' is not valid JSON: ${(e as Error).message}`); }
  return validateGroundTruth(json, file);
}

/** Options of {@link readGroundTruthFolder}. */
export interface ReadGroundTruthOptions {
  /** The JSON file. Default `<root>/truth.json`. */
  truthFile?: string;
  /** Side of the square images the model takes. Default 64. */
  size?: number;
  /** Keep at most this many images per class (the first in file order). Default all. */
  perClass?: number;
  /** The class order the model's outputs follow. Default: the sorted class folder names. */
  classNames?: readonly string[];
}

/**
 * Reads a folder in the ground-truth format: `root/<class>/<file>` images (resized so the shorter
 * side is `size`, centre-cropped) and the JSON file's parts, with boxes mapped to the loaded pixels.
 * @throws before reading any image if the JSON is invalid, a part names a class that has no folder,
 *   or an image file has no entry in the JSON
 */
export async function readGroundTruthFolder(root: string, options: ReadGroundTruthOptions = {}): Promise<GroundTruthData> {
  const size = options.size ?? 64;
  const truthFile = options.truthFile ?? path.join(root, GROUND_TRUTH_FILE);
  const truth = readGroundTruthFile(truthFile);
  const byFile = new Map(truth.images.map((im) => [im.file, im]));
  const scanOptions = {
    ...(options.perClass !== undefined ? { perClass: options.perClass } : {}),
    ...(options.classNames ? { classNames: options.classNames } : {}),
  };
  // Check the folder against the JSON before decoding any image.
  const scan = scanImageFolder(root, scanOptions);
  const known = new Set(scan.classNames);
  for (const p of truth.parts) {
    for (const c of p.classes) if (!known.has(c)) throw new Error(`${truthFile}: part '${p.name}' names class '${c}', which has no folder under '${root}' (classes: ${scan.classNames.join(', ')})`);
  }
  for (const e of scan.entries) {
    const f = path.relative(root, e.file).split(path.sep).join('/');
    if (!byFile.has(f)) throw new Error(`${truthFile} has no entry for image '${f}' (every image of the folder needs one)`);
  }
  const set = await loadImageFolderSet(root, { size, resize: size, ...scanOptions });
  const files = set.files.map((f) => path.relative(root, f).split(path.sep).join('/'));
  const planted = files.map((f) => {
    const im = byFile.get(f)!;
    const g = resizeCropGeometry(im.height, im.width, size, size);
    const sx = g.resizedWidth / im.width, sy = g.resizedHeight / im.height;
    return im.parts.flatMap((p) => {
      const box = mapBox(p.box, sx, sy, g.left, g.top, size);
      return box ? [{ part: p.part, box }] : [];
    });
  });
  const { files: _f, ...imageSet } = set;
  const checksum = crypto.createHash('sha256').update(set.checksum).update(JSON.stringify(truth.parts)).update(JSON.stringify(planted)).digest('hex');
  return { set: { ...imageSet, checksum }, parts: truth.parts, planted, files };
}

/** RGB(A) bytes of image `i` of a set as a PNG file. */
export function imagePng(set: ImageSet, i: number): Buffer {
  const ch = imageChannels(set), px = set.height * set.width;
  const src = set.images.subarray(i * px * ch, (i + 1) * px * ch);
  const png = new PNG({ width: set.width, height: set.height, colorType: 2 });
  for (let p = 0; p < px; p++) {
    for (let c = 0; c < 3; c++) png.data[p * 4 + c] = src[p * ch + (ch === 3 ? c : 0)];
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/**
 * Writes an image set and its ground truth as a folder in the format: `dir/<class>/<file>` PNGs
 * (the files named in `truth.images`, in the order of `set`) and `dir/truth.json`.
 * @throws if `truth.images` does not have one entry per image
 */
export function writeGroundTruthFolder(dir: string, set: ImageSet, truth: GroundTruth): void {
  if (truth.images.length !== set.n) throw new Error(`writeGroundTruthFolder: ${truth.images.length} truth entries for ${set.n} images`);
  validateGroundTruth(truth, 'writeGroundTruthFolder');
  for (let i = 0; i < set.n; i++) {
    const file = path.join(dir, ...truth.images[i].file.split('/'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, imagePng(set, i));
  }
  fs.writeFileSync(path.join(dir, GROUND_TRUTH_FILE), JSON.stringify(truth) + '\n');
}

/**
 * The folder of a generated planted-parts set under `root` (named by its options), written on the
 * first call; later calls find it complete (its JSON file is written last) and return at once.
 * @returns the folder path
 */
export function plantedPartsFolder(options: PlantedPartsOptions, root: string): string {
  const o: PlantedPartsOptions = { seed: 0, perClass: 100, size: 64, split: 'test', ...options };
  const extra = (o.distractorRate !== undefined ? `-d${o.distractorRate}` : '') + (o.partSize ? `-p${o.partSize.join('_')}` : '');
  const dir = path.join(root, `planted-parts-s${o.seed}-${o.split}-${o.perClass}x${o.size}${extra}`);
  if (!fs.existsSync(path.join(dir, GROUND_TRUTH_FILE))) {
    const g = generatePlantedParts(o);
    writeGroundTruthFolder(dir, g.set, g.truth);
  }
  return dir;
}
