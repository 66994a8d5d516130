/**
 * RGBA rasters for the image widgets: conversion from image stacks, nearest-neighbour resizing,
 * a tiny digit font, and PNG encoding (pngjs). Pure functions over typed arrays.
 */
import { PNG } from 'pngjs';

/** An 8-bit RGBA image, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  /** Pixel bytes, length width * height * 4. */
  data: Uint8Array;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/**
 * A stack of images in NHWC order, as produced by the data loaders: pixel (n, y, x, c) is at
 * `((n * height + y) * width + x) * channels + c`.
 */
export interface ImageStack {
  /** Pixel values: Uint8Array (0..255) or Float32Array (by default 0..1, see `valueRange`). */
  pixels: Float32Array | Uint8Array;
  /** Image width. */
  width: number;
  /** Image height. */
  height: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA; alpha ignored). */
  channels: number;
}

/**
 * Checks an image stack and returns its image count.
 * @throws {Error} For bad sizes or a pixel array whose length is not a multiple of one image.
 */
export function imageCount(images: ImageStack): number {
  const { width, height, channels, pixels } = images;
  for (const [k, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`image stack: ${k} must be a positive integer, got ${v}`);
  }
  if (![1, 3, 4].includes(channels)) throw new Error(`image stack: channels must be 1, 3 or 4, got ${channels}`);
  if (!(pixels instanceof Float32Array || pixels instanceof Uint8Array)) {
    throw new Error('image stack: pixels must be a Float32Array or Uint8Array');
  }
  const per = width * height * channels;
  if (pixels.length % per !== 0 || pixels.length === 0) {
    throw new Error(`image stack: pixels.length ${pixels.length} is not a positive multiple of width*height*channels = ${per}`);
  }
  return pixels.length / per;
}

/** The value range mapped to 0..255: explicit, or [0, 255] for bytes and [0, 1] for floats. */
export function defaultRange(images: ImageStack, range?: readonly [number, number]): [number, number] {
  const r: [number, number] = range ? [range[0], range[1]] : images.pixels instanceof Uint8Array ? [0, 255] : [0, 1];
  if (!(Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[1] > r[0])) {
    throw new Error(`valueRange must be [lo, hi] with finite lo < hi, got [${r[0]}, ${r[1]}]`);
  }
  return r;
}

/** Maps a value to a byte through [lo, hi], clamped; NaN becomes 0. */
export function toByte(v: number, lo: number, hi: number): number {
  const t = (v - lo) / (hi - lo);
  if (!(t > 0)) return 0;
  return t >= 1 ? 255 : Math.round(t * 255);
}

/** Creates an RGBA image filled with one colour. */
export function blankImage(width: number, height: number, rgb: readonly [number, number, number] = [255, 255, 255]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[4 * i] = rgb[0];
    data[4 * i + 1] = rgb[1];
    data[4 * i + 2] = rgb[2];
    data[4 * i + 3] = 255;
  }
  return { data, width, height };
}

/**
 * Copies a window of one image of a stack into an RGBA image of size `outSize`x`outSize`,
 * resampled by nearest neighbour (integer upscaling keeps pixels crisp).
 * @param images The stack.
 * @param index Image index.
 * @param x Left column of the window.
 * @param y Top row of the window.
 * @param size Side of the window (inside the image).
 * @param outSize Side of the output.
 * @param range Value range mapped to 0..255.
 */
export function cropNearest(images: ImageStack, index: number, x: number, y: number, size: number, outSize: number, range: readonly [number, number]): RgbaImage {
  const { width, height, channels, pixels } = images;
  const out = new Uint8Array(outSize * outSize * 4);
  const base = index * width * height * channels;
  for (let oy = 0; oy < outSize; oy++) {
    const sy = y + Math.min(size - 1, Math.floor((oy * size) / outSize));
    for (let ox = 0; ox < outSize; ox++) {
      const sx = x + Math.min(size - 1, Math.floor((ox * size) / outSize));
      const src = base + (sy * width + sx) * channels;
      const o = 4 * (oy * outSize + ox);
      if (channels === 1) {
        const g = toByte(pixels[src], range[0], range[1]);
        out[o] = out[o + 1] = out[o + 2] = g;
      } else {
        for (let c = 0; c < 3; c++) out[o + c] = toByte(pixels[src + c], range[0], range[1]);
      }
      out[o + 3] = 255;
    }
  }
  return { data: out, width: outSize, height: outSize };
}

