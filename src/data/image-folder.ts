/**
 * Image folders in the ImageNet layout, `root/<class>/<image>.{jpg,jpeg,png}`: class folders in
 * sorted order give the class indices (as Keras `image_dataset_from_directory` and torchvision
 * `ImageFolder` do). Images are decoded with the pure-JS `jpeg-js` and `pngjs`, the shorter side is
 * resized and the centre cropped to a square (the standard ImageNet evaluation transform that the
 * method's authors used), then a named preset (presets.ts) maps pixels to network input.
 *
 * A file that is not a JPEG/PNG, or that fails to decode, is never fatal: it is skipped and listed
 * in `rejected` with the reason.
 *
 * Layers: {@link decodeImage} and {@link resizeCropGeometry} are pure; {@link scanImageFolder} does
 * the directory I/O; {@link openImageFolder} / {@link loadImageFolder} read files and build tensors.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { applyPreset, applyPresetToPixels, getPreset, type PresetLike } from './presets';
import type { ImageSet } from './image-set';

/** A decoded image: interleaved RGB bytes, `height * width * 3` long. */
export interface DecodedImage {
  width: number;
  height: number;
  /** RGB bytes, row-major; alpha is dropped and grey is replicated to three channels. */
  data: Uint8Array;
}

/** A file that was skipped, and why. */
export interface RejectedFile {
  file: string;
  reason: string;
}

const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** Drops the alpha byte of RGBA pixels. */
function rgbaToRgb(rgba: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i * 3] = rgba[j];
    out[i * 3 + 1] = rgba[j + 1];
    out[i * 3 + 2] = rgba[j + 2];
  }
  return out;
}

/**
 * The largest image decoded, in megapixels (8000 x 8000): decoding takes 4 bytes per pixel and
 * about a second per 10 megapixels, and a PNG of a few KB can declare 12000 x 12000. The size is
 * read from the file's header and checked before anything is decoded.
 */
export const MAX_IMAGE_MEGAPIXELS = 64;

/** Limits passed to jpeg-js too, in case its header walk differs from ours. */
const JPEG_LIMITS = { maxResolutionInMP: MAX_IMAGE_MEGAPIXELS, maxMemoryUsageInMB: 1024 };

/** Width and height from a PNG's IHDR chunk, or null when it has none. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') return null;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}

/** Width and height from a JPEG's first start-of-frame marker, or null when none is found. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) { at++; continue; }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    at += 2 + length;
  }
  return null;
}

/** @throws naming the size and the cap when a declared image is above {@link MAX_IMAGE_MEGAPIXELS} */
function checkDeclaredSize(size: { width: number; height: number } | null, format: string): void {
  if (!size) return;
  const mp = (size.width * size.height) / 1e6;
  if (mp > MAX_IMAGE_MEGAPIXELS) {
    throw new Error(`${format} declares ${size.width} x ${size.height} pixels (${mp.toFixed(0)} megapixels), above the cap of ` +
      `${MAX_IMAGE_MEGAPIXELS} megapixels; expected a smaller image (downscale it first)`);
  }
}

/**
 * Decodes a JPEG or PNG file's bytes to RGB (pure; the format is found from the bytes, not the name).
 * @param bytes the file content
 * @returns the image
 * @throws with the reason when the bytes are not a JPEG or PNG, do not decode, or declare more
 *   than {@link MAX_IMAGE_MEGAPIXELS} (checked before decoding)
 */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  let width: number, height: number, rgba: Uint8Array;
  if (startsWith(bytes, JPEG_MAGIC)) {
    checkDeclaredSize(jpegSize(bytes), 'JPEG');
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, ...JPEG_LIMITS });
    ({ width, height } = img);
    rgba = img.data;
  } else if (startsWith(bytes, PNG_MAGIC)) {
    checkDeclaredSize(pngSize(bytes), 'PNG');
    const img = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    ({ width, height } = img);
    rgba = img.data; // pngjs converts grey, palette and 16-bit images to 8-bit RGBA
  } else {
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(`not a JPEG or PNG file (starts with bytes ${head || '(empty file)'})`);
  }
  if (!(width > 0 && height > 0) || rgba.length < width * height * 4) {
    throw new Error(`decoded to an empty or short image (${width}x${height}, ${rgba.length} bytes)`);
  }
  return { width, height, data: rgbaToRgb(rgba, width * height) };
}

