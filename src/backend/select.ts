/**
 * Picks and activates the tfjs compute backend with one call: native TensorFlow (GPU, then CPU)
 * when a user has installed it, else WebAssembly, else the plain JavaScript cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_CHOICES, getBackendCandidate, type BackendCandidate } from './candidates';

/**
 * A backend a caller may ask for. `tensorflow` is TensorFlow's own (tfjs-node-gpu or tfjs-node);
 * `native` is wasm with its convolutions and matrix products in filtermine's native addon
 * (multi-threaded, AVX-512/AVX2); `wasm` is plain wasm (one thread, 128-bit SIMD).
 */
export type BackendName = 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

/** The environment variable that replaces `'auto'` with an explicit choice (e.g. `FILTERMINE_BACKEND=cpu`). */
export const BACKEND_ENV_VAR = 'FILTERMINE_BACKEND';

/** What happened to one candidate while selecting. */
export interface BackendAttempt {
  /** Candidate id, e.g. `tfjs-node`. */
  candidate: string;
  /** The npm package behind it (null for the bundled cpu backend). */
  packageName: string | null;
  /** `active`: selected; `not installed`: package not resolvable; `failed`: it loaded or initialised with an error. */
  outcome: 'active' | 'not installed' | 'failed';
  /** The error text when `failed`. */
  error?: string;
}

/** The result of {@link selectBackend}. */
export interface BackendInfo {
  /** The active tfjs backend name (`tf.getBackend()`): `tensorflow`, `wasm` or `cpu`. */
  name: string;
  /** The candidate that was activated, e.g. `tfjs-node-gpu`, `tfjs-node`, `wasm`, `cpu`. */
  candidate: string;
  /** What was asked for after applying {@link BACKEND_ENV_VAR}. */
  requested: BackendName;
  /** Where the request came from. */
  source: 'argument' | 'environment';
  /** Every candidate considered, in order. */
  tried: BackendAttempt[];
  /** `tfjs` (tfjs-core) version and the backend package's version. */
  versions: { tfjs: string; backend: string };
  /** Backend-specific facts (wasm: `simd`, `threads`). */
  details: Record<string, string | number | boolean>;
}

const KNOWN: readonly BackendName[] = ['auto', 'tensorflow', 'native', 'wasm', 'cpu'];

/** Finished selections, by requested name and source: calling again is cheap and returns the same info. */
const selected = new Map<string, BackendInfo>();

function parseName(value: string, what: string): BackendName {
  if (!(KNOWN as readonly string[]).includes(value)) {
    throw new Error(`${what} must be one of ${KNOWN.join(', ')}; got '${value}'`);
  }
  return value as BackendName;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0] : String(e);
}

/** Loads and activates one candidate; returns its facts or throws. */
async function activate(c: BackendCandidate): Promise<{ version: string; details: Record<string, string | number | boolean> }> {
  const loaded = await c.load();
  if (tf.findBackendFactory(c.backendName) == null && tf.findBackend(c.backendName) == null) {
    throw new Error(`${c.packageName ?? c.id} loaded but registered no '${c.backendName}' backend with this copy of ` +
      `@tensorflow/tfjs-core ${tf.version_core} (are two tfjs versions installed?)`);
  }
  // setBackend reports failure by resolving to false (and logging); turn that into an error.
  const ok = await tf.setBackend(c.backendName);
  if (!ok) throw new Error(`tf.setBackend('${c.backendName}') failed to initialise the backend`);
  await tf.ready();
  c.afterActivate?.();
  return { version: loaded.version, details: loaded.details?.() ?? {} };
}

function notAvailableError(requested: BackendName, tried: BackendAttempt[]): Error {
  const lines = tried.map((t) => `  - ${t.candidate}: ${t.outcome}${t.error ? ` (${t.error})` : ''}`);
  const hints = BACKEND_CHOICES[requested].map((id) => `  - ${getBackendCandidate(id).installHint}`);
  return new Error(`backend '${requested}' is not available:\n${lines.join('\n')}\nTo use it, install one of:\n${hints.join('\n')}`);
}

/**
 * Selects and activates the compute backend. `'auto'` tries `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node` (each only when installed), then wasm with the native addon (when it is
 * built), then plain wasm, then cpu. When `name` is `'auto'` and the environment variable
 * `FILTERMINE_BACKEND` is set, its value is used instead.
 * Activating wasm also registers the gradient kernels that backend lacks (see wasm-kernels/);
 * `native` also routes convolutions and matrix products through the addon (see native/).
 * Idempotent: a second call with the same request returns the cached info at once (re-activating
 * the backend if something else switched it meanwhile).
 *
 * @param name `'auto'` (default), `'tensorflow'` (TensorFlow's, GPU build first), `'native'`,
 *   `'wasm'` or `'cpu'`
 * @returns what is active, what was tried and the versions
 * @throws when `name` (or `FILTERMINE_BACKEND`) is not a known name, or an explicitly requested
 *   backend cannot load; the message names the npm package to install
 * @example
 *   const info = await selectBackend();          // 'wasm' (+ native addon) without tfjs-node
 *   console.log(info.name, info.versions);
 */
export async function selectBackend(name: BackendName = 'auto'): Promise<BackendInfo> {
  let requested = parseName(name, 'selectBackend: name');
  let source: BackendInfo['source'] = 'argument';
  const fromEnv = process.env[BACKEND_ENV_VAR];
  if (requested === 'auto' && fromEnv) {
    requested = parseName(fromEnv.trim(), `environment variable ${BACKEND_ENV_VAR}`);
    source = 'environment';
  }

  const cached = selected.get(`${requested}/${source}`);
  if (cached) {
    if (tf.getBackend() !== cached.name) {
      await tf.setBackend(cached.name);
      await tf.ready();
    }
    // wasm and native share the tfjs backend 'wasm': put this candidate's kernels back in place.
    getBackendCandidate(cached.candidate).afterActivate?.();
    return cached;
  }

  const tried: BackendAttempt[] = [];
  for (const id of BACKEND_CHOICES[requested]) {
    const c = getBackendCandidate(id);
    if (!c.isInstalled()) {
      tried.push({ candidate: id, packageName: c.packageName, outcome: 'not installed' });
      continue;
    }
    try {
      const { version, details } = await activate(c);
      tried.push({ candidate: id, packageName: c.packageName, outcome: 'active' });
      const info: BackendInfo = {
        name: tf.getBackend(), candidate: id, requested, source, tried,
        versions: { tfjs: tf.version_core, backend: version }, details,
      };
      selected.set(`${requested}/${source}`, info);
      return info;
    } catch (e) {
      tried.push({ candidate: id, packageName: c.packageName, outcome: 'failed', error: errorText(e) });
    }
  }
  throw notAvailableError(requested, tried);
}

/**
 * The compute path results depend on: `tf.getBackend()`, except `native` when the native
 * addon serves the wasm backend's kernels (its float rounding differs from plain wasm's). Run
 * manifests record it, so a run is never resumed on a different path.
 */
export function activeBackendId(): string {
  const name = tf.getBackend();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return name === 'wasm' && (require('./native') as typeof import('./native')).nativeKernelsInstalled() ? 'native' : name;
}

/** A one-line human summary of a {@link BackendInfo}, e.g. for notebooks and CLI banners. */
export function describeBackend(info: BackendInfo): string {
  const extra = Object.entries(info.details).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  return `backend ${info.name} (${info.candidate} ${info.versions.backend}, tfjs ${info.versions.tfjs}` +
    `${extra ? `, ${extra}` : ''}; requested ${info.requested} via ${info.source})`;
}
