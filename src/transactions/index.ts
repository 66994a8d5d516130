/** Transactions: filter scores per patch, top-k items, arquero tables and their files. */
export * from './window-scores';
export * from './top-k';
export * from './store';
export * from './io';
