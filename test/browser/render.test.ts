import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ablationCurveChart, averagePatch, classFilterMatrix, filtersPerClassChart, heatmapOverlays, patchMosaic, rulesScatter,
  tableView, widgetPage, type ImageStack, type PatchBox,
} from '../../src/widgets';
import { rng } from '../../src/util/rng';
import { ablationRows, classFilterRows, evilClass, ruleRows } from '../widgets/fixtures';
import { checkRenderedPage, chromiumAvailable, chromiumPath } from './check-page';
import { skipOrFailInCI } from '../helpers';

const outDir = path.resolve(__dirname, '../../../test-output');

/** Eight 28x28 grey images with a bright blob at a seeded place, and one patch per image. */
function syntheticPatches(): { images: ImageStack; boxes: PatchBox[]; heat: Float32Array } {
  const r = rng(3);
  const n = 8, s = 28;
  const pixels = new Float32Array(n * s * s), heat = new Float32Array(n * 7 * 7);
  const boxes: PatchBox[] = [];
  for (let k = 0; k < n; k++) {
    const cx = 6 + r.int(16), cy = 6 + r.int(16);
    for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) pixels[(k * s + y) * s + x] = Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 30) * 0.9 + 0.1 * r.next();
    for (let y = 0; y < 7; y++) for (let x = 0; x < 7; x++) heat[(k * 7 + y) * 7 + x] = Math.exp(-((4 * x + 2 - cx) ** 2 + (4 * y + 2 - cy) ** 2) / 60);
    boxes.push({ image: k, x: Math.min(s - 10, Math.max(0, cx - 5)), y: Math.min(s - 10, Math.max(0, cy - 5)), size: 10, score: r.next() });
  }
  return { images: { pixels, width: s, height: s, channels: 1 }, boxes, heat };
}

describe('browser/render (headless Chromium, no network)', function () {
  this.timeout(300000);

  before(function () {
    if (!chromiumAvailable()) skipOrFailInCI(this, `no Chromium at ${chromiumPath} (apt-get install chromium)`);
  });

  it('renders plotly and vega-lite charts, non-blank mosaics, hostile names as text, no console errors', async function () {
    const { images, boxes, heat } = syntheticPatches();
    const curveRows = ablationRows().map((r) => (r.method === 'ours' && r.k === 10 ? { ...r, class: evilClass } : r));
    const parts = [
      await ablationCurveChart(curveRows, { title: 'accuracy after ablation' }),
      await rulesScatter(ruleRows(), { title: 'rules' }),
      await filtersPerClassChart(classFilterRows(), { title: 'filters per class' }),
      await classFilterMatrix(classFilterRows(), { title: 'class x filter' }),
      patchMosaic(images, boxes, { labels: boxes.map((_, i) => (i === 0 ? evilClass : `image ${i}`)), title: evilClass }),
      averagePatch(images, boxes),
      heatmapOverlays(images, { data: heat, width: 7, height: 7 }, { labels: Array.from({ length: 8 }, () => evilClass) }),
      tableView(ruleRows(), { caption: 'rules' }),
    ];
    fs.mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, 'widgets-page.html');
    fs.writeFileSync(file, widgetPage(parts, { title: `widgets ${evilClass}` }));
    const res = await checkRenderedPage(file, { expectText: [evilClass, 'ours (k=10) · <img src=x onerror=alert(1)>'] });
    const report = JSON.stringify({ ...res, charts: res.charts, images: res.images }, null, 1);
    assert.equal(res.charts.filter((c) => c.kind === 'plotly').length, 1, report);
    assert.equal(res.charts.filter((c) => c.kind === 'vega-lite').length, 3, report);
    assert.equal(res.plotlyOk, true, report);
    assert.equal(res.vegaOk, true, report);
    assert.equal(res.images.length, 3, report);
    assert.equal(res.mosaicsNonBlank, true, report);
    assert.deepEqual(res.consoleErrors, [], report);
    assert.deepEqual(res.blockedRequests, [], report);
    assert.deepEqual(res.dialogs, [], 'no injected alert');
    assert.equal(res.injectedElements, 0, report);
    assert.deepEqual(res.missingText, [], report);
    assert.ok(fs.statSync(res.screenshot).size > 10000, 'screenshot saved');
  });

  it('reports a chart whose library is missing and a blank image as failures', async function () {
    const blank: ImageStack = { pixels: new Uint8Array(16 * 16).fill(128), width: 16, height: 16, channels: 1 };
    const curve = await ablationCurveChart(ablationRows(), { staticFallback: false });
    const page = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${curve.html}` +
      `${patchMosaic(blank, [{ image: 0, x: 0, y: 0, size: 16 }], { numberTiles: false, gap: 0 }).html}` +
      `<img src="https://example.com/x.png"></body></html>`;
    const file = path.join(outDir, 'widgets-negative.html');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(file, page);
    const res = await checkRenderedPage(file, { timeoutMs: 10000 });
    assert.equal(res.charts.length, 1);
    assert.equal(res.charts[0].state, 'no-library');
    assert.equal(res.plotlyOk, false);
    assert.equal(res.mosaicsNonBlank, false);
    assert.equal(res.vegaOk, null, 'no vega-lite chart on the page: null, not a vacuous true');
    assert.deepEqual(res.blockedRequests, ['https://example.com/x.png']);
  });
});
