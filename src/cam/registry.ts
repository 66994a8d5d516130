/**
 * The registry of CAM methods: pick a method by name; add your own with {@link registerCamMethod}.
 */
import type { CamMethodDef } from './types';
import { builtinCamMethods } from './methods';
import { createRegistry } from '../util/registry';

const registry = createRegistry<CamMethodDef>('CAM method', { registerName: 'registerCamMethod', order: 'registration' });
for (const def of builtinCamMethods) registry.register(def.name, def);

/** Options of {@link registerCamMethod}. */
export interface RegisterCamMethodOptions {
  /** Replace an existing method of the same name instead of throwing. Default false. */
  override?: boolean;
}

/**
 * Registers a CAM method under `name`.
 * @param name registry key (non-empty)
 * @param def the method; its `name` must equal `name`
 * @param options see {@link RegisterCamMethodOptions}
 * @throws {Error} if `name` is taken (without `override`), empty, or differs from `def.name`, or
 *   `def` is malformed
 * @example registerCamMethod('mycam', { name: 'mycam', description: '…', usesGradients: true,
 *   weighting: 'channel', weights: (a, g, s) => … });
 */
export function registerCamMethod(name: string, def: CamMethodDef, options: RegisterCamMethodOptions = {}): void {
  if (typeof name !== 'string' || name === '') throw new Error(`registerCamMethod: name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (def == null || typeof def.weights !== 'function') throw new Error(`registerCamMethod: def of '${name}' must have a weights(acts, grads, shape) function`);
  if (def.name !== name) throw new Error(`registerCamMethod: def.name '${def.name}' differs from the name '${name}'`);
  if (def.weighting !== 'channel' && def.weighting !== 'element') {
    throw new Error(`registerCamMethod: def.weighting of '${name}' must be 'channel' or 'element', got ${String(def.weighting)}`);
  }
  registry.register(name, def, options);
}

/**
 * Looks a CAM method up by name.
 * @param name registry key
 * @returns the method definition
 * @throws {Error} for an unknown name, listing the registered methods
 */
export function getCamMethod(name: string): CamMethodDef {
  return registry.get(name);
}

/** Names of the registered CAM methods, built-ins first, in registration order. */
export function listCamMethods(): string[] {
  return registry.names();
}

/**
 * Removes a method (for tests and plug-ins that clean up after themselves).
 * @returns whether a method of that name was registered
 */
export function unregisterCamMethod(name: string): boolean {
  return registry.unregister(name);
}
