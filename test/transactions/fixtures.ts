import type { TransactionStore } from '../../src/transactions/store';

/** Two patches, four filters. */
export function tinyStore(): TransactionStore {
  return {
    columns: {
      image: Int32Array.of(0, 2), patch: Int32Array.of(0, 1), x: Int32Array.of(1, 0), y: Int32Array.of(2, 3),
      size: Int32Array.of(7, 7), label: Int32Array.of(3, 5), pred: Int32Array.of(3, 4),
      score: Float32Array.of(0.75, 0.5), drop: Float32Array.of(0.25, 0.125),
    },
    scores: Float32Array.of(0.1, 0.4, 0.4, 0.2, /* patch 1 */ 3, 1, 2, 5),
    nFilters: 4,
    layer: 'conv',
  };
}
