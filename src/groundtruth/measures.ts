/**
 * Measures against planted-part ground truth (defined in docs/ground-truth.md). Pure functions over
 * typed arrays and plain records: no tfjs, no I/O.
 *
 * - {@link partIndex}: the vocabulary as indices (parts, their classes and roles);
 * - {@link pointingGame}: is the most relevant patch of an image on a part of its class, and what
 *   share of kept patches overlaps such a part;
 * - {@link filterPartSelectivity}: per filter and part, the filter's response inside the part's
 *   boxes against its response elsewhere; {@link filterParts}: each filter's part, if selective;
 * - {@link classFilterScores}: per class, precision and recall of a filter set against the parts;
 * - {@link sharingAgreement}: specific / shared labels of filters against the roles of their parts;
 * - {@link inpaintBox}: remove a part by filling its box from the pixels around it (for the
 *   model's own part importance).
 */
import type { PatchBox } from '../widgets/mosaic';
import { intersectionArea, partRole, type Box, type PartDef, type PartRole, type PlantedPart } from './format';

/** The part vocabulary as indices. */
export interface PartIndex {
  /** Part names, index = part id. */
  names: string[];
  /** Per part, the class indices it belongs to. */
  classes: number[][];
  /** Per part, its role. */
  roles: PartRole[];
  /** Per class, the ids of its parts (the definitional truth). */
  classParts: number[][];
  /** Part id by name. */
  id: Map<string, number>;
}

/**
 * Indexes a vocabulary against the class order of a model.
 * @throws if a part names a class not in `classNames`
 */
export function partIndex(parts: readonly PartDef[], classNames: readonly string[]): PartIndex {
  const cls = new Map(classNames.map((c, i) => [c, i] as [string, number]));
  const classes = parts.map((p) => p.classes.map((c) => {
    const i = cls.get(c);
    if (i === undefined) throw new Error(`partIndex: part '${p.name}' names class '${c}', not one of ${classNames.join(', ')}`);
    return i;
  }));
  const classParts = classNames.map((_, c) => classes.flatMap((cs, p) => (cs.includes(c) ? [p] : [])));
  return {
    names: parts.map((p) => p.name), classes, roles: parts.map(partRole), classParts,
    id: new Map(parts.map((p, i) => [p.name, i] as [string, number])),
  };
}

/**
 * Overlap of a patch and a part box: intersection over the smaller of the two areas. A patch
 * counts as "on" a part when this is at least 0.5 (half of the part, or half of the patch, is shared).
 */
export function patchPartOverlap(p: Box, b: Box): number {
  const inter = intersectionArea(p, b);
  return inter / Math.min(p.width * p.height, b.width * b.height);
}

/** Options of {@link pointingGame}. */
export interface PointingOptions {
  /** Smallest {@link patchPartOverlap} for a patch to be on a part. Default 0.5. */
  minOverlap?: number;
}

/** What {@link pointingGame} returns. */
export interface PointingResult {
  /** Images with at least one kept patch. */
  images: number;
  /** Of those, images whose first (most relevant) patch is on a part of the image's class. */
  hits: number;
  /** hits / images (NaN without images). */
  pointing: number;
  /** Kept patches, and those on a part of the image's class, a distractor, or no part at all. */
  patches: number;
  onClassPart: number;
  onDistractor: number;
  onNothing: number;
  /** onClassPart / patches (NaN without patches). */
  share: number;
}

/**
 * The pointing game and the kept-patch share.
 * @param patches kept patches in rank order within each image (the first of an image is its most relevant)
 * @param planted per image, its parts
 * @param labels per image, its class
 * @param index the vocabulary
 */
