/**
 * wasm kernels whose work runs in the native addon: `Conv2D`, `FusedConv2D`, `BatchMatMul` and
 * `_FusedMatMul`, and the input gradient `Conv2DBackpropInput` (plus a copy-free `Identity`, and
 * filtermine's fused `relu(a + b)`). Inputs and output stay on the wasm heap; the addon reads and writes them in
 * place, on every core, with the machine's widest SIMD (the wasm backend in Node has one thread
 * and 128-bit SIMD). Anything the addon does not cover (another dtype or data format, PReLU,
 * sigmoid or ELU epilogues, a bias that is not one value per output channel, an empty tensor)
 * goes to the wasm kernel it replaced, so results never depend on whether the addon is present
 * beyond float rounding.
 */
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from './addon';
import { ADD_RELU } from '../fused-ops';
import { replaceKernels, restoreKernels } from '../kernel-swap';

/**
 * The tfjs version these kernels were written and tested against. They read private fields of
 * tfjs-backend-wasm's `BackendWasm` ({@link WasmBackendLike}), which no release promises to keep:
 * this is why package.json pins `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm` to exact
 * versions. {@link installNativeKernels} refuses another version, and test/backend/tfjs-pin.test.ts
 * fails on an upgrade, naming what to re-check.
 */
export const NATIVE_TFJS_VERSION = '4.22.0';

/**
 * The parts of tfjs-backend-wasm's BackendWasm these kernels use (private in tfjs: not part of its
 * public API; see {@link NATIVE_TFJS_VERSION}).
 */
interface WasmBackendLike {
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  incRef(dataId: tf.DataId): void;
  wasm: { HEAPU8: Uint8Array };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** Epilogue codes of native/gemm.h. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 };

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** How many kernel calls ran in the addon, and how many went to the replaced wasm kernel. */
export interface NativeKernelCounts {
  native: number;
  fallback: number;
  /** Wall-clock milliseconds spent inside the addon. */
  nativeMs: number;
}

const counts: NativeKernelCounts = { native: 0, fallback: 0, nativeMs: 0 };

/** A copy of the running counts since the process started (for diagnostics and tests). */
export function nativeKernelCounts(): NativeKernelCounts {
  return { ...counts };
}

function fallback(previous: tf.KernelConfig, args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] {
  counts.fallback++;
  return previous.kernelFunc(args);
}

function offset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const entry = backend.dataIdMap.get(t.dataId);
  if (!entry) throw new Error('native kernel: a tensor is not on the wasm backend');
  return entry.memoryOffset;
}

/**
 * The wasm heap, read after every allocation and offset lookup of a kernel call: looking up a
 * tensor that lives on another backend moves it onto the heap, and any allocation may grow the
 * wasm memory, which detaches the previous buffer.
 */
function heapOf(backend: WasmBackendLike): ArrayBuffer {
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

/** A kernel config taking `previous`'s place, whose function gets the wasm backend typed. */
function replacing(previous: tf.KernelConfig, run: (args: KernelArgs, backend: WasmBackendLike) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelConfig {
  return {
    kernelName: previous.kernelName,
    backendName: previous.backendName,
    kernelFunc: (args: KernelArgs) => run(args, args.backend as unknown as WasmBackendLike),
  };
}

/** The addon's convolution parameters (native/addon.cc, Conv2d) for a tfjs conv geometry. */
function convParams(info: tf.backend_util.Conv2DInfo, inOff: number, filterOff: number, biasOff: number, outOff: number,
  act = 0, alpha = 0): Float64Array {
  return new Float64Array([
    inOff, info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    filterOff, info.filterHeight, info.filterWidth, info.outChannels, biasOff, outOff,
    info.outHeight, info.outWidth, info.strideHeight, info.strideWidth,
    info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left, act, alpha,
  ]);
}

/** Runs one addon call on the backend's heap (read last, see heapOf) and counts it. */
function callNative(backend: WasmBackendLike, call: (heap: ArrayBuffer) => void): void {
  counts.native++;
  const started = performance.now();
  call(heapOf(backend));
  counts.nativeMs += performance.now() - started;
}

const isFloat = (t: tf.TensorInfo | undefined) => t == null || t.dtype === 'float32';
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function convKernel(addon: NativeAddon, previous: tf.KernelConfig): tf.KernelConfig {
  return replacing(previous, (args, backend) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as {
      strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dataFormat?: string; dilations?: number | [number, number]; dimRoundingMode?: 'floor' | 'round' | 'ceil';
      activation?: string; leakyreluAlpha?: number;
    };
    const act = ACTIVATIONS[attrs.activation ?? 'linear'];
    const channelsLast = attrs.dataFormat == null || attrs.dataFormat === 'NHWC' || attrs.dataFormat === 'channelsLast';
    if (x == null || filter == null || act == null || preluActivationWeights != null || !channelsLast ||
        !isFloat(x) || !isFloat(filter) || !isFloat(bias) || x.shape.length !== 4 || filter.shape.length !== 4) {
      return fallback(previous, args);
    }
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number], attrs.strides, attrs.dilations ?? 1, attrs.pad,
      attrs.dimRoundingMode);
    if ((bias != null && (bias.shape.length !== 1 || bias.shape[0] !== info.outChannels)) ||
        size(info.outShape) === 0 || size(x.shape) === 0 || size(filter.shape) === 0) {
      return fallback(previous, args);
    }
    // Input offsets first: looking one up may move the tensor onto the wasm heap.
    const xOff = offset(backend, x), fOff = offset(backend, filter), bOff = bias == null ? -1 : offset(backend, bias);
    const out = backend.makeOutput(info.outShape, 'float32');
    const params = convParams(info, xOff, fOff, bOff, offset(backend, out), act, attrs.leakyreluAlpha ?? 0);
    callNative(backend, (heap) => addon.conv2d(heap, params));
    return out;
  });
}

