/**
 * The published page limits and the one check of a published page against them, shared by the
 * page-size tests (pages built from fixtures) and the notebook tests (pages the publisher wrote).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const MB = 1e6;
/** A published page without tuner data. */
export const PAGE_LIMIT = 1.5 * MB;
/** The tuner data of one page, on top of {@link PAGE_LIMIT}. */
export const TUNER_DATA_LIMIT = 3 * MB;

/** Bytes of the tuner data blocks in a page. */
export function tunerBytes(html: string): number {
  let n = 0;
  for (const m of html.matchAll(/<script type="application\/json" class="fm-tuner-data">[\s\S]*?<\/script>/g)) n += m[0].length;
  return n;
}

/**
 * Checks one published page (`NAME.html`, and `NAME.ipynb` beside it when present) against the
 * limits, and that it carries no library inline (they live once in the folder's lib/).
 * @returns a one-line size report
 */
export function checkPublishedPage(outDir: string, htmlFile: string): string {
  const html = fs.readFileSync(path.join(outDir, htmlFile), 'utf8');
  const data = tunerBytes(html);
  const ipynb = path.join(outDir, htmlFile.replace(/\.html$/, '.ipynb'));
  const nbBytes = fs.existsSync(ipynb) ? fs.statSync(ipynb).size : 0;
  assert.ok(html.length - data <= PAGE_LIMIT, `${htmlFile}: ${html.length - data} bytes without tuner data`);
  assert.ok(data <= TUNER_DATA_LIMIT, `${htmlFile}: tuner data ${data} bytes`);
  assert.ok(!/<script data-fm-library="[^"]+">/.test(html), `${htmlFile} carries a library inline`);
  if (nbBytes) assert.ok(nbBytes <= PAGE_LIMIT + data, `${htmlFile.replace(/\.html$/, '.ipynb')}: ${nbBytes} bytes`);
  return `${htmlFile}: ${((html.length - data) / MB).toFixed(2)} MB + tuner data ${(data / MB).toFixed(2)} MB; .ipynb ${(nbBytes / MB).toFixed(2)} MB`;
}
