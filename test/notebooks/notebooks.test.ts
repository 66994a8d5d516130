import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, runScript, type ScriptResult } from '../setup/run-script';
import { checkRenderedPage, chromiumAvailable } from '../browser/check-page';
import { checkPublishedTuner } from '../browser/tuner-driver';
import { checkPublishedPage } from '../widgets/page-limits';
import { skipOrFailInCI, useTempDir } from '../helpers';

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

/** Counts of the widgets a published notebook holds, read from its executed outputs. */
function expectedWidgets(nb: Notebook): { plotly: number; vega: number; images: number } {
  const html = nb.cells.flatMap((c) => (c.outputs ?? []).map((o) => joined((o as { data?: Record<string, string | string[]> }).data?.['text/html']))).join('\n');
  const count = (re: RegExp): number => (html.match(re) ?? []).length;
  return {
    plotly: count(/data-fm-kind="plotly"/g),
    vega: count(/data-fm-kind="vega-lite"/g),
    images: count(/<figure class="fm-image[ "]/g) + count(/class="fm-image-png[ "]/g),
  };
}

describe('notebooks (executed headless in fast mode, on a fresh cache)', function () {
  this.timeout(600_000);
  const names = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb')).sort().map((f) => f.slice(0, -'.ipynb'.length));
  // One fresh result cache and output folder per test run: nothing computed by an earlier run (or
  // by the user's own notebooks in .cache/notebooks) can make a notebook pass.
  let work: string, out: string, cache: string;
  const runs = new Map<string, Promise<ScriptResult>>();
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-nbtest-'));
    out = path.join(work, 'out');
    cache = path.join(work, 'cache');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  /** Publishes one notebook (once per test run): each test runs what it needs, so any one runs alone with --grep. */
  function published(name: string): Promise<ScriptResult> {
    let r = runs.get(name);
    if (!r) {
      r = runScript(PUBLISH, ['--fast', '--out', out, name], { FILTERMINE_CACHE: cache });
      runs.set(name, r);
    }
    return r;
  }

  it('finds the smoke notebook among the notebooks', () => {
    assert.ok(names.includes('00-smoke'), `notebooks/: ${names.join(', ')}`);
    assert.ok(names.includes('06-ground-truth'), `notebooks/: ${names.join(', ')}`);
  });

  for (const name of names) {
    it(`${name} declares the filtermine kernel and runs without a cell error`, async () => {
      const source = readJson<Notebook>(path.join(NOTEBOOKS, `${name}.ipynb`));
      assert.equal(source.metadata.kernelspec?.name, 'filtermine', `${name}.ipynb metadata.kernelspec.name`);

      const r = await published(name);
      assert.equal(r.status, 0, explain(r));
      // Check the executed notebook independently of the runner's verdict.
      const executed = readJson<Notebook>(path.join(out, `${name}.ipynb`));
      assert.deepEqual(errorOutputs(executed), [], `error outputs in the executed ${name}.ipynb`);
      assert.ok(fs.statSync(path.join(out, `${name}.html`)).size > 0, `${name}.html written`);
      const entry = readJson<{ notebooks: SummaryEntry[] }>(path.join(out, 'summary.json')).notebooks.find((e) => e.name === name);
      assert.ok(entry?.ok && entry.fast, `summary entry ${JSON.stringify(entry)}`);
    });
  }

  // The published pages render offline (the checker blocks every request but file: and data:):
  // every plotly / vega-lite chart the notebook output drew an SVG with marks, every mosaic is
  // non-blank, and the page logged no error. Screenshots go to test-output/.
  it('the published HTML of every pipeline notebook renders its charts and mosaics offline in headless Chromium', async function () {
    if (!chromiumAvailable()) skipOrFailInCI(this, 'no Chromium for the page check (apt-get install chromium)');
    const pages = names.filter((n) => n !== '00-smoke');
    assert.ok(pages.length >= 1, 'no pipeline notebook in notebooks/');
    let charts = 0, images = 0;
    for (const name of pages) {
      const r = await published(name);
      assert.equal(r.status, 0, explain(r));
      const want = expectedWidgets(readJson<Notebook>(path.join(out, `${name}.ipynb`)));
      const c = await checkRenderedPage(path.join(out, `${name}.html`), { screenshotName: `notebook-${name}.png` });
      const found = { plotly: c.charts.filter((x) => x.kind === 'plotly').length, vega: c.charts.filter((x) => x.kind === 'vega-lite').length, images: c.images.length };
      assert.deepEqual(found, want, `${name}: widgets found on the page vs in the notebook's outputs`);
      assert.equal(c.plotlyOk, want.plotly ? true : null, `${name}: a plotly chart did not render: ${JSON.stringify(c.charts)}`);
      assert.equal(c.vegaOk, want.vega ? true : null, `${name}: a vega-lite chart did not render: ${JSON.stringify(c.charts)}`);
      assert.equal(c.mosaicsNonBlank, want.images ? true : null, `${name}: a blank image: ${JSON.stringify(c.images)}`);
      assert.deepEqual(c.consoleErrors, [], `${name}: console errors`);
      assert.deepEqual(c.dialogs, [], `${name}: dialogs`);
      charts += c.charts.length; images += c.images.length;
    }
    assert.ok(charts > 0 && images > 0, `charts ${charts}, images ${images} over ${pages.join(', ')}`);
  });

  it('the published pages and executed notebooks stay within the size limits (1.5 MB, plus at most 3 MB of tuner data)', async () => {
    const pages = names.filter((n) => n !== '00-smoke');
    assert.ok(pages.length >= 1, 'no pipeline notebook in notebooks/');
    for (const name of pages) {
      const r = await published(name);
      assert.equal(r.status, 0, explain(r));
      console.log(`      ${checkPublishedPage(out, `${name}.html`)}`);
    }
  });

  it("the published tuner (notebook 03, opened from file:// with the network blocked) re-mines when k moves", async function () {
    if (!chromiumAvailable()) skipOrFailInCI(this, 'no Chromium for the tuner check (apt-get install chromium)');
    const name = names.find((n) => n.startsWith('03-'));
    assert.ok(name, `no notebook 03 in ${names.join(', ')}`);
    const r = await published(name);
    assert.equal(r.status, 0, explain(r));
    await checkPublishedTuner(path.join(out, `${name}.html`));
  });

  it('00-smoke imports filtermine by name and reports the wasm backend', async () => {
    const r = await published('00-smoke');
    assert.equal(r.status, 0, explain(r));
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

  it("the notebooks' value checks run: 01-quickstart printed Ours vs random and its range checks", async () => {
    const r = await published('01-quickstart');
    assert.equal(r.status, 0, explain(r));
    const executed = readJson<Notebook>(path.join(out, '01-quickstart.ipynb'));
    const printed = executed.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.name === 'stdout').map((o) => joined(o.text))).join('');
    assert.match(printed, /^ok: ours-\d+ drops accuracy by .* random-\d+ by /m, printed);
    assert.ok((printed.match(/^ok: /gm) ?? []).length >= 3, printed);
  });
});

describe('notebooks: a broken evaluateAblation fails the run', function () {
  this.timeout(600_000);
  const tmp = useTempDir('filtermine-nbbroken-');

  // The kernel preloads a hook that replaces evaluateAblation with one that throws. On a fresh
  // cache the quickstart must then fail in its ablation cell: no cached result can hide the break.
  it('01-quickstart fails, naming the broken function, when evaluateAblation throws', async () => {
    const hook = path.join(__dirname, 'break-evaluate-ablation.js');
    const nodeOptions = [process.env.NODE_OPTIONS, `--require ${JSON.stringify(hook)}`].filter(Boolean).join(' ');
    const r = await runScript(PUBLISH, ['--fast', '--out', path.join(tmp(), 'out'), '01-quickstart'],
      { FILTERMINE_CACHE: path.join(tmp(), 'cache'), NODE_OPTIONS: nodeOptions });
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stdout, /publish: FAILED: 01-quickstart/, explain(r));
    assert.match(r.stdout, /evaluateAblation deliberately broken by the negative notebook test/, explain(r));
    assert.match(r.stdout, /runAblationStudy/, `the failing cell is the ablation cell\n${explain(r)}`);
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
