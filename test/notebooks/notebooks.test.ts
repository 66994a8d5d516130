import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, runScript, type ScriptResult } from '../setup/run-script';
import { checkRenderedPage, chromiumAvailable } from '../browser/check-page';

const PUBLISH = 'scripts/publish-notebooks.js';
const NOTEBOOKS = path.join(PROJECT_ROOT, 'notebooks');

interface NbOutput { output_type: string; name?: string; text?: string | string[]; ename?: string; evalue?: string }
interface NbCell { cell_type: string; source: string | string[]; outputs?: NbOutput[] }
interface Notebook { cells: NbCell[]; metadata: { kernelspec?: { name?: string } } }
interface SummaryEntry { name: string; ok: boolean; seconds: number; cells: number; fast: boolean; error: string | null }

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const joined = (s: string | string[] | undefined): string => (Array.isArray(s) ? s.join('') : s ?? '');
const errorOutputs = (nb: Notebook): NbOutput[] => nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));

/** What selectBackend('auto') should give here: native TensorFlow when a user installed it, else wasm (this machine). */
function expectedBackend(): string {
  const explicit = process.env.FILTERMINE_BACKEND;
  if (explicit && explicit !== 'auto') return explicit;
  const installed = (name: string): boolean => {
    try { require.resolve(name, { paths: [PROJECT_ROOT] }); return true; } catch { return false; }
  };
  return installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node') ? 'tensorflow' : 'wasm';
}

