/**
 * `AvgPoolGrad` that is the gradient of tfjs's own `AvgPool`. With 'same' (or explicit) padding
 * tfjs's forward pass divides each window's sum by the number of input elements inside the image,
 * as TensorFlow does, but the stock gradient kernels of the cpu and wasm backends (tfjs 4.22)
 * divide by the full window size, so windows at the edges get too little gradient. This kernel
 * scales `dy` by (window size / elements inside) and hands it to the stock kernel: windows without
 * padding are unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { asTensor } from './op-kernel';
import type { PoolGeometry } from './max-pool-grad';

/**
 * Per output position (outHeight x outWidth, row-major), the factor that turns the stock
 * gradient's 1/(window size) into 1/(elements inside the input); null when every window is full.
 */
export function avgPoolEdgeScale(g: PoolGeometry & { filterHeight: number; filterWidth: number }): Float32Array | null {
  const inside = (start: number, length: number, taps: number, step: number): number => {
    let count = 0;
    for (let t = 0; t < taps; t++) { const i = start + t * step; if (i >= 0 && i < length) count++; }
    return count;
  };
  const full = g.filterHeight * g.filterWidth;
  const scale = new Float32Array(g.outHeight * g.outWidth);
  let partial = false;
  for (let r = 0; r < g.outHeight; r++) {
    const rows = inside(r * g.strideHeight - g.padInfo.top, g.inHeight, g.filterHeight, g.dilationHeight);
    for (let c = 0; c < g.outWidth; c++) {
      const n = rows * inside(c * g.strideWidth - g.padInfo.left, g.inWidth, g.filterWidth, g.dilationWidth);
      if (n !== full) partial = true;
      // A window entirely in the padding has no input to send gradient to.
      scale[r * g.outWidth + c] = n === 0 ? 0 : full / n;
    }
  }
  return partial ? scale : null;
}

/**
 * The corrected `AvgPoolGrad` config for a backend.
 * @param previous the stock kernel it wraps (required: it does the scatter)
 */
export function avgPoolGradConfig(backendName: string, previous?: tf.KernelConfig): tf.KernelConfig {
  if (!previous) throw new Error(`AvgPoolGrad: backend '${backendName}' has no stock kernel to correct`);
  return {
    kernelName: tf.AvgPoolGrad,
    backendName,
    kernelFunc: (args) => {
      const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
      const attrs = args.attrs as unknown as tf.AvgPoolGradAttrs & { dimRoundingMode?: 'floor' | 'round' | 'ceil' };
      const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number],
        attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
      const scale = avgPoolEdgeScale(info);
      if (scale == null || dy.dtype !== 'float32') return previous.kernelFunc(args);
      const scaled = tf.tidy(() => tf.mul(asTensor(dy), tf.tensor4d(scale, [1, info.outHeight, info.outWidth, 1])));
      try {
        return previous.kernelFunc({ ...args, inputs: { ...args.inputs, dy: scaled } });
      } finally {
        scaled.dispose();
      }
    },
  };
}
