// @ts-check
/**
 * Executing notebooks headless with the project's `filtermine` kernel: the Node side of
 * scripts/run_notebook.py, shared by `npm run publish-notebooks`, kernel-setup's smoke check and the
 * notebook tests.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { paths, KERNEL_NAME } = require('../kernel-setup/project');
const { findJupyterPython } = require('../kernel-setup/jupyter');

/** Environment variable that puts notebooks in fast mode (smaller data, same code paths). */
const FAST_ENV_VAR = 'FILTERMINE_FAST';

/**
 * @typedef {object} CellReport
 * @property {number} cell_index  index among all cells
 * @property {string} status  the kernel's reply: ok, error, abort, or 'not run'
 * @property {number} seconds
 * @property {string} stdout  what the cell printed
 *
 * @typedef {object} NotebookReport
 * @property {string} notebook
 * @property {string} kernel
 * @property {boolean} ok
 * @property {number} seconds  wall time including kernel start-up
 * @property {CellReport[]} cells  code cells only
 * @property {null | { cell_index: number | null, cell_number: number | null, source: string, text: string, kind: string }} error
 * @property {string} [stderr]  the runner's own stderr (kernel start-up messages), kept for failures
 */

/**
 * The notebooks in a folder, sorted by name, optionally filtered: a filter equal to a notebook's
 * name (without .ipynb) selects that notebook only, any other filter selects the notebooks whose file
 * name contains it (case-sensitive).
 * @param {string} [dir]
 * @param {string[]} [filters]
 * @returns {string[]} absolute paths
 */
function listNotebooks(dir = paths.notebooks, filters = []) {
  if (!fs.existsSync(dir)) return [];
  const all = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort();
  const names = new Set(all.map((f) => f.slice(0, -'.ipynb'.length)));
  /** @param {string} f */
  const selected = (f) => filters.some((w) => (names.has(w) ? f === `${w}.ipynb` : f.includes(w)));
  return all.filter((f) => filters.length === 0 || selected(f)).map((f) => path.join(dir, f));
}

/**
 * Whether the project-local kernel spec exists (written by kernel-setup).
 * @returns {boolean}
 */
function kernelIsSetUp() {
  return fs.existsSync(path.join(paths.localJupyter, 'kernels', KERNEL_NAME, 'kernel.json'));
}

/**
 * Executes one notebook headless with the `filtermine` kernel.
 * @param {string} notebook  path of the .ipynb
 * @param {object} [options]
 * @param {string} [options.outIpynb]  where to write the executed notebook
 * @param {string} [options.outHtml]  where to write it rendered as HTML
 * @param {boolean} [options.fast]  set FILTERMINE_FAST=1 in the kernel's environment
 * @param {boolean} [options.quiet]  no per-cell progress lines
 * @param {number} [options.cellTimeout]  seconds per cell before the run fails (default 1800)
 * @param {string} [options.indent]  prefix for progress lines
 * @returns {Promise<NotebookReport>}
 * @throws {Error} when no Python with Jupyter is found or the kernel is not set up
 */
async function runNotebook(notebook, options = {}) {
  const jp = findJupyterPython();
  if (!jp) throw new Error('no Python with Jupyter (nbconvert, nbclient, ipykernel) found: run `npm run setup`, which installs it or says how');
  if (!kernelIsSetUp()) throw new Error(`the '${KERNEL_NAME}' kernel is not set up in this clone: run \`npm run setup\``);

  fs.mkdirSync(paths.cache, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-nb-'));
  const reportFile = path.join(tmp, 'report.json');
  const args = [paths.notebookRunner, path.resolve(notebook), '--kernel', KERNEL_NAME, '--report', reportFile];
  if (options.outIpynb) args.push('--out-ipynb', path.resolve(options.outIpynb));
  if (options.outHtml) args.push('--out-html', path.resolve(options.outHtml));
  if (options.cellTimeout !== undefined) args.push('--cell-timeout', String(Math.round(options.cellTimeout)));
  if (options.quiet) args.push('--quiet');

  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
  // This clone's kernel spec comes first, whichever clone last registered the user-level one.
  env.JUPYTER_PATH = [paths.localJupyter, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  if (options.fast) env[FAST_ENV_VAR] = '1';

  const indent = options.indent ?? '';
  const child = spawn(jp.python, args, { cwd: path.dirname(path.resolve(notebook)), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  let pending = '';
  child.stdout.on('data', (d) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) process.stdout.write(`${indent}${line}\n`);
  });
  const status = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  if (pending) process.stdout.write(`${indent}${pending}\n`);

  /** @type {NotebookReport} */
  let report;
  try {
    report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  } catch {
    report = {
      notebook, kernel: KERNEL_NAME, ok: false, seconds: 0, cells: [],
      error: { cell_index: null, cell_number: null, source: '', text: `the notebook runner exited with status ${status} and wrote no report`, kind: 'runner' },
    };
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  if (status !== 0 && report.ok) {
    report.ok = false;
    report.error = { cell_index: null, cell_number: null, source: '', text: `the notebook runner exited with status ${status}`, kind: 'runner' };
  }
  if (!report.ok) report.stderr = stderr;
  return report;
}

/**
 * A readable account of a failed notebook: the failing cell's source (numbered lines) and its error text.
 * @param {NotebookReport} report
 * @returns {string}
 */
function formatFailure(report) {
  const e = report.error;
  if (!e) return '';
  const where = e.cell_number != null ? `in code cell ${e.cell_number}` : 'outside any cell';
  const lines = [`${path.basename(report.notebook)} failed ${where} (${e.kind}):`];
  if (e.source) {
    lines.push('  --- cell source ---');
    e.source.split('\n').forEach((l, i) => lines.push(`  ${String(i + 1).padStart(3)} | ${l}`));
  }
  lines.push('  --- error ---');
  e.text.split('\n').forEach((l) => lines.push(`  ${l}`));
  const extra = (report.stderr ?? '').split('\n')
    .filter((l) => l.trim() && !/Debugger warning|frozen modules|PYDEVD|Xfrozen_modules|breakpoints|Debugging will proceed/.test(l));
  if (e.kind !== 'error' && extra.length) {
    lines.push('  --- runner stderr (last lines) ---');
    extra.slice(-15).forEach((l) => lines.push(`  ${l}`));
  }
  return lines.join('\n');
}

module.exports = { FAST_ENV_VAR, listNotebooks, kernelIsSetUp, runNotebook, formatFailure };
