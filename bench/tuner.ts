/**
 * The in-page tuner: re-mining in headless Chromium for the default model (vgg-small, the 10,000
 * Fashion-MNIST test images) at k = 10 and k = 25, median of several runs, with the page opened
 * from disk in the published layout and the network blocked. Two cases per k: moving k itself
 * (the page builds the transactions and index of the new k, then mines) and moving a threshold at
 * that k (index kept). Mining times are the page's own (performance.now around the miner); the
 * update time adds redrawing the charts and tables. The same code in Node for comparison.
 * Target: at most 200 ms at k = 10.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { selectBackend } from '../src/backend';
import { loadNotebookData, loadNotebookModel, runExtraction, runTuner } from '../src/notebook';
import { widgetPage } from '../src/widgets';
import { decodeTuner, mineTuner } from '../src/widgets/tuner/page/main';
import type { TunerData, TunerParams } from '../src/widgets';
import { launchOffline } from '../test/browser/check-page';
import { readTuner, setTunerControl, waitForTuner } from '../test/browser/tuner-driver';
import { median } from './_timing';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { shareLibrariesInHtml } = require('../../scripts/page-libraries.js') as { shareLibrariesInHtml: (html: string, outDir: string) => { html: string } };

const REPS = 7;
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;

export async function run(): Promise<void> {
  await selectBackend('auto');
  const model = await loadNotebookModel('vgg-small');
  const data = loadNotebookData({ limit: 10000 });
  const extraction = await runExtraction(model, { limit: 10000, seed: 0, ks: [5, 10, 25] });
  model.dispose();
  const params = { k: 10, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3, ks: [5, 10, 25] };
  const widget = runTuner(extraction, data, params);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-bench-tuner-'));
  const file = path.join(dir, 'tuner.html');
  fs.writeFileSync(file, shareLibrariesInHtml(widgetPage([widget], { title: 'tuner benchmark' }), dir).html);
  process.stdout.write(`vgg-small at ${extraction.layer}: ${extraction.summary.patches} patches; page ${(fs.statSync(file).size / 1e6).toFixed(2)} MB; ` +
    `thresholds min support 2, min confidence 0.5, top 10, at most 3 filters; median of ${REPS}\n`);

  const b = await launchOffline({ width: 1200, height: 1000 });
  try {
    const t0 = Date.now();
    await b.page.goto(pathToFileURL(file).href);
    await waitForTuner(b.page, 0, 300000);
    process.stdout.write(`  page load to first result: ${fmt(Date.now() - t0)}\n`);
    for (const k of [10, 25]) {
      const kMine: number[] = [], kWall: number[] = [], tMine: number[] = [], tWall: number[] = [];
      for (let rep = 0; rep < REPS + 1; rep++) {
        await setTunerControl(b.page, 'k', k === 10 ? 11 : 24);
        let w = Date.now();
        await setTunerControl(b.page, 'k', k);
        const afterK = await readTuner(b.page);
        const kw = Date.now() - w;
        w = Date.now();
        await setTunerControl(b.page, 'confidence', rep % 2 ? 0.5 : 0.51);
        const afterT = await readTuner(b.page);
        const tw = Date.now() - w;
        if (rep === 0) continue; // warm-up
        kMine.push(afterK.ms); kWall.push(kw); tMine.push(afterT.ms); tWall.push(tw);
      }
      const last = await readTuner(b.page);
      process.stdout.write(`  k=${k}: move k -> mining ${fmt(median(kMine))} (update incl. drawing ${fmt(median(kWall))}); move a threshold -> mining ${fmt(median(tMine))} (update ${fmt(median(tWall))}); ${last.counts.rules} rules\n`);
      if (k === 10) process.stdout.write(`         target <= 200 ms at k = 10 (moving k, mining): ${median(kMine) <= 200 ? 'met' : 'NOT met'}\n`);
    }
  } finally {
    await b.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // The same code in Node (decoded from the same data).
  const json = widget.html.match(/<script type="application\/json" class="fm-tuner-data">([\s\S]*?)<\/script>/);
  if (!json) throw new Error('bench/tuner: no tuner data in the widget');
  const decoded = await decodeTuner(JSON.parse(json[1]) as TunerData);
  for (const k of [10, 25]) {
    const p: TunerParams = { k, minSupport: { count: 2 }, minConfidence: 0.5, topN: 10, maxLength: 3 };
    const times: number[] = [];
    for (let rep = 0; rep < REPS + 1; rep++) {
      const r = mineTuner(decoded, p);
      if (rep > 0) times.push(r.totalMs);
    }
    process.stdout.write(`  Node, same code, k=${k} with index: ${fmt(median(times))}\n`);
  }
}
