/**
 * Seeded weight initialisers for model builders: every kernel initialiser gets its own seed drawn
 * from one {@link Rng}, so a builder called with the same seed gives the same weights.
 */
import * as tf from '@tensorflow/tfjs';
import { rng, type Rng } from '../util/rng';

/** A tfjs weight initialiser. */
export type Initializer = ReturnType<typeof tf.initializers.heNormal>;

/** Makes fresh, individually seeded initialisers. */
export interface SeededInitializers {
  /** He-normal (for ReLU convolutions and dense layers). */
  heNormal(): Initializer;
  /** Glorot-uniform (Keras' default for Conv2D and Dense). */
  glorotUniform(): Initializer;
}

/**
 * Initialiser factory driven by one seed.
 * @param seed the model seed; each call of a factory method draws the next per-layer seed
 */
export function seededInitializers(seed: number): SeededInitializers {
  const r: Rng = rng(seed);
  const next = () => r.int(2 ** 31 - 1);
  return {
    heNormal: () => tf.initializers.heNormal({ seed: next() }),
    glorotUniform: () => tf.initializers.glorotUniform({ seed: next() }),
  };
}

/**
 * Initialiser factory that draws no random numbers (all weights zero): for building a large model
 * whose weights are loaded right after, or whose topology alone is needed.
 */
export function zeroInitializers(): SeededInitializers {
  return { heNormal: () => tf.initializers.zeros(), glorotUniform: () => tf.initializers.zeros() };
}
