/**
 * CLI checks that run before any work: --out of train and evaluate, evaluate's k against the layer
 * width and its model against the run's weight fingerprint; and Node file-system errors turned
 * into sentences naming the path.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '../../src/cli/commands/train';
import '../../src/cli/commands/evaluate';
import { getCommand } from '../../src/cli/registry';
import { describeCliError, prepareOutDir } from '../../src/cli/errors';

/** The error a command's run rejects with (the CLI prints it through describeCliError). */
async function failure(name: string, ...args: string[]): Promise<string> {
  try {
    await getCommand(name)!.run(args);
  } catch (e) {
    return describeCliError(e);
  }
  assert.fail(`${name} ${args.join(' ')} did not fail`);
}

/** The error `fn` throws. */
function thrown(fn: () => unknown): unknown {
  try { fn(); } catch (e) { return e; }
  assert.fail('did not throw');
}

describe('cli: checks before work, and file-system errors', function () {
  this.timeout(60000);
  let dir = '';
  let file = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-cli-hostile-'));
    file = path.join(dir, 'a-file');
    fs.writeFileSync(file, 'x');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('train refuses an --out that is a file at once (before loading data or training)', async () => {
    const t0 = Date.now();
    assert.equal(await failure('train', '--model', 'vgg-small', '--out', file, '--epochs', '1'),
      `train: --out '${file}' is a file; expected a folder (new or existing) for the results`);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

  it('evaluate refuses an --out below a file, naming the path', async () => {
    const msg = await failure('evaluate', '--model', 'vgg-small', '--transactions', dir, '--out', path.join(file, 'sub'));
    assert.match(msg, new RegExp(`^evaluate: --out '${file}/sub' cannot be used for the results: cannot mkdir '${file}/sub': .* has a file where a folder is expected \\(ENOTDIR\\)$`));
  });

  it('evaluate refuses k above the layer width before mining', async () => {
    const msg = await failure('evaluate', '--model', 'vgg-small', '--layer', 'block3_conv2', '--transactions', dir, '--k', '5,129', '--out', path.join(dir, 'ev'));
    assert.equal(msg, "k = 129 is above the width of layer 'block3_conv2' (128 filters); expected every k between 1 and 128");
  });

  it('evaluate refuses a run extracted from a model with other weights', async () => {
    const run = path.join(dir, 'run');
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'manifest.json'), JSON.stringify({
      identity: { model: { layer: 'block3_conv2', fingerprint: 'deadbeef'.repeat(8) }, data: { name: 'fashion-mnist-test', n: 10 } },
    }));
    const msg = await failure('evaluate', '--model', 'vgg-small', '--transactions', run, '--out', path.join(dir, 'ev2'));
    assert.match(msg, /were extracted from a model with other weights \(weight fingerprint deadbeefdead\.\.\., --model vgg-small has [0-9a-f]{12}\.\.\.\); expected the model the run was extracted with/);
  });

  it('turns EEXIST, ENOTDIR and ENOENT into sentences naming the path', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => fs.mkdirSync(dir), new RegExp(`^cannot mkdir '${dir}': '${dir}' \\(or a folder on its path\\) already exists \\(EEXIST\\)$`)],
      [() => fs.writeFileSync(path.join(file, 'x'), ''), /^cannot open '.*a-file\/x': .* has a file where a folder is expected \(ENOTDIR\)$/],
      [() => fs.readFileSync(path.join(dir, 'missing.csv')), /^cannot open '.*missing\.csv': .* does not exist \(ENOENT\)$/],
    ];
    for (const [fn, expected] of cases) assert.match(describeCliError(thrown(fn)), expected);
    assert.equal(describeCliError(new Error('plain')), 'plain');
    assert.doesNotThrow(() => prepareOutDir(path.join(dir, 'new', 'deep'), 'x: --out'));
  });

  it('the filtermine command prints such errors as sentences (mine --out below a file)', () => {
    const csv = path.join(dir, 'tx.csv');
    fs.writeFileSync(csv, 'patch,class,items\n0,0,1 2\n1,0,1 2\n');
    const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.js');
    const r = spawnSync(process.execPath, [main, 'mine', '--transactions', csv, '--out', path.join(file, 'out')], { encoding: 'utf8', timeout: 60000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^filtermine: cannot mkdir '.*a-file\/out': .* has a file where a folder is expected \(ENOTDIR\)\n$/);
  });
});
