/** The tfjs adapters of the ablation engine. */
export * from './images';
export * from './full-model';
export * from './activation-cache';
export * from './head-evaluator';
export * from './gradients';
