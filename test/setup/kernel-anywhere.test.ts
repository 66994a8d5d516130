/**
 * The registered kernel outside the repository: a shipped notebook copied to a folder of its own
 * (no node_modules anywhere above it) imports 'filtermine' - code and type declarations - and
 * runs. The kernel is registered by setup into a private Jupyter data folder, and the notebook is
 * executed with that folder as Jupyter's only user-level one, so the project-local spec plays no
 * part and the user's own Jupyter folder is never touched.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { skipOrFailInCI } from '../helpers';
import { PROJECT_ROOT, runScript } from './run-script';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nodePathForwarder } = require(path.join(PROJECT_ROOT, 'kernel-setup', 'kernel.js')) as { nodePathForwarder: (cwd: string, dirs: string[]) => (p: string) => string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findJupyterPython } = require(path.join(PROJECT_ROOT, 'kernel-setup', 'jupyter.js')) as { findJupyterPython: () => { python: string } | null };

interface CellReport { status: string; stdout: string }
interface Report { ok: boolean; cells: CellReport[]; error: null | { cell_number: number | null; text: string; source: string } }

describe('the filtermine kernel in a folder outside the repository', function () {
  this.timeout(600_000);
  let tmp: string;
  let dataDir: string;

  before(async function () {
    if (!findJupyterPython()) skipOrFailInCI(this, 'no Python with Jupyter (nbclient, ipykernel): npm run setup installs it or says how');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-anywhere-'));
    dataDir = path.join(tmp, 'jupyter-data');
    const r = await runScript('kernel-setup/setup.js', ['--skip=smoke,build'], { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, `setup: ${r.stdout}${r.stderr}`);
    assert.ok(fs.existsSync(path.join(dataDir, 'kernels', 'filtermine', 'kernel.json')), `setup registered the kernel in ${dataDir}\n${r.stdout}`);
  });
  after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

  /** Copies a shipped notebook into a fresh folder of its own, optionally adding code cells at the end. */
  function copyNotebook(name: string, extraCells: string[] = []): string {
    const dir = path.join(tmp, `analysis-${name}`);
    fs.mkdirSync(dir);
    const nb = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'notebooks', `${name}.ipynb`), 'utf8')) as { cells: unknown[] };
    extraCells.forEach((source, i) => nb.cells.push({ cell_type: 'code', id: `extra-${i}`, metadata: {}, execution_count: null, outputs: [], source }));
    const file = path.join(dir, `${name}.ipynb`);
    fs.writeFileSync(file, JSON.stringify(nb, null, 1));
    return file;
  }

  /** Executes a notebook headless in its own folder with the kernel registered in `dataDir`. */
  function execute(file: string): Report {
    const env: NodeJS.ProcessEnv = { ...process.env, JUPYTER_DATA_DIR: dataDir, FILTERMINE_FAST: '1', PYDEVD_DISABLE_FILE_VALIDATION: '1',
      FILTERMINE_CACHE: path.join(tmp, 'cache') };
    // Only the registered spec: not this clone's project-local one, not a NODE_PATH of this process.
    delete env.JUPYTER_PATH;
    delete env.NODE_PATH;
    const report = path.join(path.dirname(file), 'report.json');
    const r = spawnSync(findJupyterPython()!.python, [path.join(PROJECT_ROOT, 'scripts', 'run_notebook.py'), file, '--kernel', 'filtermine', '--report', report, '--quiet'],
      { cwd: path.dirname(file), env, encoding: 'utf8' });
    assert.ok(fs.existsSync(report), `the runner wrote no report (status ${r.status}): ${r.stdout}${r.stderr}`);
    return JSON.parse(fs.readFileSync(report, 'utf8')) as Report;
  }

  const failure = (r: Report) => (r.error ? `cell ${r.error.cell_number}:\n${r.error.source}\n--- error ---\n${r.error.text}` : '');

  it('the copied folder is outside the repository and has no node_modules above it', () => {
    assert.ok(path.relative(PROJECT_ROOT, tmp).startsWith('..'), `${tmp} is outside ${PROJECT_ROOT}`);
    for (let d = tmp; ; d = path.dirname(d)) {
      assert.ok(!fs.existsSync(path.join(d, 'node_modules', 'filtermine')), `${d}/node_modules/filtermine would make this test pass without the kernel's help`);
      if (path.dirname(d) === d) break;
    }
  });

  it("01-quickstart, copied elsewhere, imports 'filtermine' with its type declarations from this clone and runs", () => {
    const file = copyNotebook('01-quickstart', [
      // Fails to compile if 'filtermine' had no declarations (an unused @ts-expect-error is an error).
      "// @ts-expect-error the declarations say rng takes a number\nconst wrongSeed = () => fm.rng('seven');\n" +
      "const seedType: Parameters<typeof fm.rng>[0] = 7;\nconsole.log('typed: ' + typeof wrongSeed + ' ' + seedType);",
      "import * as nodePath from 'path';\nconsole.log('package root: ' + nodePath.dirname(require.resolve('filtermine/package.json')));",
    ]);
    const r = execute(file);
    assert.ok(r.ok, failure(r));
    assert.deepEqual(fs.readdirSync(dataDir), ['kernels'], 'running a notebook adds nothing to the Jupyter data folder');
    assert.ok(r.cells.length > 5 && r.cells.every((c) => c.status === 'ok'), JSON.stringify(r.cells.map((c) => c.status)));
    const out = r.cells.map((c) => c.stdout).join('');
    assert.match(out, /^typed: function 7$/m);
    const root = /^package root: (.*)$/m.exec(out);
    assert.ok(root, out);
    assert.equal(fs.realpathSync(root[1]), fs.realpathSync(PROJECT_ROOT), 'filtermine came from this clone');
  });
});

