/**
 * Notebook helpers: parameters with a fast mode, an on-disk result cache keyed by parameters, the
 * cached pipeline steps (model -> extraction -> mining -> ablation) and adapters from results to
 * widget inputs. Notebooks call these so that they stay thin and re-runnable.
 */
export * from './params';
export * from './cache';
export * from './pipeline';
export * from './views';
export * from './explain';
export * from './byo';
export * from './display';
export * from './tuner';
export * from './checks';
