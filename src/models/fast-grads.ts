/**
 * Faster gradient kernels for training on the wasm backend (tfjs 4.22), installed only for the
 * duration of a training run and restored afterwards.
 *
 * Why: on wasm, `BatchMatMul` with a transpose flag takes a slow path (about 10x slower than an
 * explicit `Transpose` then a plain product), and the native `Conv2DBackpropInput` is about 10x
 * slower than the equivalent forward convolution; together they made a vgg-small training step
 * about 3x the cost it needs with src/backend's `Conv2DBackpropFilter` (measured, CPU ms per
 * 64-image step: vgg-small 1126 -> 326, resnet-small 1066 -> 559). These are exact
 * reformulations, not approximations:
 * - `BatchMatMul(a, b, transposeA, transposeB)` = `BatchMatMul(a^T, b^T)` with explicit transposes.
 * - `Conv2DBackpropInput` at stride 1 = a 'valid' forward convolution of `dy`, zero-padded by
 *   `k - 1 - pad` on each side, with the spatially flipped, in/out-swapped filter.
 * - `Tile` of a tensor whose repeated axes have size 1 (batch norm's gradient tiles its per-channel
 *   statistics to the activation's shape) = a broadcasting add to zeros; the wasm Tile is slow.
 * Other cases (NCHW, dilations, stride > 1 for the input gradient) use the previous kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeKernelsInstalled } from '../backend/native/kernels';
import { replaceKernels, restoreKernels, type KernelReplacer } from '../backend/kernel-swap';

type Kernel = tf.KernelConfig;

function asTensor(info: tf.TensorInfo): tf.Tensor {
  return (info as Partial<tf.Tensor>).rank != null ? info as tf.Tensor : tf.engine().makeTensorFromTensorInfo(info);
}

/** Swaps the last two axes. */
function swapLast(t: tf.Tensor): tf.Tensor {
  const perm = t.shape.map((_, i) => i);
  const r = t.rank;
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(t, perm);
}

function batchMatMulConfig(backendName: string, previous: Kernel): Kernel {
  return {
    kernelName: tf.BatchMatMul, backendName,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as tf.BatchMatMulAttrs;
      if (!attrs.transposeA && !attrs.transposeB) return previous.kernelFunc(args);
      return tf.tidy(() => {
        const a = asTensor(args.inputs.a as tf.TensorInfo);
        const b = asTensor(args.inputs.b as tf.TensorInfo);
        return tf.matMul(attrs.transposeA ? swapLast(a) : a, attrs.transposeB ? swapLast(b) : b);
      });
    },
  };
}

function conv2dBackpropInputConfig(backendName: string, previous: Kernel): Kernel {
  return {
    kernelName: tf.Conv2DBackpropInput, backendName,
    kernelFunc: (args) => {
      const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
      const dy = asTensor(args.inputs.dy as tf.TensorInfo) as tf.Tensor4D;
      const filter = asTensor(args.inputs.filter as tf.TensorInfo) as tf.Tensor4D;
      const strides = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
      if (attrs.dataFormat === 'NCHW' || strides[0] !== 1 || strides[1] !== 1) return previous.kernelFunc(args);
      const info = tf.backend_util.computeConv2DInfo(attrs.inputShape as [number, number, number, number],
        filter.shape, 1, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
      const [kh, kw] = [info.filterHeight, info.filterWidth];
      const p = info.padInfo;
      const pads = [kh - 1 - p.top, kh - 1 - p.bottom, kw - 1 - p.left, kw - 1 - p.right];
      if (pads.some((v) => v < 0) || info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2]) return previous.kernelFunc(args);
      return tf.tidy(() => {
        const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const dyp = pads.every((v) => v === 0) ? dy : tf.pad(dy, [[0, 0], [pads[0], pads[1]], [pads[2], pads[3]], [0, 0]]);
        return tf.conv2d(dyp, flipped, 1, 'valid');
      });
    },
  };
}

function tileConfig(backendName: string, previous: Kernel): Kernel {
  return {
    kernelName: tf.Tile, backendName,
    kernelFunc: (args) => {
      const x = asTensor(args.inputs.x as tf.TensorInfo);
      const reps = (args.attrs as unknown as tf.TileAttrs).reps;
      const broadcast = x.dtype === 'float32' && x.shape.every((d, i) => reps[i] === 1 || d === 1);
      if (!broadcast) return previous.kernelFunc(args);
      return tf.tidy(() => tf.add(x, tf.zeros(x.shape.map((d, i) => d * reps[i]))));
    },
  };
}

const builders: Record<string, (backendName: string, previous: Kernel) => Kernel> = {
  [tf.BatchMatMul]: batchMatMulConfig,
  [tf.Conv2DBackpropInput]: conv2dBackpropInputConfig,
  [tf.Tile]: tileConfig,
};

/**
 * Runs `fn` with the faster training kernels installed on the active backend when it is `wasm`
 * (otherwise runs `fn` unchanged), and restores the previous kernels afterwards, even on error.
 * A kernel the backend lacks is left alone (nothing to fall back to).
 * @returns what `fn` returns
 */
export async function withFastTrainingKernels<T>(fn: () => Promise<T>): Promise<T> {
  const backendName = tf.getBackend();
  if (backendName !== 'wasm') return fn();
  // With the native addon, BatchMatMul and Conv2DBackpropInput already run natively (faster than
  // these reformulations, measured by `npm run bench -- models`); only the others still help.
  const skip = nativeKernelsInstalled(backendName) ? new Set<string>([tf.BatchMatMul, tf.Conv2DBackpropInput]) : new Set<string>();
  const replacers: Record<string, KernelReplacer> = {};
  for (const [name, build] of Object.entries(builders)) {
    if (!skip.has(name)) replacers[name] = (previous) => build(backendName, previous);
  }
  const saved = replaceKernels(backendName, replacers);
  try {
    return await fn();
  } finally {
    restoreKernels(saved);
  }
}
