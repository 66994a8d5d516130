/** The whole ablation study (CLI `evaluate` and the notebooks). */
export * from './study';
export * from './sweep';
