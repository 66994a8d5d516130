/**
 * The manifest of a dataset run folder: every parameter that decides the results, plus a
 * fingerprint of them. A rerun into the same folder with different parameters (or another model,
 * data set, backend or code version) is refused instead of silently reusing stale chunks.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../util/files';

/** Bump when the chunk format or the extraction algorithm changes results. */
export const EXTRACT_FORMAT_VERSION = 2;

/** What identifies a run's results. */
export interface RunIdentity {
  formatVersion: number;
  packageVersion: string;
  /** `folded`: the split ran with the fold.ts rewrites (absent in runs from before they existed). */
  model: {
    name: string; fingerprint: string; layer: string; folded?: boolean;
    /** Set when the model ends in a softmax: the run explains the logits below it (this layer's input). */
    softmaxStripped?: string;
  };
  data: { name: string; checksum: string; n: number; shape: [number, number, number] };
  /** `tf.getBackend()`, or `native` when the native addon serves the wasm kernels. */
  backend: string;
  params: Record<string, unknown>;
  chunkSize: number;
  batchSize: number;
}

/** The manifest file (`manifest.json`) of a run folder. */
export interface ExtractManifest {
  format: 'filtermine-extract';
  /** SHA-256 of the canonical JSON of `identity`. */
  fingerprint: string;
  identity: RunIdentity;
  nImages: number;
  nChunks: number;
  /** The k values merge uses by default. */
  ks: number[];
}

/** Canonical JSON: object keys sorted at every level. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Builds a manifest from a run identity. */
export function makeManifest(identity: RunIdentity, ks: number[]): ExtractManifest {
  const fingerprint = crypto.createHash('sha256').update(canonicalJson(identity)).digest('hex');
  return { format: 'filtermine-extract', fingerprint, identity, nImages: identity.data.n, nChunks: Math.ceil(identity.data.n / identity.chunkSize), ks };
}

/** Leaf paths where two JSON values differ, e.g. `params.seed`. */
export function jsonDifferences(a: unknown, b: unknown, at = ''): string[] {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort();
    return keys.flatMap((k) => jsonDifferences(ao[k], bo[k], at ? `${at}.${k}` : k));
  }
  return canonicalJson(a) === canonicalJson(b) ? [] : [at || '(root)'];
}

/** The manifest file of a run folder. */
export function manifestPath(out: string): string {
  return path.join(out, 'manifest.json');
}

/**
 * Reads a run folder's manifest.
 * @throws if there is none or it is not a filtermine extract manifest
 */
export function readManifest(out: string): ExtractManifest {
  const f = manifestPath(out);
  if (!fs.existsSync(f)) throw new Error(`${out} is not an extraction run folder (no manifest.json)`);
  const m = JSON.parse(fs.readFileSync(f, 'utf8')) as ExtractManifest;
  if (m.format !== 'filtermine-extract') throw new Error(`${f} is not a filtermine extraction manifest`);
  return m;
}

/**
 * Creates the run folder with its manifest, or checks that an existing one matches.
 * @returns true if the folder was new
 * @throws if the folder holds a run with another fingerprint, naming the differing fields
 */
export function openRunFolder(out: string, manifest: ExtractManifest): boolean {
  const f = manifestPath(out);
  if (fs.existsSync(f)) {
    const old = readManifest(out);
    if (old.fingerprint !== manifest.fingerprint) {
      const diff = jsonDifferences(old.identity, manifest.identity);
      throw new Error(`${out} holds an extraction run with different parameters (differs in: ${diff.join(', ') || 'fingerprint'}); ` +
        `its results cannot be reused. Use another --out folder, or delete ${out} to start over.`);
    }
    return false;
  }
  writeFileAtomic(f, JSON.stringify(manifest, null, 2) + '\n');
  return true;
}
