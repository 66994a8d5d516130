/**
 * A seeded generator of a planted-parts data set: RGB images with textured, noisy backgrounds on
 * which small parts (shapes, textures, colour motifs) are drawn at random positions and scales.
 * Each class is a combination of parts: specific parts belong to one class, shared parts to two or
 * more (no shared part alone identifies a class), distractors appear in every class at random.
 * The generator records the box of every part it draws (the tight box of its pixels).
 *
 * Pure typed-array code: same options, same bytes. Image `j` of class `c` in a split is drawn from
 * its own seed, so a smaller `perClass` gives a prefix of a larger set.
 */
import { rng, type Rng } from '../util/rng';
import { imageSeed } from '../extract/seeds';
import type { ImageSet } from '../data/image-set';
import { GROUND_TRUTH_FORMAT, type Box, type GroundTruth, type GroundTruthImage, type PartDef, type PlantedPart } from './format';

/** A part's shape: palette index (0 or 1) at local coordinates u, v in [0, 1), or -1 outside the part. */
type PartShape = (u: number, v: number) => number;

/** How a part of the built-in vocabulary is drawn. */
interface PartStyle {
  description: string;
  shape: PartShape;
  /** Two RGB colours. */
  palette: [[number, number, number], [number, number, number]];
}

const r2 = (u: number, v: number) => (u - 0.5) ** 2 + (v - 0.5) ** 2;

/** The built-in parts, by name. */
const STYLES: Record<string, PartStyle> = {
  disc: { description: 'red disc', shape: (u, v) => (r2(u, v) < 0.25 ? 0 : -1), palette: [[220, 30, 30], [0, 0, 0]] },
  square: { description: 'blue square', shape: (u, v) => (u > 0.1 && u < 0.9 && v > 0.1 && v < 0.9 ? 0 : -1), palette: [[30, 60, 220], [0, 0, 0]] },
  triangle: {
    description: 'yellow triangle', palette: [[230, 210, 20], [0, 0, 0]],
    shape: (u, v) => (v > 0.08 && v < 0.92 && Math.abs(u - 0.5) < (v - 0.08) * 0.55 ? 0 : -1),
  },
  stripes: {
    description: 'orange-black diagonal stripes (square)', palette: [[245, 140, 20], [20, 20, 20]],
    shape: (u, v) => (u > 0.05 && u < 0.95 && v > 0.05 && v < 0.95 ? Math.floor((u + v) * 4) % 2 : -1),
  },
  cross: {
    description: 'green cross', palette: [[30, 190, 60], [0, 0, 0]],
    shape: (u, v) => (Math.abs(u - 0.5) < 0.17 || Math.abs(v - 0.5) < 0.17 ? 0 : -1),
  },
  checker: {
    description: 'white-purple checkerboard (square)', palette: [[240, 240, 240], [120, 30, 150]],
    shape: (u, v) => (u > 0.05 && u < 0.95 && v > 0.05 && v < 0.95 ? (Math.floor(u * 4) + Math.floor(v * 4)) % 2 : -1),
  },
  bullseye: {
    description: 'red-white bullseye', palette: [[210, 20, 40], [245, 245, 245]],
    shape: (u, v) => { const r = Math.sqrt(r2(u, v)); return r < 0.5 ? Math.floor(r * 7) % 2 : -1; },
  },
  ring: {
    description: 'magenta ring', palette: [[220, 40, 200], [0, 0, 0]],
    shape: (u, v) => { const d = r2(u, v); return d < 0.25 && d > 0.09 ? 0 : -1; },
  },
  diamond: {
    description: 'cyan diamond (distractor)', palette: [[30, 210, 220], [0, 0, 0]],
    shape: (u, v) => (Math.abs(u - 0.5) + Math.abs(v - 0.5) < 0.5 ? 0 : -1),
  },
  dots: {
    description: 'black dots on a 3x3 grid (distractor)', palette: [[15, 15, 15], [0, 0, 0]],
    shape: (u, v) => ((u * 3 % 1 - 0.5) ** 2 + (v * 3 % 1 - 0.5) ** 2 < 0.1 ? 0 : -1),
  },
  halves: {
    description: 'blue-over-yellow two-tone disc (distractor)', palette: [[40, 90, 230], [240, 220, 40]],
    shape: (u, v) => (r2(u, v) < 0.25 ? (v < 0.5 ? 0 : 1) : -1),
  },
};

/** The built-in vocabulary: classes and which parts define them. */
export const PLANTED_PARTS_CLASSES: readonly string[] = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

/** The built-in part vocabulary (with each part's classes). */
export const PLANTED_PARTS_VOCABULARY: readonly PartDef[] = [
  { name: 'disc', classes: ['alpha'] },
  { name: 'square', classes: ['beta'] },
  { name: 'triangle', classes: ['gamma'] },
  { name: 'stripes', classes: ['delta'] },
  { name: 'cross', classes: ['alpha', 'beta'] },
  { name: 'checker', classes: ['gamma', 'delta'] },
  { name: 'bullseye', classes: ['alpha', 'gamma', 'epsilon'] },
  { name: 'ring', classes: ['beta', 'epsilon'] },
  { name: 'diamond', classes: [] },
  { name: 'dots', classes: [] },
  { name: 'halves', classes: [] },
].map((p) => ({ ...p, description: STYLES[p.name].description }));

