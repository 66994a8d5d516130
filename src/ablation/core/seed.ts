/** Seed derivation for the ablation study. Pure. */

/**
 * A 32-bit seed derived from a base seed and a label (FNV-1a over `seed/label`), so that each
 * variant's or curve's random draws are independent of which others run and in what order.
 * @param seed the base seed
 * @param label e.g. `random-10/draw3`
 */
export function seedFor(seed: number, label: string): number {
  let h = 0x811c9dc5;
  const s = `${seed}/${label}`;
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
  return h >>> 0;
}
