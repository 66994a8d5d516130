/**
 * The paper's Monte-Carlo patch extraction (docs/method.md, Pipeline step 2): per round, sample random
 * square windows, keep the one with the highest mean heatmap value, then zero the heatmap inside
 * that window (inset by a margin) so the next round finds another region.
 */
import { rng as makeRng, type Rng } from '../util/rng';
import {
  checkHeatmap, defaultInset, defaultWindowSize, heatmapStatus, summedAreaTable, windowSum,
  type Heatmap, type PatchWindow,
} from './heatmap';

/** Options of {@link monteCarloPatches}. */
export interface MonteCarloOptions {
  /** Window side in pixels. Default: a quarter of the smaller image side, rounded (56 at 224, 7 at 28). */
  windowSize?: number;
  /** Random windows sampled per round (the paper's S). Default 1000. */
  samples?: number;
  /** Rounds, i.e. the most patches returned (the paper's P). Default 10. */
  rounds?: number;
  /** Margin kept un-zeroed inside a chosen window. Default `round(windowSize * 10 / 56)` (10 px at 56). */
  inset?: number;
  /** Seed of the window sampler, used when `rng` is not given. Default 0. */
  seed?: number;
  /** A seeded generator to draw from (takes precedence over `seed`). */
  rng?: Rng;
}

const defaults = { samples: 1000, rounds: 10, seed: 0 } as const;

/**
 * Extracts up to `rounds` windows from a heatmap by Monte-Carlo search. Windows are sampled with
 * their top-left corner uniform over all positions that keep the window inside the image; window
 * means come from a summed-area table (O(1) each). The first sample wins ties. Extraction stops
 * early when the best mean is no longer positive (the heatmap is exhausted). A heatmap whose
 * status is not `'ok'` (see {@link heatmapStatus}) gives no windows. The input is not modified.
 * @param heatmap the map to search (e.g. a Grad-CAM heatmap at input size)
 * @returns the chosen windows in order of choice
 * @throws if a parameter is out of range (naming it)
 */
export function monteCarloPatches(heatmap: Heatmap, options: MonteCarloOptions = {}): PatchWindow[] {
  checkHeatmap(heatmap, 'monteCarloPatches');
  const { width, height } = heatmap;
  const size = options.windowSize ?? defaultWindowSize(Math.min(width, height));
  const samples = options.samples ?? defaults.samples;
  const rounds = options.rounds ?? defaults.rounds;
  const inset = options.inset ?? defaultInset(size);
  checkWindowSize(size, width, height, 'monteCarloPatches');
  if (!(Number.isInteger(samples) && samples > 0)) throw new Error(`monteCarloPatches: samples must be a positive integer, got ${samples}`);
  if (!(Number.isInteger(rounds) && rounds >= 0)) throw new Error(`monteCarloPatches: rounds must be a non-negative integer, got ${rounds}`);
  if (!(Number.isInteger(inset) && inset >= 0 && 2 * inset < size)) {
    throw new Error(`monteCarloPatches: inset must be an integer in [0, ${Math.ceil(size / 2) - 1}] for window size ${size}, got ${inset}`);
  }
  if (heatmapStatus(heatmap) !== 'ok') return [];
  const r = options.rng ?? makeRng(options.seed ?? defaults.seed);
  const work = Float32Array.from(heatmap.data); // zeroed per round; the caller's map stays intact
  const area = size * size;
  const nx = width - size + 1, ny = height - size + 1;
  const out: PatchWindow[] = [];
  for (let round = 0; round < rounds; round++) {
    const sat = summedAreaTable(work, width, height);
    let bestX = 0, bestY = 0, best = -Infinity;
    for (let s = 0; s < samples; s++) {
      const x = r.int(nx), y = r.int(ny);
      const m = windowSum(sat, width, x, y, size, size) / area;
      if (m > best) { best = m; bestX = x; bestY = y; }
    }
    if (!(best > 0)) break;
    out.push({ x: bestX, y: bestY, size, score: best });
    zeroInside(work, width, bestX + inset, bestY + inset, size - 2 * inset);
  }
  return out;
}

/** Zeroes the square `[x, x+side) x [y, y+side)` of a row-major map in place (on a private copy). */
function zeroInside(data: Float32Array, width: number, x: number, y: number, side: number): void {
  for (let yy = y; yy < y + side; yy++) data.fill(0, yy * width + x, yy * width + x + side);
}

/** @throws unless `size` is an integer window side that fits in a `width x height` image */
export function checkWindowSize(size: number, width: number, height: number, what: string): void {
  if (!(Number.isInteger(size) && size >= 1 && size <= width && size <= height)) {
    throw new Error(`${what}: windowSize must be an integer in [1, ${Math.min(width, height)}] for a ${width}x${height} heatmap, got ${size}`);
  }
}
