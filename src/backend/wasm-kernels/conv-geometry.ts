/**
 * Small pure helpers over convolution geometry shared by the gradient kernels (no tfjs here).
 */

/** How far a window of `count` taps, `step` apart, starting at `start`, reaches: index of the last tap + 1. */
export function tapExtent(start: number, count: number, step: number): number {
  return count > 0 ? start + (count - 1) * step + 1 : start;
}

/**
 * The padding (positive) or cropping (negative) at the far end that makes an axis of length
 * `length`, padded by `before` at the start, exactly `needed` long.
 */
export function farPad(length: number, before: number, needed: number): number {
  return needed - before - length;
}

/** Normalises a tfjs `number | [number, number]` stride/dilation attribute to a pair. */
export function pair(v: number | [number, number] | number[]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}
