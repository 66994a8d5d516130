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
    assert.match(first.stdout, /Jupyter kernel 'filtermine': needed/, explain(first));
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
    for (const step of ['npm packages', 'system packages', 'TypeScript build', "importable as 'filtermine'", "Jupyter kernel 'filtermine'"]) {
      assert.match(second.stdout, new RegExp(`\\] ${step.replace(/[()]/g, '\\$&')}[^:]*: already done`), `step '${step}'\n${explain(second)}`);
    }
  });

  it("writes a kernel spec named 'filtermine' that runs this clone's tslab", async () => {
    const r = await runScript(SETUP, KERNEL_ARGS, { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, explain(r));
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'filtermine', 'kernel.json'), 'utf8'));
    assert.equal(spec.display_name, 'TypeScript (filtermine)');
    assert.equal(spec.language, 'typescript');
    assert.equal(spec.argv[1], path.join(PROJECT_ROOT, 'node_modules', 'tslab', 'bin', 'tslab'));
    assert.deepEqual(spec.argv.slice(2), ['kernel', '--config-path', '{connection_file}']);
    assert.ok(fs.existsSync(spec.argv[0]), `the kernel's node ${spec.argv[0]} exists`);
  });

  it('replaces a kernel spec that points somewhere else', async () => {
    const file = path.join(dataDir, 'kernels', 'filtermine', 'kernel.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ argv: ['/elsewhere/tslab', 'kernel', '--config-path', '{connection_file}'], display_name: 'old', language: 'typescript' }));
    const r = await runScript(SETUP, KERNEL_ARGS, { JUPYTER_DATA_DIR: dataDir });
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stdout, /Jupyter kernel 'filtermine': needed \(kernel spec missing or different/, explain(r));
    assert.notEqual(JSON.parse(fs.readFileSync(file, 'utf8')).argv[0], '/elsewhere/tslab');
  });

  it('makes the package importable by name: node_modules/filtermine is the project root', () => {
    const link = path.join(PROJECT_ROOT, 'node_modules', 'filtermine');
    assert.equal(fs.realpathSync(link), fs.realpathSync(PROJECT_ROOT));
    const resolved = require.resolve('filtermine', { paths: [path.join(PROJECT_ROOT, 'notebooks')] });
    assert.equal(fs.realpathSync(resolved), fs.realpathSync(path.join(PROJECT_ROOT, 'dist', 'src', 'index.js')));
  });

  it('rejects an unknown option with the usage line', async () => {
    const r = await runScript(SETUP, ['--frobnicate']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown option '--frobnicate'\nusage: node kernel-setup\/setup\.js/);
  });
});
