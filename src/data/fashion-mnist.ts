/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): 70,000 28x28 grey images of 10 clothing classes,
 * read from the four standard gzipped IDX files. Looked for in Debian's location
 * (`apt-get install dataset-fashion-mnist`), then in `$FILTERMINE_DATA/fashion-mnist`, then in
 * `~/.cache/filtermine/fashion-mnist`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';
import { fromIdx } from './idx';
import type { ImageSet } from './image-set';

/** The ten class names, in label order. */
export const FASHION_MNIST_CLASSES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Which half of the data set. */
export type Split = 'train' | 'test';

export type { ImageSet };

const FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz' },
};

/** The folders searched for the IDX files, in order. */
export function fashionMnistSearchPath(): string[] {
  const dirs = ['/usr/share/datasets/fashion-mnist'];
  if (process.env.FILTERMINE_DATA) dirs.push(path.join(process.env.FILTERMINE_DATA, 'fashion-mnist'));
  dirs.push(path.join(os.homedir(), '.cache', 'filtermine', 'fashion-mnist'));
  return dirs;
}

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** Folder holding the four `.gz` files; default: the first folder of {@link fashionMnistSearchPath} that has them. */
  dir?: string;
  /** Keep only the first `limit` images (same order as the files). Default: all. */
  limit?: number;
}

/**
 * Reads one split of Fashion-MNIST.
 * @throws naming the missing or corrupt file, and how to install the data set
 * @example const test = loadFashionMnist('test', { limit: 1000 });
 */
export function loadFashionMnist(split: Split, options: FashionMnistOptions = {}): ImageSet {
  if (split !== 'train' && split !== 'test') throw new Error(`loadFashionMnist: split must be 'train' or 'test', got '${split}'`);
  const files = FILES[split];
  const dir = options.dir ?? fashionMnistSearchPath().find((d) => fs.existsSync(path.join(d, files.images)));
  if (!dir) {
    throw new Error(
      `Fashion-MNIST file ${files.images} not found in ${fashionMnistSearchPath().join(', ')}. ` +
      `Install it with 'apt-get install dataset-fashion-mnist' (Debian/Ubuntu), or put the four IDX .gz files in one of those folders.`);
  }
  const read = (name: string) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new Error(`Fashion-MNIST file ${file} is missing`);
    const gz = fs.readFileSync(file);
    let raw: Buffer;
    try { raw = zlib.gunzipSync(gz); } catch (e) { throw new Error(`Fashion-MNIST file ${file} is corrupt (gunzip failed: ${(e as Error).message})`); }
    return { gz, idx: fromIdx(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), file) };
  };
  const img = read(files.images);
  const lab = read(files.labels);
  if (img.idx.shape.length !== 3) throw new Error(`${files.images}: expected rank 3, got shape [${img.idx.shape}]`);
  const [total, height, width] = img.idx.shape;
  if (lab.idx.shape[0] !== total) throw new Error(`${files.labels}: ${lab.idx.shape[0]} labels for ${total} images`);
  const limit = options.limit ?? total;
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`loadFashionMnist: limit must be a non-negative integer, got ${limit}`);
  const n = Math.min(limit, total);
  const hash = crypto.createHash('sha256').update(img.gz).update(lab.gz).digest('hex');
  return {
    images: img.idx.data.slice(0, n * height * width),
    labels: lab.idx.data.slice(0, n),
    n, height, width,
    classNames: FASHION_MNIST_CLASSES,
    checksum: hash,
  };
}
