/**
 * The registry of CAM methods: pick a method by name; add your own with {@link registerCamMethod}.
 */
import type { CamMethodDef } from './types';
import { builtinCamMethods } from './methods';

const registry = new Map<string, CamMethodDef>();
for (const def of builtinCamMethods) registry.set(def.name, def);

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
  if (registry.has(name) && !options.override) {
    throw new Error(`registerCamMethod: a CAM method named '${name}' is already registered (pass {override: true} to replace it)`);
  }
  registry.set(name, def);
}

/**
 * Looks a CAM method up by name.
 * @param name registry key
 * @returns the method definition
 * @throws {Error} for an unknown name, listing the registered methods
 */
export function getCamMethod(name: string): CamMethodDef {
  const def = registry.get(name);
  if (!def) throw new Error(`unknown CAM method '${name}'; registered methods: ${listCamMethods().join(', ')}`);
  return def;
}

/** Names of the registered CAM methods, built-ins first, in registration order. */
export function listCamMethods(): string[] {
  return [...registry.keys()];
}

/**
 * Removes a method (for tests and plug-ins that clean up after themselves).
 * @returns whether a method of that name was registered
 */
export function unregisterCamMethod(name: string): boolean {
  return registry.delete(name);
}
