/** Ablation tables as arquero tables and JSON + CSV files. */
export * from './table';
export * from './io';