/** Options of {@link generatePlantedParts}. */
export interface PlantedPartsOptions {
  /** Seed of everything drawn. Default 0. */
  seed?: number;
  /** Images per class. Default 100. */
  perClass?: number;
  /** Image side in pixels (at least 48). Default 64. */
  size?: number;
  /** Which split: train and test images are drawn from different seeds. Default `train`. */
  split?: 'train' | 'test';
  /** Probability that each distractor is planted in an image. Default 0.35. */
  distractorRate?: number;
  /** Smallest and largest part side in pixels. Default [12, 18] (scaled with `size / 64`). */
  partSize?: [number, number];
}

/** One generated image. */
export interface GeneratedImage {
  /** RGB bytes, `size * size * 3`. */
  rgb: Uint8Array;
  parts: PlantedPart[];
  /** Per pixel, the index in `parts` of the part drawn there, or -1 for background. */
  partMap: Int16Array;
}

/** A generated data set: pixels as an {@link ImageSet} and the ground truth of the same images. */
export interface PlantedPartsSet {
  /** RGB images (`channels` 3), in class then file order (as an image folder is read back). */
  set: ImageSet;
  truth: GroundTruth;
  /** Per image, the pixel map of {@link GeneratedImage.partMap}. */
  partMaps: Int16Array[];
}

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * Draws the textured, noisy background into `rgb`: a smooth low-saturation colour field (bilinear
 * over a coarse random grid) plus per-pixel noise.
 */
function drawBackground(rgb: Uint8Array, size: number, r: Rng): void {
  const g = 5;
  const grid = new Float32Array((g + 1) * (g + 1) * 3);
  const base = 90 + r.int(80);
  for (let i = 0; i < (g + 1) * (g + 1); i++) {
    const l = base + (r.next() - 0.5) * 70;
    for (let c = 0; c < 3; c++) grid[i * 3 + c] = l + (r.next() - 0.5) * 40;
  }
  const cell = size / g;
  for (let y = 0; y < size; y++) {
    const gy = Math.min(g - 1, Math.floor(y / cell)), fy = y / cell - gy;
    const row0 = gy * (g + 1) * 3, row1 = row0 + (g + 1) * 3;
    for (let x = 0; x < size; x++) {
      const gx = Math.min(g - 1, Math.floor(x / cell)), fx = x / cell - gx;
      const fine = Math.sin(x * 0.9 + y * 0.4) * 6; // a faint fine texture
      const w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
      const a = row0 + gx * 3, b = row1 + gx * 3, o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = w00 * grid[a + c] + w01 * grid[a + 3 + c] + w10 * grid[b + c] + w11 * grid[b + 3 + c];
        rgb[o + c] = clampByte(v + fine + r.normal() * 12);
      }
    }
  }
}

/**
 * Draws one part at (x0, y0) with side `s` into `rgb` and `partMap` (as part number `id`).
 * @returns the tight box of the pixels drawn
 */
