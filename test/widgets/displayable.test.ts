import * as assert from 'node:assert/strict';
import { show, widgetLibraryVersions, widgetsSetup, widgetPage, libraryScripts, tableView } from '../../src/widgets';

describe('widgets/displayable and bundles', () => {
  it('show() sends the html to the given sink', () => {
    const got: string[] = [];
    show({ html: '<b>x</b>' }, { sink: { html: (s) => void got.push(s) } });
    assert.deepEqual(got, ['<b>x</b>']);
    assert.throws(() => show({} as { html: string }), /expected a Displayable/);
  });

  it('show() outside a tslab kernel prints a note instead of failing', function () {
    this.timeout(20000); // loads tslab's TypeScript once
    const orig = process.stdout.write.bind(process.stdout);
    const out: string[] = [];
    (process.stdout as unknown as { write: (s: string) => boolean }).write = (s: string) => (out.push(String(s)), true);
    try {
      show({ html: '<i>hello</i>' });
    } finally {
      (process.stdout as unknown as { write: typeof orig }).write = orig;
    }
    assert.match(out.join(''), /filtermine widget: 12 bytes of HTML/);
  });

  it('widgetsSetup inlines plotly (basic bundle), vega, vega-lite, vega-embed and the tuner once, guarded, with no closing-script hazard', () => {
    const versions = widgetLibraryVersions();
    assert.deepEqual(Object.keys(versions), ['plotly.js-basic-dist-min', 'vega', 'vega-lite', 'vega-embed', 'filtermine-tuner']);
    assert.equal(versions['plotly.js-basic-dist-min'], '4.1.1');
    const html = widgetsSetup().html;
    assert.equal((html.match(/<script/g) ?? []).length, 5);
    for (const g of ['Plotly', 'vega', 'vegaLite', 'vegaEmbed', 'filtermineTuner']) assert.ok(html.includes(`if (typeof window.${g} === 'undefined')`), g);
    // Each bundle must not contain '</script' (it would end the inline script early).
    for (const lib of ['plotly', 'vega', 'tuner'] as const) {
      const inner = libraryScripts(lib).replace(/<script data-fm-library="[^"]*">/g, '').replace(/<\/script>/g, '');
      assert.ok(!/<\/script/i.test(inner), lib);
      assert.ok(!/sourceMappingURL/.test(inner), 'source maps stripped');
    }
    const vegaOnly = widgetsSetup({ libraries: ['vega'] }).html;
    assert.ok(vegaOnly.length < 2_000_000 && !vegaOnly.includes('window.Plotly ==='));
    assert.throws(() => widgetsSetup({ libraries: ['d3' as 'vega'] }), /unknown library 'd3'/);
  });

  it('widgetPage includes only the libraries its widgets need', () => {
    const page = widgetPage([tableView([{ a: 1 }])], { title: '<t>' });
    assert.ok(page.startsWith('<!DOCTYPE html>'));
    assert.ok(!page.includes('data-fm-library'));
    assert.ok(page.includes('<title>&lt;t&gt;</title>'));
  });
});
