/** Test helpers for comparing the wasm backend against the cpu reference backend. */
import * as tf from '@tensorflow/tfjs';
import { rng } from '../../src/util/rng';
import { selectBackend } from '../../src/backend';

/** Seeded standard-normal values of a given shape, as a plain typed array (backend independent). */
export function randomValues(shape: number[], seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = r.normal();
  return out;
}

/**
 * Runs `fn` on the named backend and returns its outputs as arrays; tensors made inside are disposed.
 * `fn` gets a tensor factory so that inputs are created on that backend.
 */
export async function runOn(backend: 'native' | 'wasm' | 'cpu', fn: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await selectBackend(backend);
  const outs = tf.tidy(() => { const r = fn(); return Array.isArray(r) ? r : [r]; });
  const values = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  return values;
}

/** Largest absolute value in an array (for tolerances relative to the scale of a result). */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * The tolerance used for every cross-backend comparison here: elementwise
 * |wasm - cpu| <= TOL * (max|cpu| + |cpu|); float32 sums in a different order differ by ~1e-6 relative.
 */
export const TOL = 1e-4;