/** Where to resize and crop one image. */
export interface ResizeCropGeometry {
  /** Size after resizing the shorter side to `resize` (aspect ratio kept, rounded). */
  resizedHeight: number;
  resizedWidth: number;
  /** Top-left corner of the centred `size` x `size` crop in the resized image. */
  top: number;
  left: number;
}

/**
 * Pure geometry of "resize the shorter side to `resize`, then centre-crop `size` x `size`".
 * @throws if a dimension is not a positive integer or `resize < size`
 */
export function resizeCropGeometry(height: number, width: number, resize: number, size: number): ResizeCropGeometry {
  for (const [k, v] of Object.entries({ height, width, resize, size })) {
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`resizeCropGeometry: ${k} must be a positive integer, got ${v}`);
  }
  if (resize < size) throw new Error(`resizeCropGeometry: resize (${resize}) must be at least size (${size})`);
  const s = resize / Math.min(height, width);
  const resizedHeight = height <= width ? resize : Math.max(resize, Math.round(height * s));
  const resizedWidth = width <= height ? resize : Math.max(resize, Math.round(width * s));
  return { resizedHeight, resizedWidth, top: Math.floor((resizedHeight - size) / 2), left: Math.floor((resizedWidth - size) / 2) };
}

/** File name endings taken as images (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png'];

/** Options of {@link scanImageFolder} (and, through it, of the loaders). */
export interface ImageFolderScanOptions {
  /** Keep only these class folders (names). Labels stay indices into `classNames`. Default: all. */
  classes?: readonly string[];
  /**
   * The full, ordered class list that labels index into (e.g. the 1000 ImageNet synsets in the
   * model's output order). Default: the sorted names of the class folders found under `root`.
   */
  classNames?: readonly string[];
  /** Keep at most this many images per class (the first in sorted file order). Default: all. */
  perClass?: number;
  /** Keep at most this many images in total (the first in class, then file order). Default: all. */
  limit?: number;
}

/** One image file to read. */
export interface ImageFolderEntry {
  file: string;
  label: number;
}

/** The result of {@link scanImageFolder}. */
export interface ImageFolderScan {
  root: string;
  classNames: string[];
  /** Image files to read, in class then file order. */
  entries: ImageFolderEntry[];
  /** Files skipped while scanning (not an image by name, or in a folder not in `classNames`). */
  rejected: RejectedFile[];
}

function checkCount(what: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new Error(`${what} must be a non-negative integer, got ${v}`);
}

/**
 * Lists the image files of a folder in the ImageNet layout (reads directories only, not images).
 * Files directly under `root` and non-image names are listed in `rejected`.
 * @param root the folder holding one sub-folder per class
 * @param options class filter, class list and limits
 * @returns class names, the files to read with their labels, and the rejected files
 * @throws if `root` is not a readable folder, an option is invalid, or a class in `classes` has no folder
 */
export function scanImageFolder(root: string, options: ImageFolderScanOptions = {}): ImageFolderScan {
  checkCount('scanImageFolder: perClass', options.perClass);
  checkCount('scanImageFolder: limit', options.limit);
  let dirents: fs.Dirent[];
  try {
    dirents = fs.readdirSync(root, { withFileTypes: true });
  } catch (e) {
    throw new Error(`scanImageFolder: cannot read image folder '${root}': ${(e as Error).message}`);
  }
  const rejected: RejectedFile[] = [];
  const folders = dirents.filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const d of dirents) if (!d.isDirectory()) rejected.push({ file: path.join(root, d.name), reason: 'not inside a class folder' });
  const classNames = options.classNames ? [...options.classNames] : folders;
  const index = new Map(classNames.map((c, i) => [c, i] as [string, number]));
  const wanted = options.classes ? [...new Set(options.classes)] : folders;
  for (const c of wanted) {
    if (!folders.includes(c)) throw new Error(`scanImageFolder: class '${c}' has no folder under '${root}'; folders: ${folders.join(', ') || '(none)'}`);
  }
  const entries: ImageFolderEntry[] = [];
  for (const cls of [...wanted].sort()) {
    const dir = path.join(root, cls);
    const label = index.get(cls);
    const files = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let kept = 0;
    for (const f of files) {
      const file = path.join(dir, f.name);
      if (!f.isFile()) { rejected.push({ file, reason: 'not a regular file' }); continue; }
      if (!IMAGE_EXTENSIONS.includes(path.extname(f.name).toLowerCase())) {
        rejected.push({ file, reason: `not an image file name (expected ${IMAGE_EXTENSIONS.join(', ')})` });
        continue;
      }
      if (label === undefined) { rejected.push({ file, reason: `class folder '${cls}' is not in classNames` }); continue; }
      if (options.perClass !== undefined && kept >= options.perClass) continue;
      entries.push({ file, label });
      kept++;
    }
  }
  return { root, classNames, entries: options.limit !== undefined ? entries.slice(0, options.limit) : entries, rejected };
}

