/**
 * Builds a tfjs kernel out of ordinary tf ops. Used for kernels the wasm backend lacks: the ops
 * run on the backend that is executing the kernel, so they are as fast as that backend's own
 * kernels, and no gradient tape is recorded for them (the engine stops taping inside a kernel).
 *
 * Tensor discipline: the whole computation runs in `tf.tidy`, so every intermediate is released
 * and only the returned tensor survives; the engine accepts a returned Tensor as the kernel's
 * output as is (it has a rank), without copying it.
 */
import * as tf from '@tensorflow/tfjs';

/** The inputs of a kernel as tensors, by input name. */
export type KernelTensors = Record<string, tf.Tensor>;

/**
 * A tensor view of a kernel input. The engine passes Tensors, but a backend calling a kernel
 * directly may pass a bare TensorInfo; that one gets a temporary tracked handle (disposed by the
 * surrounding tidy, which leaves the caller's data alone).
 */
export function asTensor(info: tf.TensorInfo): tf.Tensor {
  return (info as Partial<tf.Tensor>).rank != null ? info as tf.Tensor : tf.engine().makeTensorFromTensorInfo(info);
}

/**
 * A kernel config for `tf.registerKernel` whose `kernelFunc` computes its single output with tf ops.
 * @param kernelName the tfjs kernel name, e.g. `Conv2DBackpropFilter`
 * @param backendName the backend it is for, e.g. `wasm`
 * @param compute maps the input tensors and the kernel's attributes to the output tensor
 * @returns the config, ready for `tf.registerKernel`
 */
export function opKernel<A>(kernelName: string, backendName: string,
  compute: (inputs: KernelTensors, attrs: A) => tf.Tensor): tf.KernelConfig {
  return {
    kernelName,
    backendName,
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => {
      const tensors: KernelTensors = {};
      for (const [key, info] of Object.entries(inputs)) if (info != null) tensors[key] = asTensor(info);
      return compute(tensors, (attrs ?? {}) as unknown as A);
    }),
  };
}
