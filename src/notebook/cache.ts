/**
 * On-disk result cache of the notebooks: a result is stored under a key derived from every
 * parameter that decides it (canonical JSON -> SHA-256), so a cell re-run with the same
 * parameters reads it back and a change of any parameter computes a new entry. Nothing is
 * reused silently: the key file records the parameters next to the result, and every key also
 * holds the package version and a hash of the compiled code ({@link codeVersion}), so results of
 * other code are never read back.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from '../extract/manifest';
import { packageRoot } from '../models/shipped';
import { packageVersion } from '../util/package-root';
import { writeFileAtomic } from '../util/files';

/** Bumped when the layout or meaning of cached notebook results changes. */
export const NOTEBOOK_CACHE_VERSION = 2;

let codeVersionMemo: string | null = null;

/** Every `.js` file below `dir`, as paths relative to it, sorted. */
function jsFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...jsFiles(dir, r));
    else if (e.name.endsWith('.js')) out.push(r);
  }
  return out.sort();
}

/**
 * The code a cached result was computed by: the package version and the first 16 hex digits of
 * the SHA-256 over every compiled file of the library (names and contents), computed once per
 * process. Part of every {@link cacheKey}: a rebuild with any change computes afresh.
 * @param lib the compiled code's folder; default: this library's (the folder above this file's)
 * @example codeVersion() === '0.1.0+3f2a9c0d1e4b5a6f'
 */
export function codeVersion(lib?: string): string {
  if (lib === undefined && codeVersionMemo !== null) return codeVersionMemo;
  const version = packageVersion();
  const dir = lib ?? path.resolve(__dirname, '..');
  const h = crypto.createHash('sha256');
  for (const f of jsFiles(dir)) h.update(`${f}\0`).update(fs.readFileSync(path.join(dir, f))).update('\0');
  const v = `${version}+${h.digest('hex').slice(0, 16)}`;
  if (lib === undefined) codeVersionMemo = v;
  return v;
}

/**
 * The cache root: `$FILTERMINE_CACHE` if set, else `.cache/notebooks` at the package root.
 */
export function notebookCacheRoot(): string {
  return process.env.FILTERMINE_CACHE ?? path.join(packageRoot(), '.cache', 'notebooks');
}

/**
 * A short stable key of a parameter object: the first 16 hex digits of the SHA-256 of its
 * canonical JSON (object keys sorted), so key order never matters.
 * @param params any JSON-serialisable value
 * @example cacheKey({ k: 10, model: 'vgg-small' }) === cacheKey({ model: 'vgg-small', k: 10 })
 */
export function cacheKey(params: unknown): string {
  return crypto.createHash('sha256').update(`v${NOTEBOOK_CACHE_VERSION}:${codeVersion()}:${canonicalJson(params)}`).digest('hex').slice(0, 16);
}

/** Options of {@link cachedJson}. */
export interface CachedJsonOptions {
  /** Cache root. Default {@link notebookCacheRoot}. */
  root?: string;
  /** Recompute even if an entry exists. Default false. */
  refresh?: boolean;
}

/** A cached result and where it came from. */
export interface Cached<T> {
  value: T;
  /** The entry's file. */
  file: string;
  /** True when read from disk, false when computed by this call. */
  hit: boolean;
}

/**
 * Returns the cached value for `(kind, params)` or computes, stores and returns it.
 * @param kind a folder name for this kind of result, e.g. `ablation`
 * @param params everything that decides the value (recorded in the entry)
 * @param compute computes the value (must be JSON-serialisable)
 * @throws if `kind` is not a plain name
 */
export async function cachedJson<T>(kind: string, params: unknown, compute: () => Promise<T> | T, options: CachedJsonOptions = {}): Promise<Cached<T>> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(kind)) throw new Error(`cachedJson: kind must be a lowercase name like 'ablation', got '${kind}'`);
  const file = path.join(options.root ?? notebookCacheRoot(), kind, `${cacheKey(params)}.json`);
  if (!options.refresh && fs.existsSync(file)) {
    const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as { params: unknown; value: T };
    if (canonicalJson(entry.params) === canonicalJson(params)) return { value: entry.value, file, hit: true };
  }
  const value = await compute();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify({ version: NOTEBOOK_CACHE_VERSION, code: codeVersion(), params, value }));
  return { value, file, hit: false };
}
