/**
 * The one shape of filtermine's registries (CAM methods, patch samplers, itemset algorithms,
 * architectures, backend candidates, preprocessing presets, CLI commands): values by name, a
 * clear error for an unknown or taken name, and a listing.
 */

/** Options of {@link Registry.register}. */
export interface RegisterOptions {
  /** Replace a value of the same name instead of throwing. Default false. */
  override?: boolean;
}

/** Values of one kind, by name. */
export interface Registry<T> {
  /**
   * Adds a value under a name.
   * @throws if the name is empty, or taken and `override` is not set
   */
  register(name: string, value: T, options?: RegisterOptions): void;
  /**
   * The value of that name.
   * @throws naming the known names if there is none
   */
  get(name: string): T;
  /** The value of that name, or undefined. */
  find(name: string): T | undefined;
  /** The names, in registration order or sorted (see {@link createRegistry}). */
  names(): string[];
  /** The values, in the order of {@link names}. */
  values(): T[];
  /** Removes a name; returns whether it was registered. */
  unregister(name: string): boolean;
}

/** Options of {@link createRegistry}. */
export interface CreateRegistryOptions {
  /** The public function that registers, named in errors (e.g. `registerCamMethod`). */
  registerName: string;
  /** List names sorted (default) or in registration order. */
  order?: 'sorted' | 'registration';
}

/**
 * A new, empty registry.
 * @param what the kind of value, for messages (e.g. `CAM method`)
 * @param options the register function's name and the listing order
 * @example const samplers = createRegistry<PatchSampler>('patch sampler', { registerName: 'registerPatchSampler' });
 */
export function createRegistry<T>(what: string, options: CreateRegistryOptions): Registry<T> {
  const map = new Map<string, T>();
  const names = (): string[] => (options.order === 'registration' ? [...map.keys()] : [...map.keys()].sort());
  return {
    register(name, value, o = {}) {
      if (typeof name !== 'string' || name === '') throw new Error(`${options.registerName}: name must be a non-empty string, got ${JSON.stringify(name)}`);
      if (map.has(name) && !o.override) {
        throw new Error(`${options.registerName}: a ${what} named '${name}' is already registered (pass {override: true} to replace it)`);
      }
      map.set(name, value);
    },
    get(name) {
      const value = map.get(name);
      if (value === undefined) throw new Error(`unknown ${what} '${name}'; known: ${names().join(', ') || 'none'}`);
      return value;
    },
    find: (name) => map.get(name),
    names,
    values: () => names().map((n) => map.get(n) as T),
    unregister: (name) => map.delete(name),
  };
}
