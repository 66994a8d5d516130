/**
 * A deterministic alternative to the Monte-Carlo extraction (docs/method.md, Pipeline step 2): score every
 * window on a regular grid by its mean heatmap value and keep the best ones by greedy
 * non-maximum suppression.
 */
import {
  checkHeatmap, defaultWindowSize, heatmapStatus, summedAreaTable, windowIoU, windowSum,
  type Heatmap, type PatchWindow,
} from './heatmap';
import { checkWindowSize } from './monte-carlo';

/** Options of {@link densePatches}. */
export interface DenseNmsOptions {
  /** Window side in pixels. Default: a quarter of the smaller image side, rounded. */
  windowSize?: number;
  /** Grid step between window corners. Default: a quarter of the window side (at least 1). */
  stride?: number;
  /** A window overlapping an already kept one by more than this IoU is suppressed. Default 0.3. */
  iouThreshold?: number;
  /** The most windows returned. Default 10 (the paper's P). */
  rounds?: number;
}

const defaults = { iouThreshold: 0.3, rounds: 10 } as const;

/**
 * Extracts up to `rounds` windows from a heatmap: all windows with corners on a grid of step
 * `stride` (plus the last row/column so the image edge is covered) are ranked by mean value
 * (ties: top-most, then left-most), then kept greedily unless they overlap a kept window by
 * more than `iouThreshold`. Windows with a non-positive mean are never kept. A heatmap whose
 * status is not `'ok'` gives no windows. The input is not modified.
 * @returns the kept windows, best first
 * @throws if a parameter is out of range (naming it)
 */
export function densePatches(heatmap: Heatmap, options: DenseNmsOptions = {}): PatchWindow[] {
  checkHeatmap(heatmap, 'densePatches');
  const { width, height } = heatmap;
  const size = options.windowSize ?? defaultWindowSize(Math.min(width, height));
  checkWindowSize(size, width, height, 'densePatches');
  const stride = options.stride ?? Math.max(1, Math.floor(size / 4));
  const iou = options.iouThreshold ?? defaults.iouThreshold;
  const rounds = options.rounds ?? defaults.rounds;
  if (!(Number.isInteger(stride) && stride >= 1)) throw new Error(`densePatches: stride must be a positive integer, got ${stride}`);
  if (!(iou >= 0 && iou <= 1)) throw new Error(`densePatches: iouThreshold must be in [0, 1], got ${iou}`);
  if (!(Number.isInteger(rounds) && rounds >= 0)) throw new Error(`densePatches: rounds must be a non-negative integer, got ${rounds}`);
  if (heatmapStatus(heatmap) !== 'ok') return [];
  const sat = summedAreaTable(heatmap.data, width, height);
  const xs = gridPositions(width - size, stride), ys = gridPositions(height - size, stride);
  const cands: PatchWindow[] = [];
  for (const y of ys) for (const x of xs) {
    const score = windowSum(sat, width, x, y, size, size) / (size * size);
    if (score > 0) cands.push({ x, y, size, score });
  }
  // Array.prototype.sort is stable: equal scores keep their row-major grid order.
  cands.sort((a, b) => b.score - a.score);
  const kept: PatchWindow[] = [];
  for (const c of cands) {
    if (kept.length >= rounds) break;
    if (kept.every((k) => windowIoU(k, c) <= iou)) kept.push(c);
  }
  return kept;
}

/** 0, stride, 2*stride, ... up to `last`, plus `last` itself. */
function gridPositions(last: number, stride: number): number[] {
  const out: number[] = [];
  for (let p = 0; p <= last; p += stride) out.push(p);
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}
