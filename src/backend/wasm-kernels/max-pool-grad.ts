/**
 * `MaxPoolGrad` for the wasm backend. The stock wasm kernel (tfjs-backend-wasm 4.22) loses the
 * gradient of windows whose values are all equal (all zero after a ReLU, the common case) and
 * of many windows with distinct values too; this one follows the cpu backend, TensorFlow and
 * PyTorch: each window's upstream gradient goes to its FIRST maximal element in row-major window
 * order (padding never wins), and overlapping windows add up.
 *
 * A pure core over typed arrays ({@link maxPoolBackprop}) and a kernel that runs it in place on
 * the wasm heap.
 */
import * as tf from '@tensorflow/tfjs';

/** The pooling geometry the core needs (a subset of tfjs's Conv2DInfo, NHWC). */
export interface PoolGeometry {
  batchSize: number; inHeight: number; inWidth: number; inChannels: number;
  outHeight: number; outWidth: number;
  strideHeight: number; strideWidth: number;
  dilationHeight: number; dilationWidth: number;
  effectiveFilterHeight: number; effectiveFilterWidth: number;
  padInfo: { top: number; left: number };
}

/**
 * dx for a max-pool: for each window, `dy` goes to the window's first element that is strictly
 * greater than every element before it (starting from -Infinity, as the cpu backend does: a NaN
 * never wins, a window of -Infinity or NaN only passes nothing on).
 * @param x the pool's input, NHWC, `batchSize * inHeight * inWidth * inChannels` values
 * @param dy the upstream gradient, NHWC, `batchSize * outHeight * outWidth * inChannels` values
 * @param dx receives the input gradient (overwritten), same length as `x`
 */
export function maxPoolBackprop(x: ArrayLike<number>, dy: ArrayLike<number>, dx: Float32Array | Float64Array, g: PoolGeometry): void {
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = g;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = g;
  dx.fill(0);
  const best = new Int32Array(C);
  const bestValue = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    const xBase = n * H * W * C;
    for (let yr = 0; yr < Ho; yr++) {
      const r0 = yr * sh - g.padInfo.top;
      let rMin = r0;
      while (rMin < 0) rMin += dh;
      const rMax = Math.min(H, r0 + g.effectiveFilterHeight);
      for (let yc = 0; yc < Wo; yc++) {
        const c0 = yc * sw - g.padInfo.left;
        let cMin = c0;
        while (cMin < 0) cMin += dw;
        const cMax = Math.min(W, c0 + g.effectiveFilterWidth);
        best.fill(-1);
        bestValue.fill(-Infinity);
        // Channels innermost: reads stay contiguous; per channel the window order is row-major.
        for (let r = rMin; r < rMax; r += dh) {
          for (let c = cMin; c < cMax; c += dw) {
            const at = xBase + (r * W + c) * C;
            for (let d = 0; d < C; d++) {
              const v = x[at + d];
              if (v > bestValue[d]) { bestValue[d] = v; best[d] = at + d; }
            }
          }
        }
        const dyAt = ((n * Ho + yr) * Wo + yc) * C;
        for (let d = 0; d < C; d++) if (best[d] >= 0) dx[best[d]] += dy[dyAt + d];
      }
    }
  }
}

/** The parts of tfjs-backend-wasm's BackendWasm this kernel uses. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.backend_util.TypedArray;
}

/**
 * The `MaxPoolGrad` kernel config for the wasm backend (it reads and writes the wasm heap, so no
 * other backend can use it). Non-float32 inputs go to `previous` (the kernel it replaces).
 */
export function maxPoolGradConfig(backendName: string, previous?: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.MaxPoolGrad,
    backendName,
    kernelFunc: (args) => {
      const { dy, input } = args.inputs as Record<string, tf.TensorInfo>;
      const attrs = args.attrs as unknown as tf.MaxPoolGradAttrs;
      if ((input.dtype !== 'float32' || dy.dtype !== 'float32') && previous) return previous.kernelFunc(args);
      const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number],
        attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
      if (info.outShape.join() !== dy.shape.join()) {
        throw new Error(`MaxPoolGrad: dy has shape [${dy.shape}], expected [${info.outShape}] for input [${input.shape}]`);
      }
      const backend = args.backend as unknown as WasmHeapBackend;
      const dx = backend.makeOutput(input.shape, 'float32');
      // Views taken after the allocation: growing the wasm memory detaches earlier views.
      maxPoolBackprop(backend.typedArrayFromHeap(input), backend.typedArrayFromHeap(dy),
        backend.typedArrayFromHeap(dx) as Float32Array, info);
      return dx;
    },
  };
}
