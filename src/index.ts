/**
 * filtermine: explain what a trained CNN has learned (Meynen, Behzadi-Khormouji, Oramas,
 * "Interpreting Convolutional Neural Networks by Explaining Their Predictions", ICIP 2023).
 * This file re-exports the public API only; one line per area.
 */
export * from './util/rng';
export * from './backend';
export * from './data/idx';
export * from './data/fashion-mnist';
export { registerCommand, type CommandDef } from './cli/registry';
export * from './data/batches';
export * from './widgets';
export * from './graph';
export * from './cam';
export * from './patches';
export * from './transactions';
export * from './extract';
export * from './ablation';
export * from './mining';
export * from './data/presets';
export * from './data/image-folder';
export * from './models';
export * from './notebook';
export * from './groundtruth';
