/**
 * The tuner's data: the transactions at the largest k shipped (top-k of every patch, best first, so
 * any smaller k is a prefix), the patch classes and windows, and the images the patches come from,
 * in a compact binary form (deflated typed arrays, base64) embedded in the page as JSON.
 */
import { deflateSync } from 'node:zlib';
import type { ImageStack } from '../raster';
import { checkTunerParams, type TunerParams } from './params';

/** What the tuner is built from. */
export interface TunerInput {
  /** Class names, indexed by class id. */
  classNames: readonly string[];
  /** Filters (channels) of the analysed layer. */
  nFilters: number;
  /** Largest k shipped: `items` holds `maxK` filters per patch. */
  maxK: number;
  /** Top-`maxK` filter indices of every patch, best first (`n * maxK` values). */
  items: ArrayLike<number>;
  /** True class of every patch. */
  labels: ArrayLike<number>;
  /** Patch windows (one per patch): image index, left, top, side. */
  windows?: { image: ArrayLike<number>; x: ArrayLike<number>; y: ArrayLike<number>; size: ArrayLike<number> };
  /** The images the windows refer to (grey or RGB). */
  images?: ImageStack;
  /** The parameters the controls start at. */
  params: TunerParams;
  /** Heading of the widget, e.g. 'vgg-small at block3_conv2'. */
  title?: string;
}

/** Options of {@link encodeTunerData}. */
export interface TunerDataOptions {
  /**
   * Grey levels kept per pixel (2..256). Default: the finest of 256, 64, 32, 16, 8, 4 whose images
   * fit `imageBudget` (Fashion-MNIST's 10,000 test images get 8 levels).
   */
  greyLevels?: number;
  /** Bytes of base64 the images may take when `greyLevels` is not given (default 2,000,000). */
  imageBudget?: number;
  /** Most images shipped (default all that hold a patch); patches of other images show no context. */
  maxImages?: number;
}

/** The JSON embedded in the page. Arrays are base64 of zlib-deflated little-endian typed arrays. */
export interface TunerData {
  format: 'filtermine-tuner-1';
  title: string;
  classNames: string[];
  nFilters: number;
  maxK: number;
  /** Patches. */
  n: number;
  params: TunerParams;
  /** `n * maxK` items: Uint8 when nFilters <= 256, else Uint16. */
  items: string;
  itemBytes: 1 | 2;
  /** `n` classes (Uint16). */
  labels: string;
  /** Windows, when images are shipped: image slot (Int32, -1 = image not shipped), x, y, size (Uint16). */
  windows: { slot: string; x: string; y: string; size: string } | null;
  /** Shipped images (grey or RGB bytes, quantised to `levels` grey levels). */
  images: { count: number; width: number; height: number; channels: number; levels: number; pixels: string; index: number[] } | null;
}

const deflate = (a: ArrayBufferView): Buffer => deflateSync(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
const b64 = (a: ArrayBufferView): string => deflate(a).toString('base64');

/** Grey levels tried, finest first, when none is given. */
const LEVELS = [256, 64, 32, 16, 8, 4];

/** Quantises pixel values (0..255, or 0..1 floats) of the chosen images to `levels` grey levels. */
function quantise(pixels: ArrayLike<number>, scale: number, index: readonly number[], per: number, levels: number): Uint8Array {
  const out = new Uint8Array(index.length * per);
  const step = 255 / (levels - 1);
  index.forEach((img, s) => {
    for (let j = 0; j < per; j++) {
      const v = Math.min(255, Math.max(0, pixels[img * per + j] * scale));
      out[s * per + j] = Math.round(Math.round(v / step) * step);
    }
  });
  return out;
}

/**
 * The finest grey levels whose deflated images fit `budget` bytes of base64, judged on a sample
 * of up to 1,000 images (one deflate of all images at the end, not one per level).
 */
function chooseLevels(pixels: ArrayLike<number>, scale: number, index: readonly number[], per: number, budget: number): number {
  const sample = index.slice(0, 1000);
  for (const levels of LEVELS) {
    const bytes = deflate(quantise(pixels, scale, sample, per, levels)).length * (index.length / Math.max(1, sample.length));
    if ((bytes * 4) / 3 <= budget) return levels;
  }
  return LEVELS[LEVELS.length - 1];
}

function checkArray(name: string, a: ArrayLike<number>, length: number, max: number): void {
  if (a.length !== length) throw new Error(`tuner: ${name} has ${a.length} values, expected ${length}`);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!(Number.isInteger(v) && v >= 0 && v < max)) throw new Error(`tuner: ${name}[${i}] = ${String(v)} is not a whole number in [0, ${max})`);
  }
}