/** Options of {@link openImageFolder} and {@link loadImageFolder}. */
export interface ImageFolderOptions extends ImageFolderScanOptions {
  /** Side of the square output images. Default 224. */
  size?: number;
  /** The shorter side is resized to this before the centre crop. Default round(size * 256 / 224) (256 for 224). */
  resize?: number;
  /** Preprocessing preset name (`caffe`, `torch`, `tf`, `unit`, or any registered) or definition. Default `unit`. */
  preset?: PresetLike;
  /** Images per batch of the lazy iterator. Default 32. */
  batchSize?: number;
}

const defaults = { size: 224, preset: 'unit' as PresetLike, batchSize: 32 };

/** One batch from {@link ImageFolder.batches}; the caller disposes `images`. */
export interface ImageFolderBatch {
  /** `[n, size, size, 3]` float32, preprocessed by the preset. */
  images: tf.Tensor4D;
  labels: Int32Array;
  files: string[];
  /** Files of this batch's range that failed to decode. */
  rejected: RejectedFile[];
}

/** An opened image folder: scanned, read lazily batch by batch. */
export interface ImageFolder {
  root: string;
  classNames: string[];
  /** The image files that will be read, in order (some may still be rejected when decoded). */
  entries: readonly ImageFolderEntry[];
  /** Rejected files found so far: at scan time, plus those that failed to decode in batches read so far. */
  rejected: RejectedFile[];
  /** Resolved options. */
  size: number;
  resize: number;
  /** Iterates the images in batches of `batchSize` successfully decoded images (the last may be smaller). */
  batches(batchSize?: number): AsyncGenerator<ImageFolderBatch>;
}

/** Decoded RGB -> resized, centre-cropped [size, size, 3] float tensor (0..255). */
function toSquare(img: DecodedImage, resize: number, size: number): tf.Tensor3D {
  const g = resizeCropGeometry(img.height, img.width, resize, size);
  return tf.tidy(() => {
    const t = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
    const resized = g.resizedHeight === img.height && g.resizedWidth === img.width
      ? tf.cast(t, 'float32')
      : tf.image.resizeBilinear(t, [g.resizedHeight, g.resizedWidth], false, true);
    return tf.slice(resized, [g.top, g.left, 0], [size, size, 3]);
  });
}

function resolveOptions(options: ImageFolderOptions) {
  const size = options.size ?? defaults.size;
  const resize = options.resize ?? Math.round(size * 256 / 224);
  const batchSize = options.batchSize ?? defaults.batchSize;
  const preset = options.preset ?? defaults.preset;
  for (const [k, v] of Object.entries({ size, resize, batchSize })) {
    if (!(Number.isInteger(v) && v > 0)) throw new Error(`image folder: ${k} must be a positive integer, got ${v}`);
  }
  if (resize < size) throw new Error(`image folder: resize (${resize}) must be at least size (${size})`);
  if (typeof preset === 'string') getPreset(preset); // fail early on an unknown name
  return { size, resize, batchSize, preset };
}

