#!/usr/bin/env node
// @ts-check
/**
 * `npm run publish-notebooks [-- [--fast] [--out DIR] [--notebooks DIR] [NAME ...]]`
 *
 * Executes every notebook in notebooks/ (sorted by name; when NAMEs are given, only the notebook
 * named exactly NAME, or else those whose file name contains NAME) headless with the `filtermine`
 * kernel, and writes for each `out/<name>.ipynb` (executed) and `out/<name>.html` (rendered), plus `out/index.html` linking them
 * and `out/summary.json` (per-notebook status and timings). A full publish (no NAME, the default
 * notebooks folder) or --api also writes the API reference to `out/api/` (scripts/api-docs.js).
 * The chart and tuner libraries the pages use are written once to `out/lib/` and loaded by script
 * tags (see page-libraries.js).
 *
 * Any cell error fails the run (exit status 1) and prints the failing cell's source and its error
 * text. --fast (or FILTERMINE_FAST=1) sets FILTERMINE_FAST=1 in the kernel: notebooks use smaller
 * data, same code paths. The kernel must be set up first: the npm script runs `npm run setup` (without
 * the smoke notebook) before this file; `npm start` runs the full setup.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { paths, ROOT, KERNEL_NAME } = require('../kernel-setup/project');
const { FAST_ENV_VAR, listNotebooks, runNotebook, formatFailure } = require('./notebooks');
const { sharePublishedLibraries } = require('./page-libraries');
const { writeApiDocs } = require('./api-docs');

const USAGE = 'usage: node scripts/publish-notebooks.js [--fast] [--out DIR] [--notebooks DIR] [--cell-timeout SECONDS] [--api] [NAME ...]';

/** @param {unknown} value */
function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * @typedef {{ name: string, ok: boolean, seconds: number, cells: number, fast: boolean, finished: string, error: string | null }} Entry
 */

/**
 * The index page: one row per published notebook, with links to its HTML and executed notebook.
 * @param {Entry[]} entries
 * @returns {string}
 */
