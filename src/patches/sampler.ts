/**
 * Patch samplers by name: `'monte-carlo'` (the paper's) and `'dense-nms'` (deterministic).
 * A sampler is a plain function from a heatmap to windows; register your own with
 * {@link registerPatchSampler}.
 */
import type { Rng } from '../util/rng';
import type { Heatmap, PatchWindow } from './heatmap';
import { monteCarloPatches, type MonteCarloOptions } from './monte-carlo';
import { densePatches, type DenseNmsOptions } from './dense-nms';
import { createRegistry } from '../util/registry';

/** Options every sampler receives (each uses the fields it knows). */
export type PatchSamplerOptions = MonteCarloOptions & DenseNmsOptions & { rng?: Rng };

/** A patch sampler: windows of a heatmap, in order of preference, never outside the image. */
export type PatchSampler = (heatmap: Heatmap, options?: PatchSamplerOptions) => PatchWindow[];

const samplers = createRegistry<PatchSampler>('patch sampler', { registerName: 'registerPatchSampler', order: 'registration' });
samplers.register('monte-carlo', monteCarloPatches);
samplers.register('dense-nms', densePatches);

/**
 * Registers a patch sampler under a name.
 * @throws if the name is taken and `override` is not set
 */
export function registerPatchSampler(name: string, sampler: PatchSampler, options: { override?: boolean } = {}): void {
  samplers.register(name, sampler, options);
}

/**
 * The sampler registered under `name`.
 * @throws listing the known names if there is none
 */
export function getPatchSampler(name: string): PatchSampler {
  return samplers.get(name);
}

/** Names of the registered samplers. */
export function listPatchSamplers(): string[] {
  return samplers.names();
}