function conv2dBackpropInputKernel(addon: NativeAddon, previous: tf.KernelConfig): tf.KernelConfig {
  return replacing(previous, (args, backend) => {
    const { dy, filter } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as {
      strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dataFormat?: string; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number];
    };
    const channelsLast = attrs.dataFormat == null || attrs.dataFormat === 'NHWC';
    if (dy == null || filter == null || !channelsLast || !isFloat(dy) || !isFloat(filter) || dy.shape.length !== 4 ||
        filter.shape.length !== 4 || attrs.inputShape?.length !== 4) {
      return fallback(previous, args);
    }
    const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape as [number, number, number, number],
      attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    if (info.outShape.join() !== dy.shape.join() || size(attrs.inputShape) === 0 || size(dy.shape) === 0) {
      return fallback(previous, args);
    }
    const dyOff = offset(backend, dy), fOff = offset(backend, filter);
    const dx = backend.makeOutput(attrs.inputShape, 'float32');
    const params = convParams(info, dyOff, fOff, -1, offset(backend, dx));
    callNative(backend, (heap) => addon.conv2dBackpropInput(heap, params));
    return dx;
  });
}

function matMulKernel(addon: NativeAddon, previous: tf.KernelConfig): tf.KernelConfig {
  return replacing(previous, (args, backend) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation?: string; leakyreluAlpha?: number };
    const act = ACTIVATIONS[attrs.activation ?? 'linear'];
    if (a == null || b == null || act == null || preluActivationWeights != null || !isFloat(a) || !isFloat(b) ||
        !isFloat(bias) || a.shape.length < 2 || b.shape.length < 2) {
      return fallback(previous, args);
    }
    const ra = a.shape.length, rb = b.shape.length;
    const M = attrs.transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const K = attrs.transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const Kb = attrs.transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const N = attrs.transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batchA = size(a.shape.slice(0, -2)), batchB = size(b.shape.slice(0, -2));
    // Same batch, or one side a single matrix; other broadcasts (and errors) are the wasm kernel's.
    const sameBatch = batchA === batchB && a.shape.slice(0, -2).join() === b.shape.slice(0, -2).join();
    if (K !== Kb || !(sameBatch || batchA === 1 || batchB === 1) ||
        (bias != null && (bias.shape.length !== 1 || bias.shape[0] !== N)) || M * N * K === 0) {
      return fallback(previous, args);
    }
    const batchShape = (batchA >= batchB ? a : b).shape.slice(0, -2);
    const batch = Math.max(batchA, batchB);
    const aOff = offset(backend, a), bOff = offset(backend, b), biasOff = bias == null ? -1 : offset(backend, bias);
    const out = backend.makeOutput([...batchShape, M, N], 'float32');
    const params = new Float64Array([
      aOff, bOff, biasOff, offset(backend, out), batch, M, N, K, attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0,
      batchA === 1 ? 0 : M * K, batchB === 1 ? 0 : K * N, act, attrs.leakyreluAlpha ?? 0,
    ]);
    callNative(backend, (heap) => addon.matmul(heap, params));
    return out;
  });
}

/** `relu(a + b)` for same-shape float32 tensors (see fused-ops.ts, which checks the shapes). */
function addReluKernel(addon: NativeAddon, backendName: string): tf.KernelConfig {
  return {
    kernelName: ADD_RELU,
    backendName,
    kernelFunc: (args: KernelArgs) => {
      const backend = args.backend as unknown as WasmBackendLike;
      const { a, b } = args.inputs as Record<string, tf.TensorInfo>;
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.join() !== b.shape.join()) {
        throw new Error(`${ADD_RELU}: needs two float32 tensors of one shape, got ${a.dtype} [${a.shape}] and ${b.dtype} [${b.shape}]`);
      }
      const aOff = offset(backend, a), bOff = offset(backend, b);
      const out = backend.makeOutput(a.shape, 'float32');
      const params = new Float64Array([aOff, bOff, offset(backend, out), size(a.shape), 1]);
      callNative(backend, (heap) => addon.addRelu(heap, params));
      return out;
    },
  };
}

