/**
 * Preloaded with `node --require` (through NODE_OPTIONS) into a notebook kernel by the negative
 * notebook test: every compiled library module that exports `evaluateAblation` gets, as it loads,
 * a version that throws. It finds the function by its export name wherever it lives, so moving it
 * between files does not silently disarm the test.
 */
import Module = require('node:module');

/** The error text the broken function throws (test/notebooks/notebooks.test.ts looks for it). */
const BROKEN_MESSAGE = 'evaluateAblation deliberately broken by the negative notebook test';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const internals = Module as unknown as { _load: Loader };
const load = internals._load;

internals._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
  const exported = load.call(this, request, parent, isMain) as Record<string, unknown> | null;
  if (exported && typeof exported === 'object' && typeof exported.evaluateAblation === 'function') {
    const d = Object.getOwnPropertyDescriptor(exported, 'evaluateAblation');
    if (d?.writable && !(exported.evaluateAblation as { broken?: boolean }).broken) {
      const broken = (): never => { throw new Error(BROKEN_MESSAGE); };
      broken.broken = true;
      exported.evaluateAblation = broken;
    }
  }
  return exported;
};