export function pointingGame(patches: readonly PatchBox[], planted: readonly PlantedPart[][], labels: ArrayLike<number>, index: PartIndex, options: PointingOptions = {}): PointingResult {
  const minOverlap = options.minOverlap ?? 0.5;
  const seen = new Set<number>();
  let hits = 0, onClassPart = 0, onDistractor = 0, onNothing = 0;
  for (const p of patches) {
    if (!(p.image >= 0 && p.image < planted.length)) throw new Error(`pointingGame: patch of image ${p.image}, expected an index in [0, ${planted.length})`);
    const win = { x: p.x, y: p.y, width: p.size, height: p.size };
    let cls = false, dis = false;
    for (const q of planted[p.image]) {
      if (patchPartOverlap(win, q.box) < minOverlap) continue;
      const id = index.id.get(q.part);
      if (id === undefined) throw new Error(`pointingGame: part '${q.part}' is not in the vocabulary`);
      if (index.classes[id].includes(labels[p.image])) cls = true; else if (index.roles[id] === 'distractor') dis = true;
    }
    if (cls) onClassPart++; else if (dis) onDistractor++; else onNothing++;
    if (!seen.has(p.image)) {
      seen.add(p.image);
      if (cls) hits++;
    }
  }
  const n = patches.length;
  return {
    images: seen.size, hits, pointing: seen.size ? hits / seen.size : NaN,
    patches: n, onClassPart, onDistractor, onNothing, share: n ? onClassPart / n : NaN,
  };
}

/**
 * The pointing game's chance level: per image, the share of all positions of a `size` window
 * (stride 1) that are on a part of the image's class; the mean over images.
 * @param height image height (pixels)
 * @param width image width
 */
export function randomWindowPointing(planted: readonly PlantedPart[][], labels: ArrayLike<number>, index: PartIndex, size: number, height: number, width: number, options: PointingOptions = {}): number {
  const minOverlap = options.minOverlap ?? 0.5;
  if (!(Number.isInteger(size) && size >= 1 && size <= Math.min(height, width))) throw new Error(`randomWindowPointing: size must be an integer in [1, ${Math.min(height, width)}], got ${size}`);
  let sum = 0;
  planted.forEach((parts, i) => {
    const own = parts.filter((q) => index.classes[index.id.get(q.part) ?? -1]?.includes(labels[i]));
    let hits = 0, all = 0;
    for (let y = 0; y + size <= height; y++) {
      for (let x = 0; x + size <= width; x++) {
        all++;
        const win = { x, y, width: size, height: size };
        if (own.some((q) => patchPartOverlap(win, q.box) >= minOverlap)) hits++;
      }
    }
    sum += hits / all;
  });
  return planted.length ? sum / planted.length : NaN;
}

/** Activations at the analysed layer with the geometry to map boxes onto them. */
export interface LayerActivations {
  /** `[n, h, w, F]` row-major. */
  data: ArrayLike<number>;
  n: number;
  h: number;
  w: number;
  F: number;
  /** Input image size in pixels (boxes are in these pixels). */
  imageHeight: number;
  imageWidth: number;
}

/**
 * The activation cells a box covers: cells whose centre lies in the box; when none does (a box
 * smaller than a cell), the cell holding the box centre.
 * @returns cell indices `y * w + x`
 */
export function boxCells(b: Box, h: number, w: number, imageHeight: number, imageWidth: number): number[] {
  const sy = imageHeight / h, sx = imageWidth / w;
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    const cy = (y + 0.5) * sy;
    if (cy < b.y || cy >= b.y + b.height) continue;
    for (let x = 0; x < w; x++) {
      const cx = (x + 0.5) * sx;
      if (cx >= b.x && cx < b.x + b.width) out.push(y * w + x);
    }
  }
  if (out.length === 0) {
    const y = Math.min(h - 1, Math.floor((b.y + b.height / 2) / sy)), x = Math.min(w - 1, Math.floor((b.x + b.width / 2) / sx));
    out.push(y * w + x);
  }
  return out;
}

/** Filter-to-part selectivity, `[F, P]` row-major. */
export interface Selectivity {
  F: number;
  P: number;
  /** Mean over the part's instances of the filter's largest activation inside the instance's box. */
  inside: Float64Array;
  /** Mean over all images of the filter's largest activation outside every box of that part. */
  outside: Float64Array;
  /** (inside - outside) / (inside + outside), in [-1, 1]; 0 when both are 0; NaN for a part never planted. */
  score: Float64Array;
  /** Instances of each part seen. */
  instances: Int32Array;
}