function indexHtml(entries) {
  const rows = entries.map((e) => {
    const href = encodeURIComponent(e.name);
    const status = e.ok ? 'ok' : 'FAILED';
    return `<tr class="${e.ok ? 'ok' : 'failed'}"><td><a href="${escapeHtml(href)}.html">${escapeHtml(e.name)}</a></td>` +
      `<td><a href="${escapeHtml(href)}.ipynb">.ipynb</a></td><td>${status}</td>` +
      `<td class="num">${e.seconds.toFixed(1)} s</td><td class="num">${e.cells}</td>` +
      `<td>${e.fast ? 'fast' : 'full'}</td><td>${escapeHtml(e.finished)}</td>` +
      `<td>${e.error ? `<pre>${escapeHtml(e.error)}</pre>` : ''}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>filtermine notebooks</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 70em; }
table { border-collapse: collapse; } td, th { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
td.num { text-align: right; } tr.failed td { background: #fee; } pre { margin: 0; white-space: pre-wrap; }
</style></head>
<body>
<h1>filtermine notebooks</h1>
<p>Executed headless with the <code>${escapeHtml(KERNEL_NAME)}</code> kernel. Each notebook links to its rendered page and to the executed <code>.ipynb</code>. The <a href="api/index.html">API reference</a> documents every function the notebooks call.</p>
<table>
<thead><tr><th>notebook</th><th>executed</th><th>status</th><th>time</th><th>code cells</th><th>mode</th><th>finished</th><th>error</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
</body></html>
`;
}

async function main() {
  const { values, positionals } = parseArgs({
    options: {
      fast: { type: 'boolean', default: false },
      out: { type: 'string', default: paths.out },
      notebooks: { type: 'string', default: paths.notebooks },
      'cell-timeout': { type: 'string' },
      api: { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) { process.stdout.write(USAGE + '\n'); return 0; }
  const fast = values.fast || process.env[FAST_ENV_VAR] === '1';
  const outDir = path.resolve(values.out ?? paths.out);
  const nbDir = path.resolve(values.notebooks ?? paths.notebooks);
  const cellTimeout = values['cell-timeout'] !== undefined ? Number(values['cell-timeout']) : undefined;
  if (cellTimeout !== undefined && !(cellTimeout > 0)) throw new Error(`--cell-timeout must be a positive number of seconds, got '${values['cell-timeout']}'`);

  const notebooks = listNotebooks(nbDir, positionals);
  if (notebooks.length === 0) {
    throw new Error(`no notebooks in ${nbDir}${positionals.length ? ` whose name contains ${positionals.map((p) => `'${p}'`).join(' or ')}` : ''}`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  process.stdout.write(`publish: executing ${notebooks.length} notebook(s) from ${path.relative(ROOT, nbDir) || '.'} in ${fast ? 'fast' : 'full'} mode, writing ${outDir}\n`);

  // Keep entries of notebooks not run this time (a filtered run), drop those whose notebook is gone.
  const summaryFile = path.join(outDir, 'summary.json');
  /** @type {Map<string, Entry>} */
  const entries = new Map();
  try {
    for (const e of JSON.parse(fs.readFileSync(summaryFile, 'utf8')).notebooks ?? []) {
      if (fs.existsSync(path.join(nbDir, `${e.name}.ipynb`))) entries.set(e.name, e);
    }
  } catch { /* no earlier summary */ }

  const failures = [];
  const started = Date.now();
  for (const [i, nb] of notebooks.entries()) {
    const name = path.basename(nb, '.ipynb');
    process.stdout.write(`[${i + 1}/${notebooks.length}] ${name}: executing\n`);
    const report = await runNotebook(nb, {
      outIpynb: path.join(outDir, `${name}.ipynb`),
      outHtml: path.join(outDir, `${name}.html`),
      fast,
      cellTimeout,
      indent: '  ',
    });
    // Libraries once per folder (out/lib/), loaded by script tags: light pages and notebooks.
    const light = sharePublishedLibraries(outDir, name);
    process.stdout.write(`  ${name}.html ${(light.htmlBytes / 1e6).toFixed(2)} MB, ${name}.ipynb ${(light.ipynbBytes / 1e6).toFixed(2)} MB` +
      `${light.libraries.length ? ` (libraries in ${light.libraries.join(', ')})` : ''}\n`);
    const ran = report.cells.filter((c) => c.status !== 'not run');
    const slowest = [...ran].sort((a, b) => b.seconds - a.seconds)[0];
    if (report.ok) {
      const slow = slowest ? `; slowest: code cell ${report.cells.indexOf(slowest) + 1} ${slowest.seconds.toFixed(1)} s` : '';
      process.stdout.write(`  ok in ${report.seconds.toFixed(1)} s (${report.cells.length} code cells${slow})\n`);
    } else {
      failures.push(name);
      process.stdout.write(`  FAILED after ${report.seconds.toFixed(1)} s\n`);
      process.stdout.write(formatFailure(report).split('\n').map((l) => `  ${l}`).join('\n') + '\n');
    }
    entries.set(name, {
      name, ok: report.ok, seconds: report.seconds, cells: report.cells.length, fast,
      finished: new Date().toISOString(), error: report.error ? report.error.text.split('\n').slice(0, 20).join('\n') : null,
    });
    const sorted = [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
    fs.writeFileSync(summaryFile, JSON.stringify({ kernel: KERNEL_NAME, notebooks: sorted }, null, 1) + '\n');
    fs.writeFileSync(path.join(outDir, 'index.html'), indexHtml(sorted));
  }

  // The API reference beside the notebooks: on a full publish, or with --api.
  if (values.api ?? (positionals.length === 0 && nbDir === path.resolve(paths.notebooks))) {
    const docs = writeApiDocs(path.join(outDir, 'api'));
    process.stdout.write(docs.ok ? `publish: API reference written to ${path.join(outDir, 'api', 'index.html')}\n` : `publish: the API reference failed:\n${docs.output}\n`);
    if (!docs.ok) failures.push('API reference');
  }

  const total = ((Date.now() - started) / 1000).toFixed(1);
  if (failures.length) {
    process.stdout.write(`publish: FAILED: ${failures.join(', ')} (${notebooks.length - failures.length} of ${notebooks.length} ok, ${total} s); details above\n`);
    return 1;
  }
  process.stdout.write(`publish: all ${notebooks.length} notebook(s) ok in ${total} s; open ${path.join(outDir, 'index.html')}\n`);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`publish: ${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 1; },
  );
}

module.exports = { escapeHtml, indexHtml };
