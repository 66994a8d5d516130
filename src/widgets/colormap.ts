/**
 * Colormaps for heatmap overlays: value in [0, 1] → RGB bytes.
 */

/** A colormap: t in [0, 1] (clamped) → [r, g, b] in 0..255. */
export type Colormap = (t: number) => [number, number, number];

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** MATLAB-style jet (piecewise linear blue → cyan → yellow → red), as used by Grad-CAM overlays. */
export const jet: Colormap = (t) => {
  const x = clamp01(Number.isNaN(t) ? 0 : t);
  const c = (v: number): number => Math.round(255 * clamp01(1.5 - Math.abs(4 * x - v)));
  return [c(3), c(2), c(1)];
};

/** The nine stops of matplotlib's viridis at 0, 1/8, …, 1 (#440154 … #fde725). */
const viridisStops: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84], [71, 44, 122], [59, 82, 139], [44, 114, 142], [33, 145, 140],
  [40, 174, 128], [94, 201, 98], [173, 220, 48], [253, 231, 37],
];

/** viridis, linearly interpolated between its nine stops (max error vs matplotlib about 3/255). */
export const viridis: Colormap = (t) => {
  const x = clamp01(Number.isNaN(t) ? 0 : t) * (viridisStops.length - 1);
  const i = Math.min(viridisStops.length - 2, Math.floor(x));
  const f = x - i;
  const a = viridisStops[i], b = viridisStops[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c]))) as [number, number, number];
};

/** Colormaps by name. */
export const colormaps: Readonly<Record<string, Colormap>> = { jet, viridis };

/**
 * Looks up a colormap by name or passes a function through.
 * @param cm 'jet', 'viridis' or a Colormap function.
 * @returns The colormap.
 * @throws {Error} For an unknown name.
 */
export function resolveColormap(cm: string | Colormap): Colormap {
  if (typeof cm === 'function') return cm;
  const f = colormaps[cm];
  if (!f) throw new Error(`unknown colormap '${cm}'; expected one of ${Object.keys(colormaps).join(', ')} or a function`);
  return f;
}
