/**
 * Seeded pseudo-random numbers. Every random choice in filtermine (patch windows, random
 * baselines, synthetic data, weight init) draws from an {@link Rng} made from an explicit seed,
 * so the same seed always gives the same result.
 */

/** A seeded random source: `next()` returns a float in [0, 1). */
export interface Rng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A standard normal sample (Box-Muller). */
  normal(): number;
  /** A new independent generator derived from this one (for splitting work deterministically). */
  fork(): Rng;
}

/**
 * Makes a seeded generator (mulberry32 over a splitmix32-scrambled seed).
 * @param seed any finite number; equal seeds give equal streams
 * @throws if `seed` is not a finite number
 * @example const r = rng(42); r.int(10);
 */
export function rng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`rng: seed must be a finite number, got ${seed}`);
  let state = splitmix32(Math.floor(seed) >>> 0 ^ Math.floor(seed / 2 ** 32));
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => {
      if (!(n > 0) || !Number.isInteger(n)) throw new Error(`rng.int: n must be a positive integer, got ${n}`);
      return Math.floor(next() * n);
    },
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    fork: () => rng(Math.floor(next() * 4294967296)),
  };
}

function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A uniformly random sample of `count` distinct integers from [0, n), in draw order
 * (partial Fisher-Yates).
 * @throws if `count` is not in [0, n]
 */
export function sampleWithoutReplacement(n: number, count: number, r: Rng): Int32Array {
  if (!Number.isInteger(count) || count < 0 || count > n) {
    throw new Error(`sampleWithoutReplacement: count must be an integer in [0, ${n}], got ${count}`);
  }
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + r.int(n - i);
    const t = pool[i]; pool[i] = pool[j]; pool[j] = t;
  }
  return pool.slice(0, count);
}

/**
 * A seeded random permutation of [0, n) (Fisher-Yates).
 * @returns a new Int32Array
 */
export function permutation(n: number, r: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const t = p[i]; p[i] = p[j]; p[j] = t;
  }
  return p;
}