describe('kernel-setup/kernel.js: the NODE_PATH fallback for TypeScript', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-forward-'));
    for (const d of ['lib/node_modules/pkg/node_modules/own', 'lib/node_modules/dep', 'lib/node_modules/own', 'lib/node_modules/@scope/pkg',
      'lib/node_modules/local', 'home/proj/node_modules/local', 'home/proj/nb']) {
      fs.mkdirSync(path.join(root, d), { recursive: true });
    }
    // pkg's dependency 'dep' is the top-level one (a link, as npm makes for a workspace or `npm link`); 'own' is its own copy.
    fs.symlinkSync(path.join(root, 'lib', 'node_modules', 'dep'), path.join(root, 'lib', 'node_modules', 'pkg', 'node_modules', 'dep'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('answers <notebook>/node_modules/<package> from NODE_PATH only for packages the folder tree lacks', () => {
    const nb = path.join(root, 'home', 'proj', 'nb');
    const lib = path.join(root, 'lib', 'node_modules');
    const forward = nodePathForwarder(nb, [path.join(root, 'missing'), lib]);
    const at = (...p: string[]) => path.join(nb, 'node_modules', ...p);
    assert.equal(forward(at('pkg', 'package.json')), path.join(lib, 'pkg', 'package.json'));
    assert.equal(forward(at('pkg')), path.join(lib, 'pkg'));
    assert.equal(forward(at('@scope', 'pkg', 'index.d.ts')), path.join(lib, '@scope', 'pkg', 'index.d.ts'));
    // A dependency that is the same folder as a top-level package is found only at the top, under its own name.
    assert.equal(forward(at('pkg', 'node_modules', 'dep', 'index.d.ts')), at('pkg', 'node_modules', 'dep', 'index.d.ts'));
    assert.equal(forward(at('dep', 'index.d.ts')), path.join(lib, 'dep', 'index.d.ts'));
    assert.equal(forward(at('pkg', 'node_modules', 'own', 'index.d.ts')), path.join(lib, 'pkg', 'node_modules', 'own', 'index.d.ts'));
    // A package in a node_modules above the notebook wins, as it does for Node.
    assert.equal(forward(at('local', 'index.js')), at('local', 'index.js'));
    // Unknown packages, bare scope folders and paths elsewhere stay as they are.
    assert.equal(forward(at('nope', 'index.js')), at('nope', 'index.js'));
    assert.equal(forward(at('@scope')), at('@scope'));
    assert.equal(forward(path.join(nb, 'data.ts')), path.join(nb, 'data.ts'));
    assert.equal(forward(path.join(root, 'node_modules', 'pkg')), path.join(root, 'node_modules', 'pkg'));
  });
});