function drawPart(rgb: Uint8Array, partMap: Int16Array, size: number, style: PartStyle, x0: number, y0: number, s: number, id: number, r: Rng): Box {
  const jitter = [0, 1].map(() => [0, 1, 2].map(() => (r.next() - 0.5) * 30));
  let minX = size, minY = size, maxX = -1, maxY = -1;
  for (let dy = 0; dy < s; dy++) {
    for (let dx = 0; dx < s; dx++) {
      const k = style.shape((dx + 0.5) / s, (dy + 0.5) / s);
      if (k < 0) continue;
      const x = x0 + dx, y = y0 + dy, p = y * size + x;
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = clampByte(style.palette[k][c] + jitter[k][c] + r.normal() * 8);
      partMap[p] = id;
      if (x < minX) minX = x; if (x > maxX) maxX = x;
      if (y < minY) minY = y; if (y > maxY) maxY = y;
    }
  }
  return { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/**
 * Random squares (side in `partSize`) inside a `size` square, at least 2 pixels apart: whole layouts
 * are redrawn until one fits.
 * @throws if no layout fits in 200 tries
 */
function layout(count: number, size: number, partSize: [number, number], r: Rng): { x: number; y: number; s: number }[] {
  for (let attempt = 0; attempt < 200; attempt++) {
    const placed: { x: number; y: number; s: number }[] = [];
    for (let k = 0; k < count; k++) {
      for (let tries = 0; tries < 50 && placed.length === k; tries++) {
        const s = partSize[0] + r.int(partSize[1] - partSize[0] + 1);
        const x = r.int(size - s + 1), y = r.int(size - s + 1);
        if (!placed.some((q) => x < q.x + q.s + 2 && q.x < x + s + 2 && y < q.y + q.s + 2 && q.y < y + s + 2)) placed.push({ x, y, s });
      }
      if (placed.length === k) break;
    }
    if (placed.length === count) return placed;
  }
  throw new Error(`generateImage: could not place ${count} parts of side ${partSize[0]}..${partSize[1]} on ${size}x${size}`);
}

/**
 * Draws one image with the given parts at random, non-overlapping places (a 2-pixel gap) and sizes.
 * @param partNames the parts to plant, drawn in this order
 * @throws if a name is not in the built-in vocabulary, or the parts cannot be placed
 */
export function generateImage(partNames: readonly string[], size: number, partSize: [number, number], r: Rng): GeneratedImage {
  const rgb = new Uint8Array(size * size * 3);
  const partMap = new Int16Array(size * size).fill(-1);
  drawBackground(rgb, size, r);
  for (const name of partNames) {
    if (!STYLES[name]) throw new Error(`generateImage: unknown part '${name}'; known: ${Object.keys(STYLES).join(', ')}`);
  }
  const placed = layout(partNames.length, size, partSize, r);
  const parts: PlantedPart[] = partNames.map((name, id) => {
    const q = placed[id];
    return { part: name, box: drawPart(rgb, partMap, size, STYLES[name], q.x, q.y, q.s, id, r) };
  });
  return { rgb, parts, partMap };
}

function checkInt(what: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) throw new Error(`generatePlantedParts: ${what} must be an integer >= ${min}, got ${v}`);
}

/** A small stable hash of a string (FNV-1a), for seeds. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Generates a planted-parts data set with the built-in vocabulary
 * ({@link PLANTED_PARTS_VOCABULARY}, classes {@link PLANTED_PARTS_CLASSES}).
 * @returns the images as an RGB {@link ImageSet}, the ground truth (files `<class>/<class>-NNNNN.png`)
 *   and per-pixel part maps
 * @throws if an option is out of range
 * @example const { set, truth } = generatePlantedParts({ seed: 1, perClass: 200 });
 */
export function generatePlantedParts(options: PlantedPartsOptions = {}): PlantedPartsSet {
  const seed = options.seed ?? 0, perClass = options.perClass ?? 100, size = options.size ?? 64;
  const split = options.split ?? 'train', rate = options.distractorRate ?? 0.35;
  checkInt('seed', seed, 0);
  checkInt('perClass', perClass, 1);
  checkInt('size', size, 48);
  if (split !== 'train' && split !== 'test') throw new Error(`generatePlantedParts: split must be 'train' or 'test', got '${split}'`);
  if (!(rate >= 0 && rate <= 1)) throw new Error(`generatePlantedParts: distractorRate must be in [0, 1], got ${rate}`);
  const partSize = options.partSize ?? [Math.round(12 * size / 64), Math.round(18 * size / 64)];
  if (!(Number.isInteger(partSize[0]) && partSize[0] >= 4 && partSize[1] >= partSize[0] && partSize[1] <= size / 2)) {
    throw new Error(`generatePlantedParts: partSize must be integers [min, max] with 4 <= min <= max <= size/2, got [${partSize}]`);
  }
  const classes = PLANTED_PARTS_CLASSES;
  const distractors = PLANTED_PARTS_VOCABULARY.filter((p) => p.classes.length === 0).map((p) => p.name);
  const n = classes.length * perClass;
  const images = new Uint8Array(n * size * size * 3);
  const labels = new Uint8Array(n);
  const records: GroundTruthImage[] = [];
  const partMaps: Int16Array[] = [];
  const splitSeed = imageSeed(seed, hashString(split) >>> 1);
  classes.forEach((cls, c) => {
    const own = PLANTED_PARTS_VOCABULARY.filter((p) => p.classes.includes(cls)).map((p) => p.name);
    const classSeed = imageSeed(splitSeed, c);
    for (let j = 0; j < perClass; j++) {
      const r = rng(imageSeed(classSeed, j));
      const names = [...own, ...distractors.filter(() => r.next() < rate)];
      // Draw in a random order so no part is always placed first (where there is most room).
      for (let i = names.length - 1; i > 0; i--) { const k = r.int(i + 1); [names[i], names[k]] = [names[k], names[i]]; }
      const img = generateImage(names, size, partSize, r);
      const i = c * perClass + j;
      images.set(img.rgb, i * size * size * 3);
      labels[i] = c;
      records.push({ file: `${cls}/${cls}-${String(j).padStart(5, '0')}.png`, width: size, height: size, parts: img.parts });
      partMaps.push(img.partMap);
    }
  });
  const source = `filtermine planted-parts generator: seed ${seed}, split ${split}, ${perClass} per class, ${size}x${size}, distractor rate ${rate}, part size [${partSize}]`;
  return {
    set: { images, labels, n, height: size, width: size, channels: 3, classNames: classes, checksum: `planted-parts:${seed}:${split}:${perClass}:${size}:${rate}:${partSize}` },
    truth: { format: GROUND_TRUTH_FORMAT, version: 1, source, parts: PLANTED_PARTS_VOCABULARY.map((p) => ({ ...p, classes: [...p.classes] })), images: records },
    partMaps,
  };
}
