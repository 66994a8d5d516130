/**
 * One chunk of a dataset run as a single self-contained file (pure encode/decode): the per-image
 * records, the patch columns and the per-filter scores of a contiguous range of images.
 *
 * Layout: 8 bytes magic `FMCHUNK1`, uint32 LE header length, the JSON header (UTF-8), zero padding
 * to a multiple of 4, then `nPatches * nFilters` float32 LE scores. The header holds only integers
 * and float32-exact numbers, so encoding is deterministic byte for byte.
 */
import { float32FromBytesLE, float32ToBytesLE } from '../transactions/io';
import { PATCH_COLUMNS, type PatchColumns } from '../transactions/store';

/** What happened to an image: patches extracted (`ok`), or why its heatmap gave none. */
export type ImageOutcome = 'ok' | 'zero' | 'constant' | 'nonFinite';

/** Per-image records of a chunk (one entry per image). */
export interface ImageColumns {
  image: Int32Array;
  label: Int32Array;
  pred: Int32Array;
  /** The predicted-class logit on the unoccluded image. */
  logit: Float32Array;
  /** Candidate windows before the stopping rule, and windows kept. */
  candidates: Int32Array;
  kept: Int32Array;
  /** Outcome per image (see {@link ImageOutcome}). */
  outcome: ImageOutcome[];
}

/** The content of one chunk file. */
export interface ChunkData {
  /** Chunk number within the run. */
  chunk: number;
  /** Image range `[start, end)`. */
  start: number;
  end: number;
  nFilters: number;
  images: ImageColumns;
  /** Patch columns; `patch` holds the rank of the patch within its image (global ids come at merge). */
  patches: PatchColumns;
  /** `[nPatches x nFilters]`. */
  scores: Float32Array;
}

const MAGIC = 'FMCHUNK1';
const IMAGE_INT = ['image', 'label', 'pred', 'candidates', 'kept'] as const;

/** Encodes a chunk as bytes (see the module comment for the layout). */
export function encodeChunk(c: ChunkData): Uint8Array {
  const header = {
    chunk: c.chunk, start: c.start, end: c.end, nFilters: c.nFilters, nPatches: c.patches.patch.length,
    images: {
      ...Object.fromEntries(IMAGE_INT.map((k) => [k, Array.from(c.images[k])])),
      logit: floatsToJson(c.images.logit), outcome: c.images.outcome,
    },
    patches: Object.fromEntries(PATCH_COLUMNS.map((k) => [k, floatOrInts(c.patches[k])])),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const scores = float32ToBytesLE(c.scores);
  const out = new Uint8Array(12 + json.length + pad + scores.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(scores, 12 + json.length + pad);
  return out;
}

/**
 * Decodes a chunk encoded by {@link encodeChunk}.
 * @throws if the bytes are not a complete chunk file
 */
export function decodeChunk(bytes: Uint8Array, what = 'chunk'): ChunkData {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error(`${what}: not a filtermine chunk file (bad magic)`);
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + len > bytes.length) throw new Error(`${what}: truncated header`);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)));
  const pad = (4 - ((12 + len) % 4)) % 4;
  const scores = float32FromBytesLE(bytes.subarray(12 + len + pad));
  if (scores.length !== h.nPatches * h.nFilters) throw new Error(`${what}: expected ${h.nPatches}*${h.nFilters} scores, found ${scores.length}`);
  const images = {
    ...Object.fromEntries(IMAGE_INT.map((k) => [k, Int32Array.from(h.images[k])])),
    logit: Float32Array.from(h.images.logit, Number), outcome: h.images.outcome,
  } as ImageColumns;
  const patches = Object.fromEntries(PATCH_COLUMNS.map((k) => [k, k === 'score' || k === 'drop' ? Float32Array.from(h.patches[k], Number) : Int32Array.from(h.patches[k])])) as unknown as PatchColumns;
  return { chunk: h.chunk, start: h.start, end: h.end, nFilters: h.nFilters, images, patches, scores };
}

/** Float values for JSON: non-finite ones as the strings 'NaN', 'Infinity', '-Infinity' (read back with `Number`). */
function floatsToJson(a: Float32Array): (number | string)[] {
  return Array.from(a, (v) => (Number.isFinite(v) ? v : String(v)));
}

function floatOrInts(a: Int32Array | Float32Array): (number | string)[] {
  return a instanceof Float32Array ? floatsToJson(a) : Array.from(a);
}