/**
 * Per filter and part, how strongly the filter responds inside the part's boxes compared with
 * elsewhere (see {@link Selectivity}).
 * @param acts the activations of the images
 * @param planted per image, its parts (boxes in input pixels)
 * @param index the vocabulary
 * @throws if the sizes disagree or a part is not in the vocabulary
 */
export function filterPartSelectivity(acts: LayerActivations, planted: readonly PlantedPart[][], index: PartIndex): Selectivity {
  const { n, h, w, F, data } = acts;
  if (data.length !== n * h * w * F) throw new Error(`filterPartSelectivity: activations have ${data.length} values, expected n*h*w*F = ${n * h * w * F}`);
  if (planted.length !== n) throw new Error(`filterPartSelectivity: ${planted.length} images of parts for ${n} images of activations`);
  const P = index.names.length, cells = h * w;
  const inSum = new Float64Array(F * P), outSum = new Float64Array(F * P), instances = new Int32Array(P);
  const inMax = new Float64Array(F), outMax = new Float64Array(F);
  const mark = new Uint8Array(cells);
  for (let i = 0; i < n; i++) {
    const base = i * cells * F;
    const byPart = new Map<number, number[][]>();
    for (const q of planted[i]) {
      const id = index.id.get(q.part);
      if (id === undefined) throw new Error(`filterPartSelectivity: image ${i} has part '${q.part}', not in the vocabulary`);
      const list = byPart.get(id) ?? [];
      list.push(boxCells(q.box, h, w, acts.imageHeight, acts.imageWidth));
      byPart.set(id, list);
    }
    // The largest activation of each filter over the whole image, for parts not in this image.
    outMax.fill(-Infinity);
    for (let c = 0; c < cells; c++) for (let f = 0; f < F; f++) { const v = data[base + c * F + f]; if (v > outMax[f]) outMax[f] = v; }
    const imageMax = Float64Array.from(outMax);
    for (let p = 0; p < P; p++) {
      const boxes = byPart.get(p);
      if (!boxes) { for (let f = 0; f < F; f++) outSum[f * P + p] += imageMax[f]; continue; }
      mark.fill(0);
      for (const bc of boxes) {
        instances[p]++;
        inMax.fill(-Infinity);
        for (const c of bc) { mark[c] = 1; for (let f = 0; f < F; f++) { const v = data[base + c * F + f]; if (v > inMax[f]) inMax[f] = v; } }
        for (let f = 0; f < F; f++) inSum[f * P + p] += inMax[f];
      }
      outMax.fill(-Infinity);
      let any = false;
      for (let c = 0; c < cells; c++) {
        if (mark[c]) continue;
        any = true;
        for (let f = 0; f < F; f++) { const v = data[base + c * F + f]; if (v > outMax[f]) outMax[f] = v; }
      }
      for (let f = 0; f < F; f++) outSum[f * P + p] += any ? outMax[f] : 0;
    }
  }
  const inside = new Float64Array(F * P), outside = new Float64Array(F * P), score = new Float64Array(F * P);
  for (let f = 0; f < F; f++) {
    for (let p = 0; p < P; p++) {
      const k = f * P + p;
      inside[k] = instances[p] ? inSum[k] / instances[p] : NaN;
      outside[k] = n ? outSum[k] / n : NaN;
      const s = inside[k] + outside[k];
      score[k] = !instances[p] ? NaN : s > 0 ? (inside[k] - outside[k]) / s : 0;
    }
  }
  return { F, P, inside, outside, score, instances };
}

/** The selectivity score at or above which a filter counts as selective for its best part (default). */
export const DEFAULT_SELECTIVITY_THRESHOLD = 0.3;

/**
 * Each filter's part: the part of highest selectivity, when that score is at least `threshold`;
 * else -1 (the filter is selective for no part).
 * @returns Int32Array of length F
 */
