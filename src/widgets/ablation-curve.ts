/**
 * Ablation accuracy curves (plotly.js): accuracy versus the number of filters ablated per class,
 * one trace per method and top-k variant, with a ±std band where rows carry a spread (the random
 * baseline over seeded draws). docs/method.md, "Evaluation".
 */
import type { Displayable } from './displayable';
import { chartHtml, type ChartOptions } from './chart-html';
import { escapeHtml } from './escape';
import { formatNumber } from './format';
import { toRows, type TableLike } from './rows';
import { vegaLiteToSvg } from './vega-render';

/**
 * One point of an ablation curve, as in the evaluation table (columns method, k, n, accuracy, std).
 */
export interface AblationCurveRow {
  /** Method name, e.g. 'ours', 'random', 'vebi', 'none'. */
  method: string;
  /** Top-k of the transactions (the paper's Ours-5/10/25); null/absent when not applicable. */
  k?: number | null;
  /** Filters ablated per class (x axis). */
  n: number;
  /** Top-1 accuracy after ablation (y axis), as a fraction or a percentage. */
  accuracy: number;
  /** Spread of the accuracy over seeded draws (drawn as a ±std band when some std > 0); null/absent for none. */
  std?: number | null;
  /** Class the point refers to (shown on hover; a separate trace per class); absent = all classes. */
  class?: string | number | null;
}

/** Options for {@link ablationCurveChart}. */
export interface AblationCurveOptions extends ChartOptions {
  /** Chart title. */
  title?: string;
  /** y-axis title (default 'top-1 accuracy'). */
  yTitle?: string;
  /** x-axis title (default 'filters ablated per class'). */
  xTitle?: string;
  /** Band half-width in standard deviations (default 1). */
  bandStd?: number;
  /** Chart height in pixels (default 420). */
  height?: number;
  /**
   * The accuracy without ablation, drawn as a dashed horizontal reference line labelled
   * 'no ablation' (same unit as the rows' accuracy).
   */
  reference?: number;
  /** Unit appended to the reference label and hover values, e.g. '%'. Default ''. */
  unit?: string;
}

const defaults = {
  yTitle: 'top-1 accuracy',
  xTitle: 'filters ablated per class',
  bandStd: 1,
  height: 420,
};

