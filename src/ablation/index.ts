/**
 * Evaluation by class-conditional filter ablation (docs/method.md, "Evaluation"): channel masks at a
 * layer, the fast split-and-head evaluator and the full-model reference, the filter selectors
 * (ours-k, random, class-specific/shared, VEBI), the results table and the ablation curves.
 */
export * from './mask';
export * from './metrics';
export * from './nn-lasso';
export * from './vebi';
export * from './scorer';
export * from './class-conditional';
export * from './selectors';
export * from './variants';
export * from './mined';
export * from './seed';
export * from './table';
export * from './evaluate';
export * from './curves';
export * from './images';
export * from './full-model';
export * from './activation-cache';
export * from './contributions';
export * from './head-evaluator';
export * from './io';
