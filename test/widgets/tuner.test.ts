import * as assert from 'node:assert/strict';
import { checkTopK, minerSupport } from '../../src/mining/support';
import {
  checkTunerParams, classFilterMatrix, emptyResult, encodeTunerData, filtersPerClassChart, rulesScatter, tunerParamsLine, tunerWidget, type TunerParams,
} from '../../src/widgets';
import { decodeTuner, mineTuner } from '../../src/widgets/tuner/page/main';
import { classFilterMatrixSvg, filtersPerClassSvg, rulesScatterSvg } from '../../src/widgets/tuner/page/svg';
import { matchSnapshot } from './snapshot';
import { nodeCounts, tunerClassNames, tunerFixture } from './tuner-fixture';

const base: TunerParams = { k: 8, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3 };

describe('widgets/tuner', () => {
  it('the page-side miner (decoded data, same mining code) gives the Node library\'s counts for every parameter set tried', async () => {
    const input = tunerFixture();
    const decoded = await decodeTuner(encodeTunerData(input));
    const grid: TunerParams[] = [
      base,
      { ...base, k: 1 },
      { ...base, k: 12, minConfidence: 0.7 },
      { ...base, minSupport: { fraction: 0.1 } },
      { ...base, minSupport: { count: 40 }, topN: 3 },
      { ...base, maxLength: null, k: 5 },
      { ...base, minConfidence: 1 },
    ];
    let nonEmpty = 0;
    for (const p of grid) {
      const page = mineTuner(decoded, p).result.counts;
      assert.deepEqual(page, nodeCounts(input, p), tunerParamsLine(p));
      if (page.rules > 0) nonEmpty++;
    }
    assert.ok(nonEmpty >= 5, `most settings give rules (${nonEmpty})`);
    // The parameters change the result.
    const counts = grid.map((p) => mineTuner(decoded, p).result.counts.rules);
    assert.ok(new Set(counts).size >= 3, `rule counts vary: ${counts.join(', ')}`);
  });

  it('decodes what it encodes: items, labels, windows and quantised images', async () => {
    const input = tunerFixture();
    const data = encodeTunerData(input, { greyLevels: 256 });
    const d = await decodeTuner(data);
    assert.deepEqual(Array.from(d.items), Array.from(input.items));
    assert.deepEqual(Array.from(d.labels), Array.from(input.labels));
    assert.deepEqual(Array.from(d.windows!.x), Array.from(input.windows!.x));
    assert.equal(d.pixels!.length, 400 * 28 * 28);
    assert.deepEqual(Array.from(d.pixels!.subarray(0, 784)), Array.from(input.images!.pixels.subarray(0, 784)));
    const coarse = await decodeTuner(encodeTunerData(input, { greyLevels: 4 }));
    assert.ok(new Set(coarse.pixels).size <= 4);
  });

  it('refuses impossible parameters before any work, naming the value', () => {
    const input = tunerFixture();
    const refuse = (p: Partial<TunerParams>, re: RegExp): void => assert.throws(() => encodeTunerData({ ...input, params: { ...base, ...p } }), re);
    refuse({ k: 13 }, /k = 13 is above the largest k shipped \(12\)/);
    refuse({ k: 0 }, /k must be a whole number >= 1, got 0/);
    refuse({ minSupport: { count: 2.5 } }, /support count must be a whole number .* got 2.5/);
    refuse({ minSupport: { count: 0 } }, /support count .* got 0/);
    refuse({ minSupport: { fraction: 1.5 } }, /support fraction must be in \(0, 1\).* got 1.5/);
    refuse({ minConfidence: 1.2 }, /confidence must be in \[0, 1\], got 1.2/);
    refuse({ topN: 0 }, /top-N must be a whole number >= 1, got 0/);
    refuse({ maxLength: 1 }, /maximum length must be a whole number >= 2.* got 1/);
    assert.throws(() => checkTopK(200, 128, 'the 128 filters of block3_conv2'), /k = 200 is above the 128 filters of block3_conv2; choose k <= 128/);
    assert.throws(() => minerSupport(2.5), /integer >= 1 .* got 2.5/);
    assert.equal(minerSupport({ count: 2 }), 2);
    assert.equal(minerSupport({ fraction: 0.05 }), 0.05);
    assert.throws(() => encodeTunerData({ ...input, items: Int32Array.from(input.items, (v, i) => (i === 5 ? 48 : v)) }), /items\[5\] = 48 is not a whole number in \[0, 48\)/);
    assert.throws(() => encodeTunerData({ ...input, windows: { ...input.windows!, x: Int32Array.from(input.windows!.x, (v, i) => (i === 0 ? 27 : v)) } }), /window 0 .* is not inside a 28x28 image/);
    assert.throws(() => checkTunerParams({ ...base, k: 9 }, 8, 'the largest k shipped (8)'), /k = 9/);
  });

  it('renders empty results as a clear message, never an exception', async () => {
    const none = await rulesScatter([], { title: 'kept rules' });
    assert.match(none.html, /kept rules<\/b>: no rule passes these thresholds/);
    assert.match((await filtersPerClassChart([])).html, /no class has a kept rule/);
    assert.match((await classFilterMatrix([])).html, /no class has a kept rule/);
    assert.match(emptyResult('a <b>', 'x').html, /a &lt;b&gt;/);
    assert.match(rulesScatterSvg([], tunerClassNames, -1), /No rule passes these thresholds/);
    assert.match(filtersPerClassSvg([{ cls: 0, specific: 0, shared: 0 }], tunerClassNames), /No class has a kept rule/);
    assert.match(classFilterMatrixSvg([], [0, 1], tunerClassNames), /No filter is in a kept rule/);
  });

  it('the widget holds its data, a static summary and the mount script; the paste line is valid TypeScript', () => {
    const w = tunerWidget(tunerFixture(), { library: 'shared' });
    assert.match(w.html, /data-fm-kind="tuner"/);
    assert.match(w.html, /<script type="application\/json" class="fm-tuner-data">\{"format":"filtermine-tuner-1"/);
    assert.ok(!w.html.includes('<img src=x'), 'class names escaped in the JSON');
    assert.equal(tunerParamsLine(base), 'k: 8, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3,');
    assert.equal(tunerParamsLine({ ...base, minSupport: { fraction: 0.05 }, maxLength: null }), 'k: 8, minSupport: { fraction: 0.05 }, minConfidence: 0.5, topN: 10, maxLength: Infinity,');
    assert.ok(tunerWidget(tunerFixture()).html.includes('data-fm-library="filtermine-tuner"'), 'inline library by default');
  });

  it('snapshots of the tuner\'s charts for the fixture', async () => {
    const decoded = await decodeTuner(encodeTunerData(tunerFixture()));
    const r = mineTuner(decoded, base).result;
    assert.ok(r.rules.length > 0);
    const perClass = tunerClassNames.map((_, cls) => ({
      cls, specific: r.filters.filter((f) => f.kind === 'specific' && f.classes.includes(cls)).length, shared: r.filters.filter((f) => f.kind === 'shared' && f.classes.includes(cls)).length,
    }));
    matchSnapshot('tuner-charts', {
      rules: rulesScatterSvg(r.rules, tunerClassNames, 0),
      filters: filtersPerClassSvg(perClass, tunerClassNames),
      matrix: classFilterMatrixSvg(r.filters, tunerClassNames.map((_, i) => i), tunerClassNames),
      empty: (await rulesScatter([], { title: 'kept rules' })).html,
    });
  });
});
