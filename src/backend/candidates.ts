/**
 * The compute backends filtermine knows how to load, as a registry of small definitions. Each
 * definition says which npm package provides it, which tfjs backend name it registers, and how to
 * load it; {@link selectBackend} (select.ts) walks them in order.
 *
 * Native backends (`@tensorflow/tfjs-node`, `@tensorflow/tfjs-node-gpu`) are optional peer
 * dependencies: they are required dynamically, only when installed, so the project works on pure
 * `@tensorflow/tfjs` + `@tensorflow/tfjs-backend-wasm` (see platform-facts.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createRegistry } from '../util/registry';

/** What a loaded candidate reports about itself. */
export interface CandidateLoad {
  /** Version of the package that provides the backend (or of tfjs-core for the built-in cpu backend). */
  version: string;
  /** Extra facts worth printing (e.g. wasm SIMD and thread count), filled in after activation. */
  details?: () => Record<string, string | number | boolean>;
}

/** One loadable backend. */
export interface BackendCandidate {
  /** Unique id, e.g. `tfjs-node-gpu`. */
  id: string;
  /** The name tfjs registers the backend under (`tf.getBackend()` after activation). */
  backendName: string;
  /** The npm package that provides it (null for the cpu backend bundled with tfjs). */
  packageName: string | null;
  /** What a user must do to make this candidate loadable (printed in errors). */
  installHint: string;
  /** True when the package can be resolved from here (cheap; does not load it). */
  isInstalled(): boolean;
  /** Loads the package so that its backend is registered with tfjs; throws when it cannot. */
  load(): Promise<CandidateLoad>;
  /** Called after `tf.setBackend` succeeded (e.g. to register missing kernels). */
  afterActivate?(): void;
}

const candidates = createRegistry<BackendCandidate>('backend candidate', { registerName: 'registerBackendCandidate', order: 'registration' });

/**
 * Adds a backend candidate to the registry.
 * @param def the candidate
 * @param options `override: true` replaces a candidate of the same id
 * @throws if a candidate with that id exists and `override` is not set
 */
export function registerBackendCandidate(def: BackendCandidate, options: { override?: boolean } = {}): void {
  candidates.register(def.id, def, options);
}

/**
 * The registered candidate with that id.
 * @throws naming the known ids when there is none
 */
export function getBackendCandidate(id: string): BackendCandidate {
  return candidates.get(id);
}

/** True when `require.resolve(name)` finds the package from this module. */
export function isResolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The `version` field of an installed package's package.json, or 'unknown'. */
export function packageVersion(name: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(`${name}/package.json`) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}


function nativeCandidate(id: string, packageName: string, extraHint: string): BackendCandidate {
  return {
    id,
    backendName: 'tensorflow',
    packageName,
    installHint: `npm install --save-exact ${packageName}@${tf.version_core}${extraHint}`,
    isInstalled: () => isResolvable(packageName),
    async load() {
      // Dynamic require: the package is an optional peer dependency and must not be a build-time import.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(packageName);
      return { version: packageVersion(packageName) };
    },
  };
}

registerBackendCandidate(nativeCandidate('tfjs-node-gpu', '@tensorflow/tfjs-node-gpu',
  ' (Linux x64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1; its install downloads libtensorflow)'));
registerBackendCandidate(nativeCandidate('tfjs-node', '@tensorflow/tfjs-node', ' (its install downloads libtensorflow)'));

/** An async tfjs flag's value once the backend has evaluated it, else 'unknown'. */
function evaluatedFlag(name: string): boolean | string {
  try {
    return Boolean(tf.env().get(name));
  } catch {
    return 'unknown';
  }
}

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';

/** Loads tfjs-backend-wasm and points it at its .wasm binaries. */
function loadWasmPackage(): typeof import('@tensorflow/tfjs-backend-wasm') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require(WASM_PACKAGE) as typeof import('@tensorflow/tfjs-backend-wasm');
  // The .wasm binaries sit next to the package's main file (dist/); a file path with a trailing
  // slash is what the Node loader expects.
  wasm.setWasmPaths(path.dirname(require.resolve(WASM_PACKAGE)) + path.sep);
  return wasm;
}

/** Registers the gradient kernels wasm lacks (loaded lazily, so importing this module stays light). */
function registerGradientKernels(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./wasm-kernels') as typeof import('./wasm-kernels')).registerWasmGradientKernels();
}

function nativeModule(): typeof import('./native') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./native') as typeof import('./native');
}

registerBackendCandidate({
  id: 'native',
  backendName: 'wasm',
  packageName: WASM_PACKAGE,
  installHint: 'build the native addon: `npm run setup` or `node native/build.js` (needs a C++ compiler, e.g. `apt-get install g++`)',
  isInstalled: () => isResolvable(WASM_PACKAGE) && fs.existsSync(nativeModule().nativeAddonPath()),
  async load() {
    const loaded = nativeModule().loadNativeAddon();
    if ('error' in loaded) throw new Error(loaded.error);
    const wasm = loadWasmPackage();
    return {
      version: wasm.version_wasm,
      details: () => {
        const info = loaded.addon.info();
        return { simd: evaluatedFlag('WASM_HAS_SIMD_SUPPORT'), native: info.simd, threads: info.threads };
      },
    };
  },
  afterActivate() {
    registerGradientKernels();
    const native = nativeModule();
    const loaded = native.loadNativeAddon();
    if ('error' in loaded) throw new Error(loaded.error);
    native.installNativeKernels(loaded.addon);
  },
});

registerBackendCandidate({
  id: 'wasm',
  backendName: 'wasm',
  packageName: WASM_PACKAGE,
  installHint: `npm install --save-exact ${WASM_PACKAGE}@${tf.version_core}.`,
  isInstalled: () => isResolvable(WASM_PACKAGE),
  async load() {
    const wasm = loadWasmPackage();
    return {
      version: wasm.version_wasm,
      details: () => ({
        simd: evaluatedFlag('WASM_HAS_SIMD_SUPPORT'),
        threads: wasm.getThreadsCount(),
      }),
    };
  },
  afterActivate() {
    registerGradientKernels();
    // Plain wasm: undo a native selection made earlier in this process (same tfjs backend).
    nativeModule().uninstallNativeKernels();
  },
});

registerBackendCandidate({
  id: 'cpu',
  backendName: 'cpu',
  packageName: null,
  installHint: 'The cpu backend ships with @tensorflow/tfjs; reinstall it with `npm install`.',
  isInstalled: () => true,
  async load() {
    return { version: tf.version_core };
  },
  afterActivate() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('./wasm-kernels') as typeof import('./wasm-kernels')).registerKernelCorrections('cpu');
  },
});

/** What each public backend name tries, in order. */
export const BACKEND_CHOICES: Readonly<Record<'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu', readonly string[]>> = {
  auto: ['tfjs-node-gpu', 'tfjs-node', 'native', 'wasm', 'cpu'],
  tensorflow: ['tfjs-node-gpu', 'tfjs-node'],
  native: ['native'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};
