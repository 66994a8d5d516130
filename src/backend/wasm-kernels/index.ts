/**
 * Kernels the wasm backend (tfjs 4.22) lacks but filtermine needs for training and for gradients
 * (Grad-CAM) through VGG-, ResNet- and MobileNet-style graphs, built from kernels it has; and
 * replacements for stock wasm kernels that give wrong results (`MaxPoolGrad`).
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';
import { maxPoolGradConfig } from './max-pool-grad';
import { avgPoolGradConfig } from './avg-pool-grad';

/** The kernel configs for one backend, in registration order. */
export function gradientKernelConfigs(backendName: string): tf.KernelConfig[] {
  return [
    conv2dBackpropFilterConfig(backendName),
    depthwiseBackpropFilterConfig(backendName),
    depthwiseBackpropInputConfig(backendName),
    unsortedSegmentSumConfig(backendName),
  ];
}

/**
 * Stock kernels filtermine replaces because they are wrong beyond rounding: wasm's `MaxPoolGrad`
 * disagrees with the cpu backend (and TensorFlow and PyTorch); `AvgPoolGrad` of both cpu and wasm
 * is not the gradient of tfjs's `AvgPool` at padded edges. Each is tested against cpu or a
 * numerical gradient. Each builder gets the kernel it replaces.
 */
const CORRECTIONS: Record<string, { backends: readonly string[]; build: (backendName: string, previous?: tf.KernelConfig) => tf.KernelConfig }> = {
  [tf.MaxPoolGrad]: { backends: ['wasm'], build: maxPoolGradConfig },
  [tf.AvgPoolGrad]: { backends: ['wasm', 'cpu'], build: avgPoolGradConfig },
};

/** The names of the stock kernels filtermine replaces on a backend (`wasm` or `cpu`). */
export function correctedKernelNames(backendName = 'wasm'): string[] {
  return Object.keys(CORRECTIONS).filter((name) => CORRECTIONS[name].backends.includes(backendName));
}

/** Kernel functions registered by {@link registerKernelCorrections}, to recognise them. */
const ours = new WeakSet<tf.KernelFunc>();

/**
 * Replaces a backend's stock kernels named by {@link correctedKernelNames}. Idempotent.
 * @returns the kernel names replaced by this call
 */
export function registerKernelCorrections(backendName: string): string[] {
  const added: string[] = [];
  for (const name of correctedKernelNames(backendName)) {
    const previous = tf.getKernel(name, backendName);
    if (previous && ours.has(previous.kernelFunc)) continue;
    if (previous) tf.unregisterKernel(name, backendName);
    const config = CORRECTIONS[name].build(backendName, previous);
    ours.add(config.kernelFunc);
    tf.registerKernel(config);
    added.push(name);
  }
  return added;
}

/**
 * Registers, for the wasm backend, every kernel of {@link gradientKernelConfigs} that it does not
 * already have (so a future tfjs with native versions keeps them), and the corrected kernels of
 * {@link registerKernelCorrections}. Idempotent.
 * @param backendName default `wasm`
 * @returns the kernel names registered by this call
 */
export function registerWasmGradientKernels(backendName = 'wasm'): string[] {
  const added: string[] = [];
  for (const config of gradientKernelConfigs(backendName)) {
    if (tf.getKernel(config.kernelName, backendName) == null) {
      tf.registerKernel(config);
      added.push(config.kernelName);
    }
  }
  return [...added, ...registerKernelCorrections(backendName)];
}