/**
 * Opens an image folder for lazy, batched reading (only the directories are read now).
 * @param root the folder holding one sub-folder per class
 * @param options size, resize, preset, batch size, class filter and limits
 * @returns the folder; iterate `folder.batches()` and dispose each batch's `images`
 * @throws if the folder cannot be read or an option (including the preset name) is invalid
 * @example
 *   const folder = openImageFolder('/data/imagenet/val', { preset: 'caffe', perClass: 10 });
 *   for await (const b of folder.batches(16)) { ...; b.images.dispose(); }
 */
export function openImageFolder(root: string, options: ImageFolderOptions = {}): ImageFolder {
  const { size, resize, batchSize: defaultBatch, preset } = resolveOptions(options);
  const scan = scanImageFolder(root, options);
  const rejected = [...scan.rejected];
  async function* batches(batchSize = defaultBatch): AsyncGenerator<ImageFolderBatch> {
    if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`batches: batchSize must be a positive integer, got ${batchSize}`);
    let pending: { image: tf.Tensor3D; entry: ImageFolderEntry }[] = [];
    let pendingRejected: RejectedFile[] = [];
    const flush = (): ImageFolderBatch => {
      const images = tf.tidy(() => applyPreset(tf.stack(pending.map((p) => p.image)) as tf.Tensor4D, preset));
      const batch = {
        images, labels: Int32Array.from(pending, (p) => p.entry.label), files: pending.map((p) => p.entry.file), rejected: pendingRejected,
      };
      tf.dispose(pending.map((p) => p.image));
      pending = [];
      pendingRejected = [];
      return batch;
    };
    try {
      for (const entry of scan.entries) {
        let img: DecodedImage;
        try {
          img = decodeImage(await fs.promises.readFile(entry.file));
        } catch (e) {
          const r = { file: entry.file, reason: (e as Error).message || String(e) };
          rejected.push(r);
          pendingRejected.push(r);
          continue;
        }
        pending.push({ image: toSquare(img, resize, size), entry });
        if (pending.length === batchSize) yield flush();
      }
      if (pending.length > 0) yield flush();
    } finally {
      // An abandoned iteration must not leak the images decoded so far.
      tf.dispose(pending.map((p) => p.image));
    }
  }
  return { root, classNames: scan.classNames, entries: scan.entries, rejected, size, resize, batches };
}

/** The result of {@link loadImageFolder}. */
export interface LoadedImageFolder {
  /** `[n, size, size, 3]` float32, preprocessed; the caller disposes it. */
  images: tf.Tensor4D;
  labels: Int32Array;
  classNames: string[];
  /** The file of each image, in the same order. */
  files: string[];
  rejected: RejectedFile[];
}

/**
 * Reads a whole image folder into one tensor (convenience over {@link openImageFolder}; use the
 * lazy batches for folders that do not fit in memory).
 * @param root the folder holding one sub-folder per class
 * @param options size, resize, preset, class filter and limits
 * @returns images, labels, class names, files and rejected files
 * @throws as {@link openImageFolder}
 */
export async function loadImageFolder(root: string, options: ImageFolderOptions = {}): Promise<LoadedImageFolder> {
  const folder = openImageFolder(root, options);
  const parts: tf.Tensor4D[] = [];
  const labels: number[] = [];
  const files: string[] = [];
  try {
    for await (const b of folder.batches()) {
      parts.push(b.images);
      labels.push(...b.labels);
      files.push(...b.files);
    }
    const images = parts.length === 0 ? tf.zeros([0, folder.size, folder.size, 3]) as tf.Tensor4D
      : parts.length === 1 ? parts[0] : tf.concat(parts, 0);
    if (parts.length > 1) tf.dispose(parts);
    return { images, labels: Int32Array.from(labels), classNames: folder.classNames, files, rejected: folder.rejected };
  } catch (e) {
    tf.dispose(parts);
    throw e;
  }
}

// ---- class names and a fingerprinted, lazily decoded data set ------------------------------------

/**
 * Reads a classes file: the model's class names in output order, one per line (blank lines and
 * lines starting with `#` ignored), or a JSON array of strings.
 * @throws naming the file if it cannot be read, or holds no names or a duplicate
 */
