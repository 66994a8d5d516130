/** A non-negative lasso solver over a Gram matrix (used by VEBI). */
export * from './nn-lasso';
