/** Shared settings of the property tests: a fixed seed and bounded runs keep the suite deterministic and fast. */
export const PROPERTY_RUNS = { seed: 20261130, numRuns: 150 } as const;
