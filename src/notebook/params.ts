/**
 * Notebook parameters: one parameters cell per notebook, with a fast variant (smaller data, fewer
 * random draws, same code paths) selected by `FILTERMINE_FAST=1`, as the test suite runs them.
 */

/** The environment variable that selects fast mode (set by `publish-notebooks --fast`). */
export const FAST_MODE_ENV = 'FILTERMINE_FAST';

/**
 * True when notebooks should run in fast mode (`FILTERMINE_FAST=1`).
 * @param env the environment to read. Default `process.env`.
 */
export function isFastMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[FAST_MODE_ENV] === '1';
}

/**
 * A notebook's parameters: `full` normally, `full` overridden by `fast` in fast mode. The result
 * is frozen, so no later cell can change a parameter behind another cell's back.
 * @param full the parameters of a full run
 * @param fast the fields that differ in fast mode
 * @param options `fast`: force a mode (default {@link isFastMode})
 * @returns a frozen copy, with `fast: boolean` added
 * @example const P = notebookParams({ limit: 10000, draws: 10 }, { limit: 300, draws: 3 });
 */
export function notebookParams<T extends object>(full: T, fast: Partial<T>, options: { fast?: boolean } = {}): Readonly<T & { fast: boolean }> {
  const on = options.fast ?? isFastMode();
  for (const key of Object.keys(fast)) {
    if (!(key in full)) throw new Error(`notebookParams: fast-mode field '${key}' is not a parameter (parameters: ${Object.keys(full).join(', ')})`);
  }
  return Object.freeze({ ...full, ...(on ? fast : {}), fast: on });
}