export function filterParts(sel: Selectivity, threshold = DEFAULT_SELECTIVITY_THRESHOLD): Int32Array {
  const out = new Int32Array(sel.F).fill(-1);
  for (let f = 0; f < sel.F; f++) {
    let best = -1, bestScore = -Infinity;
    for (let p = 0; p < sel.P; p++) {
      const s = sel.score[f * sel.P + p];
      if (s > bestScore) { bestScore = s; best = p; }
    }
    if (best >= 0 && bestScore >= threshold) out[f] = best;
  }
  return out;
}

/** Precision and recall of one class's filter set. */
export interface ClassFilterScore {
  class: number;
  /** Filters in the set. */
  filters: number;
  /** Filters whose part is one of the class's truth parts. */
  onOwnPart: number;
  /** onOwnPart / filters (NaN for an empty set). */
  precision: number;
  /** The class's truth parts. */
  parts: number;
  /** Truth parts that are the part of at least one filter of the set. */
  covered: number;
  /** covered / parts (NaN when the class has no truth parts). */
  recall: number;
}

/**
 * Per class: precision (share of its filters selective for one of its own parts) and recall
 * (share of its parts covered by at least one of its filters).
 * @param sets per class, its filters
 * @param partOf per filter, its part or -1 (see {@link filterParts})
 * @param truth per class, its truth parts (the definitional `index.classParts`, or the parts the model uses)
 * @throws if a filter is outside [0, partOf.length) or the class counts differ
 */
export function classFilterScores(sets: readonly (readonly number[])[], partOf: Int32Array, truth: readonly (readonly number[])[]): ClassFilterScore[] {
  if (sets.length !== truth.length) throw new Error(`classFilterScores: ${sets.length} filter sets for ${truth.length} classes`);
  return sets.map((set, c) => {
    const own = new Set(truth[c]);
    const covered = new Set<number>();
    let onOwn = 0;
    for (const f of set) {
      if (!(Number.isInteger(f) && f >= 0 && f < partOf.length)) throw new Error(`classFilterScores: class ${c} has filter ${f}, expected an integer in [0, ${partOf.length})`);
      const p = partOf[f];
      if (p >= 0 && own.has(p)) { onOwn++; covered.add(p); }
    }
    return {
      class: c, filters: set.length, onOwnPart: onOwn, precision: set.length ? onOwn / set.length : NaN,
      parts: own.size, covered: covered.size, recall: own.size ? covered.size / own.size : NaN,
    };
  });
}

