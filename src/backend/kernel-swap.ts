/**
 * Replacing a backend's registered tfjs kernels and putting the originals back: the one
 * swap-and-restore loop behind the native addon's kernels and the faster training kernels.
 */
import * as tf from '@tensorflow/tfjs';

/** Builds a replacement kernel from the one it replaces (which it may call as a fallback). */
export type KernelReplacer = (previous: tf.KernelConfig) => tf.KernelConfig;

/**
 * Replaces the named kernels of a backend. A kernel the backend lacks is left alone (there is
 * nothing to fall back to).
 * @param backendName the tfjs backend, e.g. `wasm`
 * @param replacers per kernel name, how to build its replacement
 * @returns the kernels that were replaced, for {@link restoreKernels}
 */
export function replaceKernels(backendName: string, replacers: Readonly<Record<string, KernelReplacer>>): tf.KernelConfig[] {
  const saved: tf.KernelConfig[] = [];
  for (const [name, build] of Object.entries(replacers)) {
    const previous = tf.getKernel(name, backendName);
    if (!previous) continue;
    tf.unregisterKernel(name, backendName);
    tf.registerKernel(build(previous));
    saved.push(previous);
  }
  return saved;
}

/** Registers again the kernels {@link replaceKernels} returned, in place of their replacements. */
export function restoreKernels(saved: readonly tf.KernelConfig[]): void {
  for (const previous of saved) {
    tf.unregisterKernel(previous.kernelName, previous.backendName);
    tf.registerKernel(previous);
  }
}