/**
 * Encodes the tuner's data (checks every value first).
 * @throws naming the bad value: a parameter out of range, an item outside the filters, a label
 *   without a class name, a window outside its image
 */
export function encodeTunerData(input: TunerInput, options: TunerDataOptions = {}): TunerData {
  const { nFilters, maxK, classNames } = input;
  if (!(Number.isInteger(nFilters) && nFilters >= 1 && nFilters <= 65536)) throw new Error(`tuner: nFilters must be a whole number in [1, 65536], got ${nFilters}`);
  if (!(Number.isInteger(maxK) && maxK >= 1 && maxK <= nFilters)) throw new Error(`tuner: maxK must be a whole number in [1, ${nFilters}] (the filters), got ${maxK}`);
  checkTunerParams(input.params, maxK, `the largest k shipped (${maxK})`);
  const n = input.labels.length;
  checkArray('labels', input.labels, n, classNames.length);
  checkArray('items', input.items, n * maxK, nFilters);
  const items = nFilters <= 256 ? Uint8Array.from(input.items) : Uint16Array.from(input.items);
  if (options.greyLevels !== undefined && !(Number.isInteger(options.greyLevels) && options.greyLevels >= 2 && options.greyLevels <= 256)) {
    throw new Error(`tuner: greyLevels must be a whole number in [2, 256], got ${options.greyLevels}`);
  }
  let windows: TunerData['windows'] = null;
  let images: TunerData['images'] = null;
  if (input.windows && input.images) {
    const w = input.windows, im = input.images;
    const per = im.width * im.height * im.channels;
    const total = im.pixels.length / per;
    if (!Number.isInteger(total)) throw new Error(`tuner: images hold ${im.pixels.length} values, not a multiple of ${per}`);
    checkArray('windows.image', w.image, n, total);
    for (let p = 0; p < n; p++) {
      const { x, y, size } = { x: w.x[p], y: w.y[p], size: w.size[p] };
      if (!(size >= 1 && x >= 0 && y >= 0 && x + size <= im.width && y + size <= im.height)) {
        throw new Error(`tuner: window ${p} (x ${x}, y ${y}, size ${size}) is not inside a ${im.width}x${im.height} image`);
      }
    }
    const maxImages = options.maxImages ?? Infinity;
    const slotOf = new Map<number, number>();
    for (let p = 0; p < n && slotOf.size < maxImages; p++) if (!slotOf.has(w.image[p])) slotOf.set(w.image[p], slotOf.size);
    const index = [...slotOf.keys()];
    const scale = im.pixels instanceof Float32Array ? 255 : 1;
    const levels = options.greyLevels ?? chooseLevels(im.pixels, scale, index, per, options.imageBudget ?? 2_000_000);
    const pix = quantise(im.pixels, scale, index, per, levels);
    const slot = Int32Array.from({ length: n }, (_, p) => slotOf.get(w.image[p]) ?? -1);
    windows = { slot: b64(slot), x: b64(Uint16Array.from(w.x)), y: b64(Uint16Array.from(w.y)), size: b64(Uint16Array.from(w.size)) };
    images = { count: index.length, width: im.width, height: im.height, channels: im.channels, levels, pixels: b64(pix), index };
  }
  return {
    format: 'filtermine-tuner-1', title: input.title ?? 'filtermine tuner', classNames: [...classNames], nFilters, maxK, n,
    params: { ...input.params, minSupport: { ...input.params.minSupport } },
    items: b64(items), itemBytes: items instanceof Uint8Array ? 1 : 2, labels: b64(Uint16Array.from(input.labels)), windows, images,
  };
}