function explain(r: ScriptResult): string {
  return `status ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Writes a minimal tslab notebook with these code cells. */
function writeNotebook(file: string, sources: string[]): void {
  const nb = {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'filtermine', display_name: 'TypeScript (filtermine)', language: 'typescript' } },
    cells: sources.map((source, i) => ({ cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source })),
  };
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
}

describe('notebooks (executed headless in fast mode)', function () {
  this.timeout(600_000);
  const names = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort().map((f) => f.slice(0, -'.ipynb'.length));
  let out: string;
  before(() => { out = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-out-')); });
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('finds the smoke notebook among the notebooks', () => {
    assert.ok(names.includes('00-smoke'), `notebooks/: ${names.join(', ')}`);
  });

  for (const name of names) {
    it(`${name} declares the filtermine kernel and runs without a cell error`, async () => {
      const source = readJson<Notebook>(path.join(NOTEBOOKS, `${name}.ipynb`));
      assert.equal(source.metadata.kernelspec?.name, 'filtermine', `${name}.ipynb metadata.kernelspec.name`);

      const r = await runScript(PUBLISH, ['--fast', '--out', out, name]);
      assert.equal(r.status, 0, explain(r));
      // Check the executed notebook independently of the runner's verdict.
      const executed = readJson<Notebook>(path.join(out, `${name}.ipynb`));
      assert.deepEqual(errorOutputs(executed), [], `error outputs in the executed ${name}.ipynb`);
      assert.ok(fs.statSync(path.join(out, `${name}.html`)).size > 0, `${name}.html written`);
      const entry = readJson<{ notebooks: SummaryEntry[] }>(path.join(out, 'summary.json')).notebooks.find((e) => e.name === name);
      assert.ok(entry?.ok && entry.fast, `summary entry ${JSON.stringify(entry)}`);
    });
  }

  // The published pages render offline (the checker blocks every request but
  // file: and data:): each plotly / vega-lite chart drew an SVG with marks, every mosaic is non-blank,
  // and the page logged no error. Screenshots go to test-output/.
  it('the published HTML of every pipeline notebook renders its charts and mosaics offline in headless Chromium', async function () {
    if (!chromiumAvailable()) this.skip();
    const pages = names.filter((n) => n !== '00-smoke' && fs.existsSync(path.join(out, `${n}.html`)));
    assert.ok(pages.length >= 1, `no published pipeline notebook in ${out}`);
    let charts = 0, images = 0;
    for (const name of pages) {
      const c = await checkRenderedPage(path.join(out, `${name}.html`), { screenshotName: `notebook-${name}.png` });
      assert.ok(c.plotlyOk && c.vegaOk, `${name}: a chart did not render: ${JSON.stringify(c.charts)}`);
      assert.ok(c.mosaicsNonBlank, `${name}: a blank image: ${JSON.stringify(c.images)}`);
      assert.deepEqual(c.consoleErrors, [], `${name}: console errors`);
      assert.deepEqual(c.dialogs, [], `${name}: dialogs`);
      charts += c.charts.length; images += c.images.length;
    }
    assert.ok(charts > 0 && images > 0, `charts ${charts}, images ${images} over ${pages.join(', ')}`);
  });

  it('00-smoke imports filtermine by name and reports the wasm backend', () => {
    const executed = readJson<Notebook>(path.join(out, '00-smoke.ipynb'));
    const printed = executed.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.name === 'stdout').map((o) => joined(o.text))).join('');
    const line = printed.split('\n').find((l) => l.startsWith('smoke: '));
    assert.ok(line, `a 'smoke: {...}' line in\n${printed}`);
    const found = JSON.parse(line.slice('smoke: '.length)) as Record<string, string>;
    assert.equal(found.check, 'ok');
    assert.equal(found.backend, expectedBackend());
    assert.equal(fs.realpathSync(found.packageRoot), fs.realpathSync(PROJECT_ROOT));
    assert.match(found.tfjs, /^\d+\.\d+\.\d+$/);
  });
});

describe('scripts/publish-notebooks (error detection)', function () {
  this.timeout(300_000);
  let dir: string;
  let out: string;
  let result: ScriptResult;
  // A name with markup in it: the index must show it as text.
  const oddName = 'type <b>error & more';

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-bad-nb-'));
    out = path.join(dir, 'out');
    writeNotebook(path.join(dir, 'a-throws.ipynb'), [
      "console.log('before the failure');",
      "const n = 6 * 7;\nthrow new Error('deliberate failure ' + n);",
      "console.log('after the failure');",
    ]);
    writeNotebook(path.join(dir, `${oddName}.ipynb`), ["const x: number = 'not a number';"]);
    result = await runScript(PUBLISH, ['--notebooks', dir, '--out', out]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails the run when a cell throws', () => {
    assert.equal(result.status, 1, explain(result));
    assert.match(result.stdout, /publish: FAILED: a-throws, type <b>error & more \(0 of 2 ok/, explain(result));
  });

  it("prints the failing cell's source and its error text (which tslab sends on stderr, not in the reply)", () => {
    assert.match(result.stdout, /a-throws\.ipynb failed in code cell 2/, explain(result));
    assert.match(result.stdout, /\| throw new Error\('deliberate failure ' \+ n\);/, explain(result));
    assert.match(result.stdout, /Error: deliberate failure 42/, explain(result));
  });

  it('catches a type error as a cell error, with the compiler message', () => {
    assert.match(result.stdout, /type <b>error & more\.ipynb failed in code cell 1/, explain(result));
    assert.match(result.stdout, /Type 'string' is not assignable to type 'number'/, explain(result));
  });

  it('stops at the failing cell and records the error in the executed notebook', () => {
    const executed = readJson<Notebook>(path.join(out, 'a-throws.ipynb'));
    const errors = executed.cells[1].outputs?.filter((o) => o.output_type === 'error') ?? [];
    assert.equal(errors.length, 1);
    assert.match(errors[0].evalue ?? '', /^Error: deliberate failure 42$/);
    assert.deepEqual(executed.cells[2].outputs ?? [], [], 'the cell after the failure did not run');
    assert.ok(fs.existsSync(path.join(out, 'a-throws.html')));
  });

  it('marks failures in the index and escapes notebook names', () => {
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    assert.ok(index.includes('>type &lt;b&gt;error &amp; more</a>'), index);
    assert.ok(index.includes('href="type%20%3Cb%3Eerror%20%26%20more.html"'), index);
    assert.ok(!index.includes('<b>error'), 'no raw markup from a file name');
    assert.equal((index.match(/<tr class="failed">/g) ?? []).length, 2);
    const summary = readJson<{ notebooks: SummaryEntry[] }>(path.join(out, 'summary.json'));
    assert.deepEqual(summary.notebooks.map((e) => [e.name, e.ok]), [['a-throws', false], [oddName, false]]);
  });
});