export function readClassNames(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'EISDIR' ? `classes file '${file}' is a folder; expected a text file with one class name per line`
      : `cannot read classes file '${file}': ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let names: string[];
  if (text.trimStart().startsWith('[')) {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new Error(`classes file '${file}': expected a JSON array of strings`);
    names = parsed as string[];
  } else {
    names = text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
  }
  if (names.length === 0) throw new Error(`classes file '${file}' holds no class names`);
  const dup = names.find((s, i) => names.indexOf(s) !== i);
  if (dup !== undefined) throw new Error(`classes file '${file}' names class '${dup}' twice`);
  return names;
}

/** How class names are compared: lower case, every run of characters other than letters and digits as one `-`. */
export function normaliseClassName(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
}

/**
 * Matches class folder names to a model's output classes by name (compared by
 * {@link normaliseClassName}, so the folder `T-shirt-top` matches the class `T-shirt/top`).
 * @param folders class folder names
 * @param modelClasses the model's class names in output order
 * @returns the output index of each folder
 * @throws listing both sides when a folder matches no class, or two classes look the same
 */
export function matchFolderClasses(folders: readonly string[], modelClasses: readonly string[]): number[] {
  const index = new Map<string, number>();
  modelClasses.forEach((c, i) => {
    const key = normaliseClassName(c);
    if (index.has(key)) throw new Error(`the model's classes '${modelClasses[index.get(key)!]}' and '${c}' cannot be told apart by name`);
    index.set(key, i);
  });
  const labels = folders.map((f) => index.get(normaliseClassName(f)) ?? -1);
  const missing = folders.filter((_, i) => labels[i] < 0);
  if (missing.length > 0) {
    throw new Error(`class folder(s) ${missing.map((m) => `'${m}'`).join(', ')} match no class of the model.\n` +
      `  folders: ${folders.join(', ')}\n  model classes (output order): ${modelClasses.join(', ')}\n` +
      `rename the folders, or give the model's class names in output order (a classes file or the model card)`);
  }
  return labels;
}

/** Options of {@link readImageFolderDataset}. */
export interface ImageFolderDatasetOptions {
  /**
   * The model's class names in output order, which folder names are matched against
   * ({@link matchFolderClasses}); or `'folders'` to take the sorted folder names as the output order.
   */
  classNames: readonly string[] | 'folders';
  /** Side of the square images. */
  size: number;
  /** Shorter side before the centre crop. Default round(size * 256 / 224). */
  resize?: number;
  /** Preprocessing preset (name or definition). */
  preset: PresetLike;
  /** Only these class folders. Default all. */
  classes?: readonly string[];
  /** At most this many images per class folder. */
  perClass?: number;
  /** At most this many images in total. */
  limit?: number;
}

/** A folder of images, checked, fingerprinted and read on demand; see {@link readImageFolderDataset}. */
export interface ImageFolderDataset {
  root: string;
  /** The model's class names in output order (what labels index). */
  classNames: string[];
  /** The class folders read, and the output index each was matched to. */
  folders: { name: string; label: number }[];
  /** The images that decode, in class folder then file order. */
  files: string[];
  labels: Int32Array;
  n: number;
  size: number;
  resize: number;
  preset: PresetLike;
  /** Files that were skipped, with the reason (not an image, failed to decode, ...). */
  rejected: RejectedFile[];
  /** SHA-256 over every kept file's path (relative to `root`), label and bytes, and the size, resize and preset. */
  checksum: string;
  /** Preprocessed images `[start, end)` as `[m, size, size, 3]` floats (the network input). */
  pixels(start: number, end: number): Float32Array;
  /** The same images as RGB in [0, 1] (resized and cropped, not preprocessed), for display. */
  displayPixels(start: number, end: number): Float32Array;
}

