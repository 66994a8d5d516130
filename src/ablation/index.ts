/**
 * Evaluation by class-conditional filter ablation (docs/method.md, "Evaluation"), in four folders:
 * - `core/`: the pure engine over typed arrays: channel masks, scoring, class-conditional
 *   accuracy, filter selectors and variants, the results tables, the greedy oracle, paired
 *   comparisons, the ablation curves;
 * - `tf/`: the tfjs adapters: the activation cache, the fast head evaluator and the full-model
 *   reference, per-image class-logit gradients;
 * - `io/`: arquero tables and the JSON + CSV files;
 * - `study/`: the one function that runs a whole study (the CLI's `evaluate` and the notebooks).
 * The lasso solver (`src/lasso`), VEBI (`src/vebi`) and the baseline rankings (`src/baselines`)
 * are folders of their own.
 */
export * from './core';
export * from './tf';
export * from './io';
export * from './study';
export * from '../lasso';
export * from '../vebi';
export * from '../baselines';
