/**
 * Mining (docs/method.md, Pipeline steps 4-6): transactions, frequent itemsets (Eclat, FP-Growth; closed and
 * maximal), rule measures, the paper's filters -> class rules, class-specific and class-shared
 * filters, pattern groups, and threshold sweeps. Results are arquero tables.
 */
export * from './transactions';
export * from './load';
export * from './save';
export { popcount32, verticalIndex, tidsContaining, type VerticalIndex } from './bitset';
export { absoluteSupport, minerSupport, describeSupport, checkTopK, type SupportThreshold } from './support';
export * from './itemset-list';
export * from './closed';
export { eclat } from './eclat';
export { fpGrowth } from './fpgrowth';
export * from './itemsets';
export * from './rules';
export * from './context';
export * from './class-rules';
export * from './class-filters';
export * from './groups';
export * from './paper';
export { minePaperCore, type PaperCoreResult, type PaperCoreTimings } from './paper-core';
export * from './sweep';
export * from './synthetic';