/** Resizes an RGBA image by nearest neighbour. */
export function resizeNearest(img: RgbaImage, width: number, height: number): RgbaImage {
  const out = new Uint8Array(width * height * 4);
  for (let oy = 0; oy < height; oy++) {
    const sy = Math.min(img.height - 1, Math.floor((oy * img.height) / height));
    for (let ox = 0; ox < width; ox++) {
      const sx = Math.min(img.width - 1, Math.floor((ox * img.width) / width));
      const s = 4 * (sy * img.width + sx), o = 4 * (oy * width + ox);
      out[o] = img.data[s];
      out[o + 1] = img.data[s + 1];
      out[o + 2] = img.data[s + 2];
      out[o + 3] = img.data[s + 3];
    }
  }
  return { data: out, width, height };
}

/** Copies `src` into `dst` with its top-left corner at (x, y); parts outside `dst` are dropped. */
export function blit(dst: RgbaImage, src: RgbaImage, x: number, y: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const dy = y + sy;
    if (dy < 0 || dy >= dst.height) continue;
    for (let sx = 0; sx < src.width; sx++) {
      const dx = x + sx;
      if (dx < 0 || dx >= dst.width) continue;
      const s = 4 * (sy * src.width + sx), d = 4 * (dy * dst.width + dx);
      dst.data[d] = src.data[s];
      dst.data[d + 1] = src.data[s + 1];
      dst.data[d + 2] = src.data[s + 2];
      dst.data[d + 3] = src.data[s + 3];
    }
  }
}

/** 3x5 bitmaps of the digits 0-9, one row per string ('#' = ink). */
const digitGlyphs: readonly string[][] = [
  ['###', '#.#', '#.#', '#.#', '###'], ['.#.', '##.', '.#.', '.#.', '###'],
  ['###', '..#', '###', '#..', '###'], ['###', '..#', '.##', '..#', '###'],
  ['#.#', '#.#', '###', '..#', '..#'], ['###', '#..', '###', '..#', '###'],
  ['###', '#..', '###', '#.#', '###'], ['###', '..#', '.#.', '.#.', '.#.'],
  ['###', '#.#', '###', '#.#', '###'], ['###', '#.#', '###', '..#', '###'],
];

/** Height of the digit font in pixels. */
export const digitHeight = 5;

/** Width in pixels of a number drawn by {@link drawDigits}. */
export function digitsWidth(n: number): number {
  return String(n).length * 4 - 1;
}

/**
 * Draws a non-negative integer with the 3x5 digit font (used to number mosaic tiles so the HTML
 * caption list can refer to them).
 */
export function drawDigits(dst: RgbaImage, n: number, x: number, y: number, rgb: readonly [number, number, number] = [0, 0, 0]): void {
  const s = String(Math.max(0, Math.floor(n)));
  for (let k = 0; k < s.length; k++) {
    const glyph = digitGlyphs[s.charCodeAt(k) - 48];
    for (let gy = 0; gy < digitHeight; gy++) {
      for (let gx = 0; gx < 3; gx++) {
        if (glyph[gy][gx] !== '#') continue;
        const px = x + k * 4 + gx, py = y + gy;
        if (px < 0 || py < 0 || px >= dst.width || py >= dst.height) continue;
        const d = 4 * (py * dst.width + px);
        dst.data[d] = rgb[0];
        dst.data[d + 1] = rgb[1];
        dst.data[d + 2] = rgb[2];
        dst.data[d + 3] = 255;
      }
    }
  }
}

/**
 * Encodes an RGBA image as PNG.
 * @param img The image.
 * @returns PNG bytes.
 * @throws {Error} When the data length does not match width * height * 4.
 */
export function encodePng(img: RgbaImage): Uint8Array {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) throw new Error(`encodePng: data length ${data.length} != ${width}*${height}*4`);
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const buf = PNG.sync.write(png, { colorType: 6 });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Decodes PNG bytes (for tests and round trips).
 * @param bytes PNG file bytes.
 * @returns The RGBA image.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
}

/** A `data:` URL for PNG bytes. */
export function pngDataUrl(bytes: Uint8Array): string {
  return 'data:image/png;base64,' + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
