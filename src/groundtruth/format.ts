/**
 * The ground-truth format (documented in docs/ground-truth.md): an image folder
 * `root/<class>/<file>` plus one JSON file that lists the part vocabulary (each part with the classes
 * it belongs to) and, per image, the parts planted in it with their boxes. Pure: types, validation
 * and box arithmetic, no I/O.
 */

/** The value of {@link GroundTruth.format}. */
export const GROUND_TRUTH_FORMAT = 'filtermine-ground-truth';

/** A part of the vocabulary. */
export interface PartDef {
  /** Unique name, e.g. `disc`. */
  name: string;
  /**
   * The classes this part defines. One class: a specific part; two or more: a shared part;
   * none: a distractor (may appear in any image, says nothing about the class).
   */
  classes: string[];
  /** Optional free text, e.g. `red disc`. */
  description?: string;
}

/** A box in pixels of the image file as stored: top-left corner and size (`x + width` exclusive). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One part planted in one image. */
export interface PlantedPart {
  /** A name from {@link GroundTruth.parts}. */
  part: string;
  box: Box;
}

/** One image of the folder and its parts. */
export interface GroundTruthImage {
  /** Path relative to the folder root, `<class>/<file>` (forward slashes). */
  file: string;
  /** Size of the stored image, in pixels. */
  width: number;
  height: number;
  parts: PlantedPart[];
}

/** The JSON file of the format. */
export interface GroundTruth {
  format: typeof GROUND_TRUTH_FORMAT;
  version: 1;
  /** Optional: who made it (e.g. `filtermine planted-parts generator, seed 1`). */
  source?: string;
  /** The part vocabulary. */
  parts: PartDef[];
  images: GroundTruthImage[];
}

/** Role of a part for one class, from the vocabulary. */
export type PartRole = 'specific' | 'shared' | 'distractor';

/** The role of a part: by the number of classes it belongs to. */
export function partRole(def: PartDef): PartRole {
  return def.classes.length === 0 ? 'distractor' : def.classes.length === 1 ? 'specific' : 'shared';
}

/**
 * Checks a parsed JSON value against the format and returns it typed.
 * @param value the parsed JSON
 * @param where a name for messages (e.g. the file path)
 * @throws naming the first offending field and what was expected
 */
export function validateGroundTruth(value: unknown, where = 'ground truth'): GroundTruth {
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new Error(`${where}: ${path} must be ${expected}, got ${JSON.stringify(got)?.slice(0, 80)}`);
  };
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(value)) fail('the file', 'a JSON object', value);
  const g = value as Record<string, unknown>;
  if (g.format !== GROUND_TRUTH_FORMAT) fail('format', `'${GROUND_TRUTH_FORMAT}'`, g.format);
  if (g.version !== 1) fail('version', '1', g.version);
  if (!Array.isArray(g.parts) || g.parts.length === 0) fail('parts', 'a non-empty array', g.parts);
  const names = new Set<string>();
  (g.parts as unknown[]).forEach((p, i) => {
    if (!isObj(p)) fail(`parts[${i}]`, 'an object', p);
    const q = p as Record<string, unknown>;
    if (typeof q.name !== 'string' || q.name === '') fail(`parts[${i}].name`, 'a non-empty string', q.name);
    if (names.has(q.name as string)) fail(`parts[${i}].name`, 'unique', q.name);
    names.add(q.name as string);
    if (!Array.isArray(q.classes) || !q.classes.every((c) => typeof c === 'string')) fail(`parts[${i}].classes`, 'an array of class names', q.classes);
  });
  if (!Array.isArray(g.images)) fail('images', 'an array', g.images);
  (g.images as unknown[]).forEach((im, i) => {
    if (!isObj(im)) fail(`images[${i}]`, 'an object', im);
    const m = im as Record<string, unknown>;
    if (typeof m.file !== 'string' || !/^[^/]+\/[^/]+$/.test(m.file)) fail(`images[${i}].file`, "a path '<class>/<file>'", m.file);
    for (const k of ['width', 'height']) if (!(Number.isInteger(m[k]) && (m[k] as number) > 0)) fail(`images[${i}].${k}`, 'a positive integer', m[k]);
    if (!Array.isArray(m.parts)) fail(`images[${i}].parts`, 'an array', m.parts);
    (m.parts as unknown[]).forEach((pp, j) => {
      const at = `images[${i}].parts[${j}]`;
      if (!isObj(pp)) fail(at, 'an object', pp);
      const q = pp as Record<string, unknown>;
      if (typeof q.part !== 'string' || !names.has(q.part)) fail(`${at}.part`, 'a part name from parts', q.part);
      if (!isObj(q.box)) fail(`${at}.box`, 'an object {x, y, width, height}', q.box);
      const b = q.box as Record<string, unknown>;
      for (const k of ['x', 'y', 'width', 'height']) if (!Number.isFinite(b[k])) fail(`${at}.box.${k}`, 'a number', b[k]);
      if (!((b.width as number) > 0 && (b.height as number) > 0)) fail(`${at}.box`, 'of positive width and height', b);
      if ((b.x as number) < 0 || (b.y as number) < 0 || (b.x as number) + (b.width as number) > (m.width as number)
        || (b.y as number) + (b.height as number) > (m.height as number)) fail(`${at}.box`, `inside the ${m.width}x${m.height} image`, b);
    });
  });
  return value as GroundTruth;
}

/** Area of the intersection of two boxes. */
export function intersectionArea(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/** True when the point (px, py) lies inside the box. */
export function boxContains(b: Box, px: number, py: number): boolean {
  return px >= b.x && px < b.x + b.width && py >= b.y && py < b.y + b.height;
}

/**
 * Maps a box through "scale by `sy`/`sx`, then shift by (-left, -top)", clipped to a `size`-square
 * (the image folder loader's resize and centre crop). Returns null when nothing of it is left.
 */
export function mapBox(b: Box, sx: number, sy: number, left: number, top: number, size: number): Box | null {
  const x0 = Math.max(0, b.x * sx - left), y0 = Math.max(0, b.y * sy - top);
  const x1 = Math.min(size, (b.x + b.width) * sx - left), y1 = Math.min(size, (b.y + b.height) * sy - top);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}