/**
 * `Identity` that shares the input's memory (as Reshape does, and as the cpu backend's Identity
 * does) instead of copying it: tfjs tensors are immutable, and `tf.customGrad` / `clone` call
 * Identity on every input, which on wasm copied VGG16's 400 MB fc1 kernel on each Grad-CAM pass.
 */
function identityKernel(_addon: NativeAddon, previous: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: previous.kernelName,
    backendName: previous.backendName,
    kernelFunc: (args: KernelArgs) => {
      const { x } = args.inputs as Record<string, tf.TensorInfo>;
      if (x.dtype === 'string') return fallback(previous, args);
      (args.backend as unknown as WasmBackendLike).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  };
}

const BUILDERS: Record<string, (addon: NativeAddon, previous: tf.KernelConfig) => tf.KernelConfig> = {
  [tf.Conv2D]: convKernel,
  [tf.FusedConv2D]: convKernel,
  [tf.Conv2DBackpropInput]: conv2dBackpropInputKernel,
  [tf.BatchMatMul]: matMulKernel,
  [tf._FusedMatMul]: matMulKernel,
  [tf.Identity]: identityKernel,
};

/**
 * What does not match {@link WasmBackendLike} in a live wasm backend object (empty when all is
 * as the kernels expect): the check behind {@link installNativeKernels} and the tfjs pin test.
 */
export function wasmBackendMismatches(backend: unknown): string[] {
  const b = backend as Partial<Record<keyof WasmBackendLike, unknown>> | null;
  if (b == null || typeof b !== 'object') return ['the backend is not an object'];
  const problems: string[] = [];
  const map = b.dataIdMap as { get?: unknown } | undefined;
  if (typeof map?.get !== 'function') problems.push('dataIdMap.get is not a function');
  if (typeof b.incRef !== 'function') problems.push('incRef is not a function');
  if (typeof b.makeOutput !== 'function') problems.push('makeOutput is not a function');
  const heap = (b.wasm as { HEAPU8?: unknown } | undefined)?.HEAPU8;
  if (!(heap instanceof Uint8Array)) problems.push('wasm.HEAPU8 is not a Uint8Array');
  return problems;
}

/** The kernels currently replaced, per backend, with the kernels they replaced. */
const installed = new Map<string, tf.KernelConfig[]>();

/**
 * Routes the backend's convolution and matrix-product kernels through the addon. Idempotent.
 * @param addon the loaded addon (see {@link loadNativeAddon})
 * @param backendName default `wasm` (the kernels read the wasm heap; no other backend works)
 * @returns the kernel names now served natively
 * @throws if tfjs is not version {@link NATIVE_TFJS_VERSION} or the backend's private fields differ
 *   (the kernels would read the wrong memory)
 */
export function installNativeKernels(addon: NativeAddon, backendName = 'wasm'): string[] {
  if (installed.has(backendName)) return installed.get(backendName)!.map((k) => k.kernelName);
  if (tf.version_core !== NATIVE_TFJS_VERSION) {
    throw new Error(`native kernels: written for tfjs ${NATIVE_TFJS_VERSION}, found tfjs-core ${tf.version_core}; ` +
      `they read private fields of the wasm backend, so they stay off (plain wasm still works)`);
  }
  const problems = wasmBackendMismatches(tf.findBackend(backendName));
  if (problems.length) throw new Error(`native kernels: the '${backendName}' backend is not what they expect: ${problems.join('; ')}`);
  const saved = replaceKernels(backendName, Object.fromEntries(
    Object.entries(BUILDERS).map(([name, build]) => [name, (previous: tf.KernelConfig) => build(addon, previous)])));
  // A kernel of filtermine's own: registered, not replaced.
  if (tf.getKernel(ADD_RELU, backendName) == null) tf.registerKernel(addReluKernel(addon, backendName));
  installed.set(backendName, saved);
  return saved.map((k) => k.kernelName);
}

/** Restores the kernels {@link installNativeKernels} replaced. Idempotent. */
export function uninstallNativeKernels(backendName = 'wasm'): void {
  const saved = installed.get(backendName);
  if (!saved) return;
  restoreKernels(saved);
  if (tf.getKernel(ADD_RELU, backendName) != null) tf.unregisterKernel(ADD_RELU, backendName);
  installed.delete(backendName);
}

/** True while the addon serves the backend's kernels. */
export function nativeKernelsInstalled(backendName = 'wasm'): boolean {
  return installed.has(backendName);
}