/** Mean of the finite values (NaN when there are none). */
export function finiteMean(values: readonly number[]): number {
  const v = values.filter(Number.isFinite);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

/** Specific/shared labels against part roles. */
export interface SharingAgreement {
  /** Filters in any class's set whose part is a specific or shared part. */
  judged: number;
  /** Of those, filters labelled as their part's role (specific part: in one class's set; shared part: in two or more). */
  agree: number;
  /** agree / judged (NaN when nothing can be judged). */
  agreement: number;
  /** Counts by [label][role]: label = how many classes' sets hold the filter (specific / shared). */
  confusion: { specific: { specific: number; shared: number }; shared: { specific: number; shared: number } };
  /** Filters in some set whose part is a distractor, or none. */
  distractor: number;
  unselective: number;
}

/**
 * Agreement of the specific / shared labels that class filter sets give filters (in one class's
 * set: specific; in two or more: shared) with the roles of the filters' parts.
 * @param sets per class, its filters
 * @param partOf per filter, its part or -1
 * @param index the vocabulary (roles)
 */
export function sharingAgreement(sets: readonly (readonly number[])[], partOf: Int32Array, index: PartIndex): SharingAgreement {
  const count = new Map<number, number>();
  for (const set of sets) for (const f of new Set(set)) count.set(f, (count.get(f) ?? 0) + 1);
  const confusion = { specific: { specific: 0, shared: 0 }, shared: { specific: 0, shared: 0 } };
  let distractor = 0, unselective = 0;
  for (const [f, k] of count) {
    const p = partOf[f];
    if (p < 0) { unselective++; continue; }
    const role = index.roles[p];
    if (role === 'distractor') { distractor++; continue; }
    confusion[k > 1 ? 'shared' : 'specific'][role]++;
  }
  const agree = confusion.specific.specific + confusion.shared.shared;
  const judged = agree + confusion.specific.shared + confusion.shared.specific;
  return { judged, agree, agreement: judged ? agree / judged : NaN, confusion, distractor, unselective };
}

/**
 * Removes whatever is in a box by filling it from the pixels just outside it: each pixel is the
 * inverse-distance blend of the nearest pixels left, right, above and below the box (sides at the
 * image border are left out). Modifies `pixels` in place.
 * @param pixels `[height, width, channels]` row-major, one image
 * @throws if the box covers the whole image
 */
export function inpaintBox(pixels: Float32Array | Uint8Array, height: number, width: number, channels: number, b: Box): void {
  const x0 = Math.max(0, Math.floor(b.x)), y0 = Math.max(0, Math.floor(b.y));
  const x1 = Math.min(width, Math.ceil(b.x + b.width)), y1 = Math.min(height, Math.ceil(b.y + b.height));
  if (x0 === 0 && y0 === 0 && x1 === width && y1 === height) throw new Error('inpaintBox: the box covers the whole image; nothing to fill it from');
  const at = (y: number, x: number, c: number) => pixels[(y * width + x) * channels + c];
  const out = new Float32Array((y1 - y0) * (x1 - x0) * channels);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const sides: [number, number, number][] = []; // [weight, y, x]
      if (x0 > 0) sides.push([1 / (x - x0 + 1), y, x0 - 1]);
      if (x1 < width) sides.push([1 / (x1 - x), y, x1]);
      if (y0 > 0) sides.push([1 / (y - y0 + 1), y0 - 1, x]);
      if (y1 < height) sides.push([1 / (y1 - y), y1, x]);
      const total = sides.reduce((a, s) => a + s[0], 0);
      for (let c = 0; c < channels; c++) {
        let v = 0;
        for (const [wt, sy, sx] of sides) v += wt * at(sy, sx, c);
        out[((y - y0) * (x1 - x0) + (x - x0)) * channels + c] = v / total;
      }
    }
  }
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < channels; c++) {
        const v = out[((y - y0) * (x1 - x0) + (x - x0)) * channels + c];
        pixels[(y * width + x) * channels + c] = pixels instanceof Uint8Array ? Math.round(v) : v;
      }
    }
  }
}

/** A part's importance to the model for one class: what removing it does. */
export interface PartImportance {
  class: number;
  part: number;
  /** Images of the class holding the part. */
  images: number;
  /** Mean drop of the class's softmax probability when the part is removed. */
  probabilityDrop: number;
  /** Accuracy on those images before and after removal. */
  accuracyBefore: number;
  accuracyAfter: number;
}

/** The probability drop at or above which a part counts as used by the model (default). */
export const DEFAULT_USED_PART_DROP = 0.1;

/** The fewest images of a class holding a part for its importance to count (default). */
export const DEFAULT_USED_PART_MIN_IMAGES = 5;

/**
 * The parts a model uses, per class: those whose removal drops the class's probability by at
 * least `minDrop` on average over at least `minImages` images of the class.
 * @param importance rows of {@link PartImportance}
 * @param numClasses K
 * @returns per class, the used part ids
 */
export function usedParts(importance: readonly PartImportance[], numClasses: number, minDrop = DEFAULT_USED_PART_DROP, minImages = DEFAULT_USED_PART_MIN_IMAGES): number[][] {
  const out = Array.from({ length: numClasses }, () => [] as number[]);
  for (const r of importance) if (r.images >= minImages && r.images > 0 && r.probabilityDrop >= minDrop) out[r.class].push(r.part);
  return out;
}
