/**
 * One chunk of a dataset run as a single self-contained file (pure encode/decode): the per-image
 * records, the patch columns and the per-filter scores of a contiguous range of images.
 *
 * Layout: 8 bytes magic `FMCHUNK2`, uint32 LE header length, the 32-byte SHA-256 of everything
 * after it, the JSON header (UTF-8), zero padding to a multiple of 4, then `nPatches * nFilters`
 * float32 LE scores. The header holds only integers and float32-exact numbers, so encoding is
 * deterministic byte for byte. The checksum is verified before anything is decoded, so a flipped
 * bit anywhere (header or scores) is reported as a damaged file, never merged.
 */
import * as crypto from 'node:crypto';
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

const MAGIC = 'FMCHUNK2';
/** Magic + header length + SHA-256. */
const PREFIX = 8 + 4 + 32;
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
  const pad = (4 - ((PREFIX + json.length) % 4)) % 4;
  const scores = float32ToBytesLE(c.scores);
  const out = new Uint8Array(PREFIX + json.length + pad + scores.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, PREFIX);
  out.set(scores, PREFIX + json.length + pad);
  out.set(sha256(out.subarray(PREFIX)), 12);
  return out;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return crypto.createHash('sha256').update(bytes).digest();
}

/** A chunk file that fails its integrity check; the message names the file and how to recompute it. */
export class DamagedChunkError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: damaged chunk file (${problem}); delete it and rerun the same 'filtermine extract' command ` +
      'to recompute that chunk (the other chunks are kept)');
    this.name = 'DamagedChunkError';
  }
}

/**
 * Decodes a chunk encoded by {@link encodeChunk}.
 * @param what the file name, for messages
 * @throws {@link DamagedChunkError} if the bytes are not a complete, intact chunk file
 */
export function decodeChunk(bytes: Uint8Array, what = 'chunk'): ChunkData {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic === 'FMCHUNK1') throw new DamagedChunkError(what, 'written by an older filtermine without a checksum');
  if (bytes.length < PREFIX || magic !== MAGIC) throw new DamagedChunkError(what, 'not a filtermine chunk file: bad magic');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (PREFIX + len > bytes.length) throw new DamagedChunkError(what, `truncated: header of ${len} bytes, file of ${bytes.length}`);
  if (!crypto.timingSafeEqual(sha256(bytes.subarray(PREFIX)), bytes.subarray(12, PREFIX))) {
    throw new DamagedChunkError(what, 'SHA-256 checksum mismatch');
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let h: any;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX, PREFIX + len)));
  } catch (e) {
    throw new DamagedChunkError(what, `header is not JSON: ${(e as Error).message}`);
  }
  const pad = (4 - ((PREFIX + len) % 4)) % 4;
  const scores = float32FromBytesLE(bytes.subarray(PREFIX + len + pad));
  if (scores.length !== h.nPatches * h.nFilters) throw new DamagedChunkError(what, `expected ${h.nPatches}*${h.nFilters} scores, found ${scores.length}`);
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
