/**
 * Pictures and charts of the ground-truth benchmark for the notebooks: images with their part
 * boxes drawn, exemplar crops of a part, the patches a filter responds to most, and the measures as
 * bar charts. Pure over typed arrays; the widgets come from src/widgets.
 */
import { imageChannels, type ImageSet } from '../data/image-set';
import type { TransactionStore } from '../transactions/store';
import type { PatchBox } from '../widgets/mosaic';
import type { ImageStack } from '../widgets/raster';
import type { Displayable } from '../widgets/displayable';
import { vegaDisplayable } from '../widgets/rule-charts';
import type { PlantedPart } from './format';
import type { PartIndex } from './measures';
import type { GroundTruthBenchmark } from './benchmark';

/** Outline colours by part role. */
export const ROLE_COLOURS: Record<string, [number, number, number]> = {
  specific: [0, 200, 0], shared: [255, 150, 0], distractor: [150, 150, 150],
};

/**
 * Images of a set (RGB) with a one-pixel outline around every planted part, coloured by the part's
 * role ({@link ROLE_COLOURS}), as a widget image stack in the order of `indices`.
 */
export function imagesWithBoxes(set: ImageSet, planted: readonly PlantedPart[][], indices: readonly number[], index: PartIndex): ImageStack {
  const { height: H, width: W } = set;
  const ch = imageChannels(set), px = H * W;
  const out = new Uint8Array(indices.length * px * 3);
  indices.forEach((i, j) => {
    for (let p = 0; p < px; p++) for (let c = 0; c < 3; c++) out[(j * px + p) * 3 + c] = set.images[(i * px + p) * ch + (ch === 3 ? c : 0)];
    for (const q of planted[i]) {
      const col = ROLE_COLOURS[index.roles[index.id.get(q.part) ?? 0]];
      const x0 = Math.max(0, Math.floor(q.box.x) - 1), y0 = Math.max(0, Math.floor(q.box.y) - 1);
      const x1 = Math.min(W - 1, Math.ceil(q.box.x + q.box.width)), y1 = Math.min(H - 1, Math.ceil(q.box.y + q.box.height));
      const put = (x: number, y: number) => { for (let c = 0; c < 3; c++) out[(j * px + y * W + x) * 3 + c] = col[c]; };
      for (let x = x0; x <= x1; x++) { put(x, y0); put(x, y1); }
      for (let y = y0; y <= y1; y++) { put(x0, y); put(x1, y); }
    }
  });
  return { pixels: out, width: W, height: H, channels: 3 };
}

/**
 * Square crops around the instances of a part (the box's longer side plus a 2-pixel margin,
 * shifted to stay inside the image), at most `max`, in image order.
 */
export function partExemplarBoxes(planted: readonly PlantedPart[][], part: string, height: number, width: number, max = 16): PatchBox[] {
  const out: PatchBox[] = [];
  for (let i = 0; i < planted.length && out.length < max; i++) {
    for (const q of planted[i]) {
      if (q.part !== part || out.length >= max) continue;
      const size = Math.min(height, width, Math.ceil(Math.max(q.box.width, q.box.height)) + 4);
      const cx = q.box.x + q.box.width / 2, cy = q.box.y + q.box.height / 2;
      const x = Math.max(0, Math.min(width - size, Math.round(cx - size / 2)));
      const y = Math.max(0, Math.min(height - size, Math.round(cy - size / 2)));
      out.push({ image: i, x, y, size });
    }
  }
  return out;
}

/**
 * The patches of an extraction in which a filter scores highest (its per-patch score from the
 * transaction store), best first.
 * @param store the run's transaction store (image indices refer to the run's images)
 * @param filter the filter
 * @param max at most this many
 */
export function filterTopPatches(store: TransactionStore, filter: number, max = 16): PatchBox[] {
  const F = store.nFilters, c = store.columns, n = c.image.length;
  if (!(Number.isInteger(filter) && filter >= 0 && filter < F)) throw new Error(`filterTopPatches: filter must be an integer in [0, ${F}), got ${filter}`);
  const rows = Array.from({ length: n }, (_, r) => r).sort((a, b) => store.scores[b * F + filter] - store.scores[a * F + filter] || a - b);
  return rows.slice(0, max).map((r) => ({ image: c.image[r], x: c.x[r], y: c.y[r], size: c.size[r], score: store.scores[r * F + filter] }));
}

/** The long rows of the source measures: one row per source and measure (percent). */
export function sourceMeasureRows(r: GroundTruthBenchmark, measures: readonly string[] = ['precision', 'recall', 'precisionUsed', 'recallUsed', 'agreement']): { source: string; measure: string; value: number }[] {
  return r.sources.flatMap((s) => measures.map((m) => ({ source: s.source, measure: m, value: Math.round(1000 * (s as unknown as Record<string, number>)[m]) / 10 })))
    .filter((row) => Number.isFinite(row.value));
}

/** Grouped bars: each measure (x), one bar per source (percent). */
export async function sourceMeasureChart(r: GroundTruthBenchmark, title = `${r.model}: filter sets against the planted parts`): Promise<Displayable> {
  return vegaDisplayable({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title, width: 420, height: 220,
    data: { values: sourceMeasureRows(r) },
    mark: 'bar',
    encoding: {
      x: { field: 'measure', type: 'nominal', title: null, sort: null },
      xOffset: { field: 'source', type: 'nominal', sort: null },
      y: { field: 'value', type: 'quantitative', title: '%', scale: { domain: [0, 100] } },
      color: { field: 'source', type: 'nominal', sort: null },
      tooltip: [{ field: 'source' }, { field: 'measure' }, { field: 'value' }],
    },
  });
}

/** Pointing game and its chance level per CAM method, as bars. */
export async function pointingChart(r: GroundTruthBenchmark): Promise<Displayable> {
  const values = r.explanation.flatMap((e) => [
    { method: e.method, what: 'pointing game', value: Math.round(1000 * e.pointing) / 10 },
    { method: e.method, what: 'random window', value: Math.round(1000 * e.chance) / 10 },
    { method: e.method, what: 'kept patches on a class part', value: Math.round(1000 * e.share) / 10 },
  ]).filter((v) => Number.isFinite(v.value));
  return vegaDisplayable({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: `${r.model}: explanations on the planted parts`, width: 300, height: 200,
    data: { values }, mark: 'bar',
    encoding: {
      x: { field: 'method', type: 'nominal', title: null },
      xOffset: { field: 'what', type: 'nominal', sort: null },
      y: { field: 'value', type: 'quantitative', title: '%', scale: { domain: [0, 100] } },
      color: { field: 'what', type: 'nominal', sort: null, title: null },
    },
  });
}
