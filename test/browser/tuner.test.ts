import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rulesScatter, tunerWidget, widgetPage, type TunerParams } from '../../src/widgets';
import { nodeCounts, tunerFixture } from '../widgets/tuner-fixture';
import { ruleRows } from '../widgets/fixtures';
import { chromiumAvailable, chromiumPath, launchOffline } from './check-page';
import { readTuner, setTunerControl, waitForTuner, type TunerState } from './tuner-driver';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shareLibrariesInHtml } = require('../../../scripts/page-libraries.js') as { shareLibrariesInHtml: (html: string, outDir: string) => { html: string; libraries: string[] } };


const root = path.resolve(__dirname, '../../..');

/** The counts the tuner shows must be the Node library's for the same parameters. */
function assertCounts(state: TunerState, expected: ReturnType<typeof nodeCounts>, what: string): void {
  const { rules, filters, specificFilters, sharedFilters, filterSets, groups } = expected;
  assert.deepEqual(state.counts, { rules, filters, specificFilters, sharedFilters, filterSets, groups }, what);
  assert.equal(state.marks.rules ?? 0, rules, `${what}: one point per rule`);
}

describe('browser/tuner (headless Chromium, file://, no network)', function () {
  this.timeout(300000);

  before(function () {
    if (!chromiumAvailable()) {
      if (process.env.CI === 'true') throw new Error(`the tuner's browser test needs ${chromiumPath} (apt-get install chromium); under CI=true it may not be skipped`);
      console.log(`      skipping the tuner's browser test: ${chromiumPath} is not installed`);
      this.skip();
    }
  });

  it('a published page (libraries in lib/, loaded by script tags) re-mines on every control and agrees with Node', async () => {
    const dir = path.join(root, 'test-output', 'tuner-published');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const input = tunerFixture();
    const html = widgetPage([await rulesScatter(ruleRows(), { title: 'a vega chart beside the tuner' }), tunerWidget(input)], { title: 'tuner test' });
    const shared = shareLibrariesInHtml(html, dir);
    assert.ok(shared.libraries.some((l) => l.startsWith('lib/filtermine-tuner-')), shared.libraries.join(', '));
    assert.ok(!/<script data-fm-library="[^"]+">/.test(shared.html), 'the page itself carries no library code');
    const file = path.join(dir, 'page.html');
    fs.writeFileSync(file, shared.html);

    const b = await launchOffline({ width: 1200, height: 1000 });
    try {
      await b.page.goto(pathToFileURL(file).href);
      await waitForTuner(b.page);
      let p: TunerParams = { ...input.params };
      let s = await readTuner(b.page);
      assertCounts(s, nodeCounts(input, p), 'initial');
      assert.ok(s.counts.rules > 0 && s.marks.filters > 0 && s.marks.matrix > 0, JSON.stringify(s));
      assert.equal(s.paste, 'k: 8, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3,');
      const seen = new Set<string>([JSON.stringify(s.counts)]);
      const steps: Array<[string, string | number, Partial<TunerParams>]> = [
        ['k', 3, { k: 3 }],
        ['k', 12, { k: 12 }],
        ['support-mode', 'fraction', { minSupport: { fraction: 2 } }], // value still 2: refused below
      ];
      for (const [name, value, change] of steps.slice(0, 2)) {
        const before = s.runs;
        await setTunerControl(b.page, name, value);
        p = { ...p, ...change };
        s = await readTuner(b.page);
        assert.equal(s.runs, before + 1, `${name} = ${value} re-mined once`);
        assertCounts(s, nodeCounts(input, p), `${name} = ${value}`);
        seen.add(JSON.stringify(s.counts));
      }
      // A fraction of 2 is impossible: refused with the value named, the last result stays.
      const kept = s;
      await setTunerControl(b.page, 'support-mode', 'fraction');
      s = await readTuner(b.page);
      assert.match(s.error, /support fraction must be in \(0, 1\).*got 2/);
      assert.deepEqual(s.counts, kept.counts);
      await setTunerControl(b.page, 'support', 0.15);
      p = { ...p, minSupport: { fraction: 0.15 } };
      s = await readTuner(b.page);
      assert.equal(s.error, '');
      assertCounts(s, nodeCounts(input, p), 'support 15% of the class');
      seen.add(JSON.stringify(s.counts));
      for (const [name, value, change] of [['confidence', 0.8, { minConfidence: 0.8 }], ['topN', 3, { topN: 3 }], ['maxLength', 'none', { maxLength: null }]] as Array<[string, string | number, Partial<TunerParams>]>) {
        await setTunerControl(b.page, name, value);
        p = { ...p, ...change };
        s = await readTuner(b.page);
        assertCounts(s, nodeCounts(input, p), `${name} = ${value}`);
        seen.add(JSON.stringify(s.counts));
      }
      assert.ok(seen.size >= 4, `the counts changed with the controls: ${[...seen].join(' | ')}`);
      assert.equal(s.paste, 'k: 12, minSupport: { fraction: 0.15 }, minConfidence: 0.8, topN: 3, maxLength: Infinity,');
      // A fractional count is refused, naming it.
      await setTunerControl(b.page, 'support-mode', 'count');
      s = await readTuner(b.page);
      assert.match(s.error, /support count must be a whole number.*got 0.15/);
      // An empty result renders messages, not an exception.
      await setTunerControl(b.page, 'support', 100000);
      s = await readTuner(b.page);
      assert.equal(s.error, '');
      assert.equal(s.counts.rules, 0);
      assert.ok(s.empty.some((t) => /No rule passes these thresholds/.test(t)), JSON.stringify(s.empty));
      // Back to rules; click a group row: its patches in context and their average.
      await setTunerControl(b.page, 'support', 2);
      s = await readTuner(b.page);
      assert.ok(s.counts.groups > 0);
      await b.page.click('.fm-tuner-tables tr[data-group]');
      const tiles = await b.page.evaluate(() => ({
        context: document.querySelectorAll('canvas.fm-patch-context').length,
        average: document.querySelectorAll('canvas.fm-patch-average').length,
        caption: document.querySelector('.fm-tuner-detail figcaption')?.textContent ?? '',
      }));
      assert.ok(tiles.context > 0 && tiles.average === 1, JSON.stringify(tiles));
      assert.match(tiles.caption, /^group \{[\d, ]+\}: \d+ patches/);
      await b.page.click('circle[data-rule]', { force: true });
      assert.match(await b.page.evaluate(() => document.querySelector('.fm-tuner-detail figcaption')?.textContent ?? ''), /^rule \{[\d, ]+\} -> /);
      await b.page.screenshot({ path: path.join(root, 'test-output', 'tuner-fixture.png'), fullPage: true });
      const chart = await b.page.evaluate(() => document.querySelector('[data-fm-kind="vega-lite"]')?.getAttribute('data-fm-state'));
      assert.equal(chart, 'done', 'the vega chart rendered from lib/ too');
      assert.deepEqual(b.consoleErrors, []);
      assert.deepEqual(b.blockedRequests, []);
      assert.deepEqual(b.dialogs, [], 'no injected alert from the hostile class name');
      assert.equal(await b.page.evaluate(() => document.querySelectorAll('img[src="x"], [onerror]').length), 0);
    } finally {
      await b.close();
    }
  });

});
