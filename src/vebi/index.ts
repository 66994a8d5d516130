/** The VEBI baseline: filters per class from a non-negative lasso on filter norms. */
export * from './vebi';
