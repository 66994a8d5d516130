import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT, runScript, type ScriptResult } from './run-script';
import { skipOrFailInCI } from '../helpers';

const SETUP = 'kernel-setup/setup.js';
// The smoke notebook is executed by test/notebooks; here the steps that change things are what matters.
const ARGS = ['--skip=smoke'];
// For the tests about the kernel spec alone: no rebuild when someone is editing sources meanwhile.
const KERNEL_ARGS = ['--skip=smoke,build'];

/** Newest modification time (ms) of the TypeScript sources: the build step's own function. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { newestSourceTime } = require(path.join(PROJECT_ROOT, 'kernel-setup', 'steps.js')) as { newestSourceTime: () => number };

/** The arguments an npm script of package.json passes to kernel-setup/setup.js. */
function scriptArgs(name: string): string[] {
  const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const m = /node kernel-setup\/setup\.js((?: [^&|;]+)?)/.exec(scripts[name] ?? '');
  assert.ok(m, `package.json's ${name} script runs kernel-setup/setup.js: ${scripts[name]}`);
  return m[1].trim().split(/\s+/).filter(Boolean);
}

function explain(r: ScriptResult): string {
  return `status ${r.status}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

describe('kernel-setup/setup', function () {
  this.timeout(300_000);
  let dataDir: string;

  beforeEach(() => {
    // A private Jupyter data folder, so the test sees setup register the kernel without touching the user's.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-jupyter-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('registers the kernel on the first run and reports on the second that nothing needed doing', async function () {
    const env = { JUPYTER_DATA_DIR: dataDir };
    const started = Date.now();
    const first = await runScript(SETUP, ARGS, env);
    assert.equal(first.status, 0, explain(first));
    assert.match(first.stdout, /Jupyter kernel for your notebooks \(your Jupyter data folder\): needed/, explain(first));
    assert.doesNotMatch(first.stdout, /nothing to do/, explain(first));

    const second = await runScript(SETUP, ARGS, env);
    assert.equal(second.status, 0, explain(second));
    if (/TypeScript build \(dist\/\): needed \(sources changed/.test(second.stdout)) {
      // Only legitimate when someone edited a source file meanwhile (a working tree in use, never CI).
      const edited = newestSourceTime() > started;
      assert.ok(edited, `the second run rebuilt although no source changed since the first started\n${explain(second)}`);
      skipOrFailInCI(this, 'a source file was edited while the test ran, so the second setup run had to rebuild');
    }
    assert.match(second.stdout, /^setup: nothing to do, everything was already in place$/m, explain(second));
    assert.doesNotMatch(second.stdout, /: needed \(/, explain(second));
    for (const step of ['npm packages', 'system packages', 'TypeScript build', "importable as 'filtermine'", "Jupyter kernel 'filtermine'", 'Jupyter kernel for your notebooks']) {
      assert.match(second.stdout, new RegExp(`\\] ${step.replace(/[()]/g, '\\$&')}[^:]*: already done`), `step '${step}'\n${explain(second)}`);
    }
  });

  it("writes a kernel spec named 'filtermine' that runs this clone's tslab with its packages on NODE_PATH", async () => {
    const r = await runScript(SETUP, KERNEL_ARGS, { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, explain(r));
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'filtermine', 'kernel.json'), 'utf8'));
    assert.equal(spec.display_name, 'TypeScript (filtermine)');
    assert.equal(spec.language, 'typescript');
    assert.equal(spec.argv[1], path.join(PROJECT_ROOT, 'kernel-setup', 'kernel.js'));
    assert.deepEqual(spec.argv.slice(2), ['--config-path', '{connection_file}']);
    assert.ok(fs.existsSync(spec.argv[0]), `the kernel's node ${spec.argv[0]} exists`);
    assert.deepEqual(spec.env, { NODE_PATH: path.join(PROJECT_ROOT, 'node_modules') });
    assert.equal(spec.metadata.filtermine.project, PROJECT_ROOT);
    // The project-local copy, which the notebook runner puts first, is the same spec.
    const local = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, '.cache', 'jupyter', 'kernels', 'filtermine', 'kernel.json'), 'utf8'));
    assert.deepEqual(local, spec);
  });

  it('npm run setup registers the user-level kernel, printing its path and what it replaced', async () => {
    // What `npm run setup` runs, with the slow steps that do not concern Jupyter skipped.
    const npmSetup = scriptArgs('setup');
    assert.ok(!npmSetup.some((a) => a.includes('user-kernel')), `npm run setup registers the user-level kernel: ${npmSetup.join(' ')}`);
    const file = path.join(dataDir, 'kernels', 'filtermine', 'kernel.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const elsewhere = path.join(dataDir, 'other-clone');
    fs.writeFileSync(file, JSON.stringify({ argv: ['node', `${elsewhere}/node_modules/tslab/bin/tslab`, 'kernel', '--config-path', '{connection_file}'], display_name: 'old', language: 'typescript' }));
    const r = await runScript(SETUP, [...npmSetup, ...KERNEL_ARGS], { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stdout, /Jupyter kernel for your notebooks \(your Jupyter data folder\): needed/, explain(r));
    assert.ok(r.stdout.includes(`registered kernel 'filtermine' ("TypeScript (filtermine)") in ${file}`), explain(r));
    assert.ok(r.stdout.includes(`replaced: the kernel of the clone in ${elsewhere} (that folder no longer exists), which ran node ${elsewhere}/node_modules/tslab/bin/tslab kernel`), explain(r));
    assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).metadata.filtermine.project, PROJECT_ROOT);

    // Run again: nothing to replace, and the path is still shown.
    const again = await runScript(SETUP, [...npmSetup, ...KERNEL_ARGS], { JUPYTER_DATA_DIR: dataDir });
    assert.ok(again.stdout.includes(`Jupyter kernel for your notebooks (your Jupyter data folder): already done ('filtermine' in ${file} runs this clone)`), explain(again));
  });

  it('--kernel-name registers a second clone beside the first, and the clone keeps that name', async () => {
    const first = path.join(dataDir, 'kernels', 'filtermine', 'kernel.json');
    fs.mkdirSync(path.dirname(first), { recursive: true });
    const other = { argv: ['node', '/clones/a/kernel-setup/kernel.js', '--config-path', '{connection_file}'], display_name: 'TypeScript (filtermine)', language: 'typescript', metadata: { filtermine: { project: '/clones/a' } } };
    fs.writeFileSync(first, JSON.stringify(other));
    const r = await runScript(SETUP, [...KERNEL_ARGS, '--kernel-name=filtermine-b'], { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, explain(r));
    const second = path.join(dataDir, 'kernels', 'filtermine-b', 'kernel.json');
    assert.ok(r.stdout.includes(`registered kernel 'filtermine-b' ("TypeScript (filtermine-b)") in ${second}`), explain(r));
    assert.match(r.stdout, /replaced: nothing \(new\)/);
    assert.deepEqual(JSON.parse(fs.readFileSync(first, 'utf8')), other, "the first clone's kernel is untouched");
    // A later plain `npm run setup` in this clone keeps its own name instead of taking over 'filtermine'.
    const later = await runScript(SETUP, KERNEL_ARGS, { JUPYTER_DATA_DIR: dataDir });
    assert.ok(later.stdout.includes(`already done ('filtermine-b' in ${second} runs this clone)`), explain(later));
    assert.deepEqual(JSON.parse(fs.readFileSync(first, 'utf8')), other, "the first clone's kernel is still untouched");
    const bad = await runScript(SETUP, ['--kernel-name=my kernel']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--kernel-name must be letters, digits, '\.', '_' or '-', got 'my kernel'/);
  });

  it("the test command's setup writes nothing to the user's Jupyter data folder", async () => {
    // The setup of `npm test`, without --rebuild (compiling has nothing to do with Jupyter and takes minutes).
    const args = scriptArgs('test').filter((a) => a !== '--rebuild');
    assert.ok(args.length > 0, 'npm test runs setup with arguments');
    const r = await runScript(SETUP, args, { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stdout, /Jupyter kernel for your notebooks \(your Jupyter data folder\): skipped \(--skip=user-kernel\)/, explain(r));
    assert.deepEqual(fs.readdirSync(dataDir), [], `${dataDir} stays empty\n${explain(r)}`);
    assert.ok(fs.existsSync(path.join(PROJECT_ROOT, '.cache', 'jupyter', 'kernels', 'filtermine', 'kernel.json')), 'the project-local spec is there');
  });

  it('makes the package importable by name: node_modules/filtermine is the project root', () => {
    const link = path.join(PROJECT_ROOT, 'node_modules', 'filtermine');
    assert.equal(fs.realpathSync(link), fs.realpathSync(PROJECT_ROOT));
    const resolved = require.resolve('filtermine', { paths: [path.join(PROJECT_ROOT, 'notebooks')] });
    assert.equal(fs.realpathSync(resolved), fs.realpathSync(path.join(PROJECT_ROOT, 'dist', 'src', 'index.js')));
  });

  it('rejects an unknown option or step with the usage line', async () => {
    const r = await runScript(SETUP, ['--frobnicate']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown option '--frobnicate'\nusage: node kernel-setup\/setup\.js/);
    const typo = await runScript(SETUP, ['--skip=user-kernal']);
    assert.equal(typo.status, 1);
    assert.match(typo.stderr, /unknown step 'user-kernal' in --skip=user-kernal; the steps are npm, system, native, build, link, kernel, user-kernel, smoke\nusage:/);
  });
});
