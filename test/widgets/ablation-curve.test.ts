import * as assert from 'node:assert/strict';
import { ablationCurveChart, ablationCurveFigure, type AblationCurveRow } from '../../src/widgets';
import { ablationRows, deepFreeze, evilClass } from './fixtures';
import { matchSnapshot } from './snapshot';

type Trace = { name: string; x: number[]; y: number[]; fill?: string; showlegend?: boolean; customdata?: string[][]; hovertemplate?: string };

describe('widgets/ablation-curve', () => {
  it('figure matches its snapshot', () => {
    matchSnapshot('ablation-curve', ablationCurveFigure(ablationRows(), { title: 'Ours vs random' }));
  });

  it('makes one line per (method, k), points sorted by n, and a band only where std is given', () => {
    const fig = ablationCurveFigure(ablationRows());
    const traces = fig.data as Trace[];
    const lines = traces.filter((t) => t.showlegend !== false);
    assert.deepEqual(lines.map((t) => t.name), ['none', 'ours (k=10)', 'ours (k=5)', 'random (k=10)']);
    assert.deepEqual(lines[1].x, [2, 5, 10]);
    assert.deepEqual(lines[1].y, [0.8012, 0.6234, 0.4567]);
    const band = traces.filter((t) => t.showlegend === false);
    assert.equal(band.length, 2, 'lower and upper band of random only');
    assert.equal(band[1].fill, 'tonexty');
    // Hand-computed: accuracy ± 1 std.
    assert.deepEqual(band[0].y.map((v) => +v.toFixed(4)), [0.906, 0.899, 0.8829]);
    assert.deepEqual(band[1].y.map((v) => +v.toFixed(4)), [0.914, 0.911, 0.9049]);
  });

  it('draws no band for std 0 and ignores extra columns (rows as the ablation area writes them)', () => {
    const rows = [1, 2, 3].map((n) => ({ method: 'ours-10', source: 'ours-10', k: 10, order: 'ranked', class: null, n, filtersPerClass: n, accuracy: 1 - n / 10, std: 0, draws: 1 }));
    const traces = ablationCurveFigure(rows).data as Trace[];
    assert.equal(traces.length, 1);
    assert.equal(traces[0].customdata?.[0][0], 'all classes');
  });

  it('band width follows bandStd', () => {
    const fig = ablationCurveFigure(ablationRows(), { bandStd: 2 });
    const band = (fig.data as Trace[]).filter((t) => t.showlegend === false);
    assert.equal(+band[0].y[0].toFixed(4), 0.902);
  });

  it('hover shows the class (escaped) and a trace per class', () => {
    const rows: AblationCurveRow[] = [
      { method: 'ours', k: 10, n: 5, accuracy: 0.5, class: evilClass },
      { method: 'ours', k: 10, n: 5, accuracy: 0.7, class: 'Bag' },
    ];
    const fig = ablationCurveFigure(rows);
    const traces = fig.data as Trace[];
    assert.equal(traces.length, 2);
    assert.equal(traces[0].customdata?.[0][0], '&lt;img src=x onerror=alert(1)&gt;');
    assert.ok(traces[0].name.includes('&lt;img'), traces[0].name);
    assert.match(traces[0].hovertemplate as string, /class: %\{customdata\[0\]\}/);
    assert.equal(traces[1].customdata?.[0][0], 'Bag');
  });

  it('does not mutate its input', () => {
    const rows = deepFreeze(ablationRows());
    const before = JSON.stringify(rows);
    ablationCurveFigure(rows);
    assert.equal(JSON.stringify(rows), before);
  });

  it('rejects malformed rows with a message naming the row', () => {
    assert.throws(() => ablationCurveFigure([]), /no rows/);
    assert.throws(() => ablationCurveFigure([{ method: 'ours', n: NaN, accuracy: 1 }]), /row 0 .*n must be/);
    assert.throws(() => ablationCurveFigure([{ method: '', n: 1, accuracy: 1 }]), /method must be/);
    assert.throws(() => ablationCurveFigure([{ method: 'r', n: 1, accuracy: 1, std: -1 }]), /std must be/);
    assert.throws(
      () => ablationCurveFigure([{ method: 'r', n: 1, accuracy: 1 }, { method: 'r', n: 1, accuracy: 0.5 }]),
      /row 1 .*duplicate n=1/,
    );
  });

  it('accepts an arquero table', async () => {
    const aq = (await import('arquero')) as unknown as { from(rows: object[]): Parameters<typeof ablationCurveFigure>[0] };
    const fromTable = ablationCurveFigure(aq.from(ablationRows()));
    assert.deepEqual(fromTable, ablationCurveFigure(ablationRows()));
  });

  it('renders html with the figure escaped, a static SVG, and no markup from class names', async function () {
    this.timeout(20000);
    const rows = ablationRows().map((r) => ({ ...r, class: evilClass }));
    const d = await ablationCurveChart(rows, { title: evilClass });
    assert.ok(d.svg && d.svg.startsWith('<svg'), 'static svg');
    assert.ok(d.html.includes('data-fm-kind="plotly"'));
    assert.ok(d.html.includes(d.svg as string), 'fallback svg inline');
    assert.ok(!d.html.includes('<img src=x'), 'no raw markup from the class name');
    assert.equal(d.html.split('<script').length - 1, 1, 'one render script, no library in shared mode');
    assert.ok(!d.html.includes('data-fm-library'));
    const inline = await ablationCurveChart(ablationRows(), { library: 'inline', staticFallback: false });
    assert.ok(inline.html.length > 1_000_000 && inline.html.includes('data-fm-library="plotly.js-basic-dist-min"'), 'inline mode carries plotly (basic bundle)');
    assert.equal(inline.svg, undefined);
  });

  it('draws the unablated accuracy as a labelled reference line and explains the band', () => {
    const fig = ablationCurveFigure(ablationRows(), { reference: 91.25, unit: '%' }) as { layout: { shapes?: Array<{ y0: number }>; annotations?: Array<{ text: string }> } };
    assert.equal(fig.layout.shapes?.[0].y0, 91.25);
    assert.deepEqual(fig.layout.annotations?.map((a) => a.text), [
      'no ablation: 91.25%',
      'shaded band: mean ± 1 standard deviation over the seeded random draws; dashed lines: random filters',
    ]);
    const noBand = ablationCurveFigure(ablationRows().filter((r) => r.std === undefined || r.std === null)) as { layout: { annotations?: unknown[] } };
    assert.equal(noBand.layout.annotations, undefined);
    assert.throws(() => ablationCurveFigure(ablationRows(), { reference: NaN }), /reference must be a finite number/);
  });
});
