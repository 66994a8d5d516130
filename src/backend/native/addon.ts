/**
 * The optional native compute addon (native/*.cc): float32 convolution and matrix products for
 * x86-64 (AVX-512 or AVX2) and other CPUs, built from source on the user's machine by the setup
 * step (`npm run setup`, or `node native/build.js`) with the system C++ compiler. It works on the
 * wasm backend's own heap, so tensors never leave tfjs (see kernels.ts).
 *
 * The addon is optional: when it is not built (no compiler) filtermine runs on plain wasm.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { packageRoot } from '../../util/package-root';

/** What the compiled addon exports. Offsets are bytes into `heap`; see native/addon.cc. */
export interface NativeAddon {
  /** params: xOff, batch, inH, inW, inC, filterOff, kH, kW, outC, biasOff (-1 none), outOff,
   * outH, outW, strideH, strideW, dilationH, dilationW, padTop, padLeft, act, alpha */
  conv2d(heap: ArrayBuffer, params: Float64Array): void;
  /** The input gradient of conv2d: params as conv2d with dyOff for xOff and dxOff for outOff. */
  conv2dBackpropInput(heap: ArrayBuffer, params: Float64Array): void;
  /** params: aOff, bOff, biasOff (-1 none), outOff, batch, M, N, K, transA, transB,
   * aBatchStride, bBatchStride (floats; 0 broadcasts), act, alpha */
  matmul(heap: ArrayBuffer, params: Float64Array): void;
  /** params: aOff, bOff, outOff, count, relu (0/1): out = a + b, then max(., 0) when relu. */
  addRelu(heap: ArrayBuffer, params: Float64Array): void;
  /** GFLOP/s of an FMA-only loop on every thread: the arithmetic limit of this machine. */
  peakGflops(iterations: number): number;
  /** Threads for the next calls; 0 = every core. */
  setThreads(n: number): void;
  info(): NativeInfo;
}

/** The build's SIMD flavour, thread count and micro-kernel tile. */
export interface NativeInfo {
  simd: string;
  threads: number;
  mr: number;
  nr: number;
}

/** Environment variable: threads the addon uses (default: every core). */
export const THREADS_ENV_VAR = 'FILTERMINE_THREADS';

/** Where the setup step writes the compiled addon. */
export function nativeAddonPath(): string {
  return path.join(packageRoot(__dirname), 'native', 'build', 'filtermine_native.node');
}

let loaded: { addon: NativeAddon } | { error: string } | undefined;

/**
 * Loads the addon once. Never throws: the result says why it is unavailable.
 * @returns the addon, or the reason it cannot be used (not built, or failed to load)
 */
export function loadNativeAddon(): { addon: NativeAddon } | { error: string } {
  if (loaded) return loaded;
  const file = nativeAddonPath();
  if (!fs.existsSync(file)) {
    loaded = { error: `the native addon is not built (${file} is missing); run \`npm run setup\` or \`node native/build.js\` (needs a C++ compiler)` };
    return loaded;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(file) as NativeAddon;
    addon.setThreads(threadsFromEnv());
    loaded = { addon };
  } catch (e) {
    loaded = { error: `the native addon at ${file} failed to load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  return loaded;
}

function threadsFromEnv(): number {
  const raw = process.env[THREADS_ENV_VAR];
  if (raw == null || raw.trim() === '') return os.availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`environment variable ${THREADS_ENV_VAR} must be a positive integer; got '${raw}'`);
  }
  return n;
}
