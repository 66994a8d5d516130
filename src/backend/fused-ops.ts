/**
 * Ops that fuse several tfjs ops into one pass where a backend has a kernel for them, and fall
 * back to the plain tfjs ops elsewhere, with the same result. Used by inference-time graph
 * rewrites (src/graph/fold.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel name of `relu(a + b)` (the residual join of a ResNet block); the native addon serves it on wasm. */
export const ADD_RELU = 'FiltermineAddRelu';

tf.registerGradient({
  kernelName: ADD_RELU,
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [y] = saved;
    const pass = () => tf.mul(dy as tf.Tensor, tf.step(y));
    return { a: pass, b: pass };
  },
});

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * `relu(a + b)`: one pass and no intermediate tensor when the active backend has the fused kernel
 * (wasm with the native addon), else `tf.relu(tf.add(a, b))` (with broadcasting).
 */
export function addRelu(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype === 'float32' && b.dtype === 'float32' && sameShape(a.shape, b.shape) && tf.getKernel(ADD_RELU, tf.getBackend()) != null) {
    return tf.engine().runKernel(ADD_RELU, { a, b }, {}) as tf.Tensor;
  }
  return tf.tidy(() => tf.relu(tf.add(a, b)));
}
