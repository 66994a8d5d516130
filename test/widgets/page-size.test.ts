/**
 * Published page sizes against their limits: a page without tuner data at most 1.5 MB, the tuner's
 * data for the default extraction (the 10,000 Fashion-MNIST test images, about 19,000 patches,
 * top-25 of 128 filters) at most 3 MB more. Measured on pages built here in the published layout
 * (libraries once in lib/); the notebook tests check the pages the publisher writes.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadFashionMnist } from '../../src/data/fashion-mnist';
import { rng } from '../../src/util/rng';
import { ablationCurveChart, classFilterMatrix, filtersPerClassChart, rulesScatter, tableView, tunerWidget, widgetPage, widgetsSetup } from '../../src/widgets';
import { ablationRows, classFilterRows, ruleRows } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shareLibrariesInHtml } = require('../../../scripts/page-libraries.js') as { shareLibrariesInHtml: (html: string, outDir: string) => { html: string; libraries: string[] } };

import { MB, PAGE_LIMIT, TUNER_DATA_LIMIT, tunerBytes } from './page-limits';

describe('published page sizes', function () {
  this.timeout(120000);

  it('a notebook page in the published layout stays under 1.5 MB; its libraries live once in lib/', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-size-'));
    try {
      const parts = [widgetsSetup(), await ablationCurveChart(ablationRows()), await rulesScatter(ruleRows()), await filtersPerClassChart(classFilterRows()),
        await classFilterMatrix(classFilterRows()), tableView(ruleRows())];
      const inline = widgetPage(parts);
      const page = shareLibrariesInHtml(inline, dir).html;
      const libs = fs.readdirSync(path.join(dir, 'lib')).map((f) => fs.statSync(path.join(dir, 'lib', f)).size).reduce((a, b) => a + b, 0);
      console.log(`      page: ${(inline.length / MB).toFixed(2)} MB with its libraries inline -> ${(page.length / MB).toFixed(3)} MB + ${(libs / MB).toFixed(2)} MB shared in lib/`);
      assert.ok(page.length <= PAGE_LIMIT, `${page.length} bytes`);
      assert.ok(inline.length > page.length + 1.5 * MB, 'the libraries moved out of the page');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the tuner data for the default extraction (10,000 images, 19,118 patches, top-25 of 128 filters) is at most 3 MB', () => {
    let set;
    try {
      set = loadFashionMnist('test');
    } catch (e) {
      // Not a silent pass: without the data set this measurement cannot be made.
      throw new Error(`the size of the default tuner data needs the Fashion-MNIST test set (apt-get install dataset-fashion-mnist): ${(e as Error).message}`);
    }
    // Seeded random transactions: harder to compress than real top-k lists, so a conservative size.
    const n = 19118, maxK = 25, F = 128;
    const r = rng(5);
    const items = new Int32Array(n * maxK);
    const image = new Int32Array(n), x = new Int32Array(n), y = new Int32Array(n), size = new Int32Array(n), labels = new Int32Array(n);
    const pool = Array.from({ length: F }, (_, i) => i);
    for (let p = 0; p < n; p++) {
      for (let j = 0; j < maxK; j++) { const q = j + r.int(F - j); [pool[j], pool[q]] = [pool[q], pool[j]]; items[p * maxK + j] = pool[j]; }
      image[p] = Math.min(set.n - 1, Math.floor(p / 1.9118));
      labels[p] = set.labels[image[p]];
      size[p] = 8 + r.int(8); x[p] = r.int(28 - size[p] + 1); y[p] = r.int(28 - size[p] + 1);
    }
    const w = tunerWidget({
      classNames: set.classNames, nFilters: F, maxK, items, labels, windows: { image, x, y, size },
      images: { pixels: set.images, width: 28, height: 28, channels: 1 }, params: { k: 10, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3 },
    }, { library: 'shared' });
    const bytes = tunerBytes(w.html);
    console.log(`      tuner data: ${(bytes / MB).toFixed(2)} MB (widget ${(w.html.length / MB).toFixed(2)} MB)`);
    assert.ok(bytes > 1 * MB, 'all images and transactions are in');
    assert.ok(w.html.length <= TUNER_DATA_LIMIT, `${w.html.length} bytes`);
  });

});
