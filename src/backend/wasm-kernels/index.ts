/**
 * Kernels the wasm backend (tfjs 4.22) lacks but filtermine needs for training and for gradients
 * (Grad-CAM) through VGG-, ResNet- and MobileNet-style graphs, built from kernels it has.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

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
 * Registers, for the wasm backend, every kernel of {@link gradientKernelConfigs} that it does not
 * already have (so a future tfjs with native versions keeps them). Idempotent.
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
  return added;
}