/** Decoded image -> `[size, size, 3]` RGB floats in 0..255, synchronously. */
function squarePixels(img: DecodedImage, resize: number, size: number): Float32Array {
  const t = toSquare(img, resize, size);
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/**
 * Opens an image folder as a data set for the pipeline: matches class folders to the model's
 * classes, reads every image once to check that it decodes (rejects are listed, not fatal) and to
 * fingerprint the content; pixels are decoded again when asked for, so memory stays small.
 * @param root the folder holding one sub-folder per class
 * @param options class names, size, preset, limits
 * @throws if the folder cannot be read, a class folder matches no class, or no image decodes
 */
export function readImageFolderDataset(root: string, options: ImageFolderDatasetOptions): ImageFolderDataset {
  const { size, resize, preset } = resolveOptions({ size: options.size, resize: options.resize, preset: options.preset });
  let st: fs.Stats;
  try { st = fs.statSync(root); } catch { throw new Error(`image folder '${root}' does not exist`); }
  if (!st.isDirectory()) throw new Error(`image folder '${root}' is not a folder; expected a folder with one sub-folder of images per class`);
  const scan = scanImageFolder(root, { classes: options.classes, perClass: options.perClass });
  if (scan.classNames.length === 0) throw new Error(`image folder '${root}' has no class sub-folders (expected ${root}/<class>/<image>.png|jpg)`);
  const classNames = options.classNames === 'folders' ? [...scan.classNames] : [...options.classNames];
  const folderLabels = options.classNames === 'folders' ? scan.classNames.map((_, i) => i) : matchFolderClasses(scan.classNames, classNames);
  const rejected = [...scan.rejected];
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify({ size, resize, preset, classNames }));
  const files: string[] = [];
  const labels: number[] = [];
  for (const e of scan.entries) {
    if (options.limit !== undefined && files.length >= options.limit) break;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(e.file);
      decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (err) {
      rejected.push({ file: e.file, reason: (err as Error).message || String(err) });
      continue;
    }
    const label = folderLabels[e.label];
    hash.update(`${path.relative(root, e.file)}\0${label}\0${bytes.length}\0`);
    hash.update(bytes);
    files.push(e.file);
    labels.push(label);
  }
  if (files.length === 0) throw new Error(`image folder '${root}': no image could be read (${rejected.length} rejected${rejected.length ? `, e.g. ${rejected[0].file}: ${rejected[0].reason}` : ''})`);
  const n = files.length;
  const read = (start: number, end: number, each: (rgb: Float32Array) => Float32Array): Float32Array => {
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n)) {
      throw new Error(`image folder '${root}': range [${start}, ${end}) is not within [0, ${n})`);
    }
    const px = size * size * 3;
    const out = new Float32Array((end - start) * px);
    for (let i = start; i < end; i++) {
      const bytes = fs.readFileSync(files[i]);
      out.set(each(squarePixels(decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)), resize, size)), (i - start) * px);
    }
    return out;
  };
  return {
    root, classNames, folders: scan.classNames.map((name, i) => ({ name, label: folderLabels[i] })), files, labels: Int32Array.from(labels), n,
    size, resize, preset, rejected, checksum: hash.digest('hex'),
    pixels: (start, end) => read(start, end, (rgb) => applyPresetToPixels(rgb, preset)),
    displayPixels: (start, end) => read(start, end, (rgb) => rgb.map((v) => Math.min(1, Math.max(0, v / 255)))),
  };
}

/**
 * Reads a whole image folder as a labelled byte {@link ImageSet} (RGB, `channels` 3) at `size` x
 * `size`, as training and the benchmarks use it. The checksum is a SHA-256 of the pixels and labels.
 * @throws as {@link loadImageFolder}, and if any image file fails to decode (naming it)
 */
export async function loadImageFolderSet(root: string, options: Omit<ImageFolderOptions, 'preset' | 'batchSize'> = {}): Promise<ImageSet & { files: string[] }> {
  const loaded = await loadImageFolder(root, { ...options, preset: 'unit' });
  try {
    const bad = loaded.rejected.find((r) => !/not an image file name|not inside a class folder|not a regular file/.test(r.reason));
    if (bad) throw new Error(`image folder '${root}': ${bad.file} could not be read: ${bad.reason}`);
    const [n, h, w] = loaded.images.shape;
    const floats = await loaded.images.data() as Float32Array;
    const images = new Uint8Array(floats.length);
    for (let i = 0; i < floats.length; i++) images[i] = Math.max(0, Math.min(255, Math.round(floats[i] * 255)));
    const labels = Uint8Array.from(loaded.labels);
    const checksum = crypto.createHash('sha256').update(images).update(labels).digest('hex');
    return { images, labels, n, height: h, width: w, channels: 3, classNames: loaded.classNames, checksum, files: loaded.files };
  } finally {
    loaded.images.dispose();
  }
}