/** d3's category10, so plotly and the static vega fallback agree on colours. */
const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function rgba(hex: string, a: number): string {
  const v = parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255},${(v >> 8) & 255},${v & 255},${a})`;
}

/** A curve: the points of one (method, k, class). */
interface Curve {
  name: string;
  method: string;
  k: number | null;
  class: string | null;
  color: string;
  points: AblationCurveRow[];
}

/** Groups and validates rows into curves, points sorted by n. */
function curves(rows: readonly AblationCurveRow[]): Curve[] {
  if (rows.length === 0) throw new Error('ablationCurve: no rows');
  const byKey = new Map<string, Curve>();
  rows.forEach((r, i) => {
    const bad = (what: string): never => {
      throw new Error(`ablationCurve: row ${i} ${JSON.stringify(r)}: ${what}`);
    };
    if (!r || typeof r !== 'object') bad('expected {method, k?, n, accuracy, std?, class?}');
    if (typeof r.method !== 'string' || r.method === '') bad('method must be a non-empty string');
    if (typeof r.n !== 'number' || !Number.isFinite(r.n) || r.n < 0) bad('n must be a finite number >= 0');
    if (typeof r.accuracy !== 'number' || !Number.isFinite(r.accuracy)) bad('accuracy must be a finite number');
    if (r.k !== undefined && r.k !== null && (typeof r.k !== 'number' || !Number.isFinite(r.k))) bad('k must be a number, null or absent');
    if (r.std !== undefined && r.std !== null && (typeof r.std !== 'number' || !Number.isFinite(r.std) || r.std < 0)) bad('std must be a finite number >= 0, null or absent');
    const k = r.k ?? null;
    const cls = r.class === undefined || r.class === null ? null : String(r.class);
    const key = JSON.stringify([r.method, k, cls]);
    let c = byKey.get(key);
    if (!c) {
      const name = r.method + (k !== null ? ` (k=${k})` : '') + (cls !== null ? ` · ${cls}` : '');
      c = { name, method: r.method, k, class: cls, color: palette[byKey.size % palette.length], points: [] };
      byKey.set(key, c);
    }
    if (c.points.some((p) => p.n === r.n)) bad(`duplicate n=${r.n} for trace '${c.name}'`);
    c.points.push(r);
  });
  const out = [...byKey.values()];
  for (const c of out) c.points = [...c.points].sort((a, b) => a.n - b.n);
  return out;
}

/**
 * The plotly figure of an ablation curve (pure; snapshot-tested). Every string that plotly renders
 * (trace names, hover text) is HTML-escaped, because plotly interprets tags in text.
 * @param input Rows or an arquero table with columns method, k, n, accuracy, std (optional class).
 * @param options Titles, band width, height.
 * @returns `{data, layout, config}` for `Plotly.newPlot`.
 * @throws {Error} For an empty input, a malformed row, or two rows with the same trace and n.
 */
export function ablationCurveFigure(input: readonly AblationCurveRow[] | TableLike, options: AblationCurveOptions = {}): { data: object[]; layout: object; config: object } {
  const o = { ...defaults, ...options };
  if (!(o.bandStd >= 0)) throw new Error(`ablationCurve: bandStd must be >= 0, got ${o.bandStd}`);
  const cs = curves(toRows(input, 'ablationCurve'));
  const data: object[] = [];
  for (const c of cs) {
    const group = escapeHtml(c.name);
    const withStd = c.points.filter((p) => typeof p.std === 'number');
    // A band only where there is a spread (ranked methods report std 0).
    if (withStd.some((p) => (p.std as number) > 0) && o.bandStd > 0) {
      const x = withStd.map((p) => p.n);
      data.push({
        type: 'scatter', mode: 'lines', x, y: withStd.map((p) => p.accuracy - o.bandStd * (p.std as number)),
        line: { width: 0, color: c.color }, hoverinfo: 'skip', showlegend: false, legendgroup: group, name: `${group} −std`,
      });
      data.push({
        type: 'scatter', mode: 'lines', x, y: withStd.map((p) => p.accuracy + o.bandStd * (p.std as number)),
        line: { width: 0, color: c.color }, fill: 'tonexty', fillcolor: rgba(c.color, 0.2),
        hoverinfo: 'skip', showlegend: false, legendgroup: group, name: `${group} +std`,
      });
    }
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: group,
      legendgroup: group,
      x: c.points.map((p) => p.n),
      y: c.points.map((p) => p.accuracy),
      line: { color: c.color, width: 2, dash: c.method.toLowerCase().startsWith('random') ? 'dash' : 'solid' },
      marker: { color: c.color, size: 6 },
      customdata: c.points.map((p) => [
        escapeHtml(c.class ?? 'all classes'),
        typeof p.std === 'number' ? `± ${escapeHtml(formatNumber(p.std, 3))}` : '',
      ]),
      hovertemplate: `<b>${group}</b><br>class: %{customdata[0]}<br>filters ablated: %{x}<br>accuracy: %{y:.4~f} %{customdata[1]}<extra></extra>`,
    });
  }
  const unit = escapeHtml(o.unit ?? '');
  const shapes: object[] = [], annotations: object[] = [];
  if (o.reference !== undefined) {
    if (!Number.isFinite(o.reference)) throw new Error(`ablationCurve: reference must be a finite number, got ${o.reference}`);
    shapes.push({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: o.reference, y1: o.reference, line: { color: '#444', width: 1, dash: 'dot' } });
    annotations.push({ xref: 'paper', x: 1, y: o.reference, yanchor: 'bottom', xanchor: 'right', showarrow: false, font: { size: 11, color: '#444' },
      text: `no ablation: ${escapeHtml(formatNumber(o.reference, 4))}${unit}` });
  }
  if (data.some((d) => (d as { fill?: string }).fill === 'tonexty')) {
    annotations.push({ xref: 'paper', yref: 'paper', x: 0, y: -0.16, xanchor: 'left', yanchor: 'top', showarrow: false, font: { size: 11, color: '#555' },
      text: `shaded band: mean ± ${escapeHtml(formatNumber(o.bandStd))} standard deviation${o.bandStd === 1 ? '' : 's'} over the seeded random draws; dashed lines: random filters` });
  }
  const layout = {
    ...(shapes.length ? { shapes } : {}),
    ...(annotations.length ? { annotations } : {}),
    title: o.title ? { text: escapeHtml(o.title) } : undefined,
    xaxis: { title: { text: escapeHtml(o.xTitle) }, zeroline: false },
    yaxis: { title: { text: escapeHtml(o.yTitle) }, zeroline: false },
    hovermode: 'closest',
    height: o.height,
    margin: { l: 60, r: 20, t: o.title ? 50 : 20, b: annotations.length ? 80 : 50 },
    legend: { orientation: 'v' },
    font: { family: 'sans-serif', size: 12 },
  };
  if (!o.title) delete (layout as { title?: unknown }).title;
  return { data, layout, config: { displaylogo: false, responsive: true } };
}

/**
 * A vega-lite spec of the same curves, rendered to SVG in Node as the static fallback beside the
 * interactive plotly chart (vega escapes text itself, so names stay raw here).
 */
export function ablationCurveStaticSpec(input: readonly AblationCurveRow[] | TableLike, options: AblationCurveOptions = {}): object {
  const o = { ...defaults, ...options };
  const cs = curves(toRows(input, 'ablationCurve'));
  const values = cs.flatMap((c) =>
    c.points.map((p) => ({
      trace: c.name, n: p.n, accuracy: p.accuracy,
      lo: typeof p.std === 'number' ? p.accuracy - o.bandStd * p.std : null,
      hi: typeof p.std === 'number' ? p.accuracy + o.bandStd * p.std : null,
    })),
  );
  const color = { field: 'trace', type: 'nominal', title: null, scale: { domain: cs.map((c) => c.name), range: cs.map((c) => c.color) } };
  const x = { field: 'n', type: 'quantitative', title: o.xTitle };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(o.title ? { title: o.title } : {}),
    width: 480,
    height: o.height - 120,
    data: { values },
    layer: [
      { transform: [{ filter: 'datum.lo != null' }], mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: o.yTitle, scale: { zero: false } }, y2: { field: 'hi' }, color } },
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'accuracy', type: 'quantitative', title: o.yTitle, scale: { zero: false } }, color } },
      ...(o.reference !== undefined ? [{ data: { values: [{ reference: o.reference }] }, mark: { type: 'rule', strokeDash: [2, 2], color: '#444' }, encoding: { y: { field: 'reference', type: 'quantitative' } } }] : []),
    ],
  };
}

/**
 * Ablation accuracy curves: method versus random with its spread, one trace per k, hover showing
 * class and value. Interactive with plotly.js (bundled, no network) and a static SVG fallback.
 * @param input Rows or an arquero table (columns method, k, n, accuracy, std; optional class).
 * @param options Titles, band width, library mode, fallback.
 * @returns `{html, svg?, spec}` where spec is the plotly figure.
 * @throws {Error} For malformed rows (see {@link ablationCurveFigure}).
 * @example show(await ablationCurveChart(evaluationTable, {title: 'VGG16, Fashion-MNIST'}))
 */
export async function ablationCurveChart(input: readonly AblationCurveRow[] | TableLike, options: AblationCurveOptions = {}): Promise<Displayable> {
  const spec = ablationCurveFigure(input, options);
  const svg = options.staticFallback === false ? undefined : await vegaLiteToSvg(ablationCurveStaticSpec(input, options));
  return { html: chartHtml('plotly', spec, svg ?? '', options), svg, spec };
}
