/**
 * The Slurm recipe of scripts/slurm on a real scheduler: a single-node cluster started by the test
 * (see cluster.ts) runs a sharded extraction as an array job of 4 shards plus a dependent merge
 * job. The result must be byte-identical to one process extracting the same images; a shard
 * cancelled mid-run and resubmitted must complete the run without recomputing or losing the
 * chunks it had finished.
 *
 * Needs root and Debian's slurm-wlm and munge; elsewhere it is skipped and says why, except under
 * CI=true, where it fails instead.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../setup/run-script';
import { skipOrFailInCI } from '../helpers';
import { currentSlurmJob, slurmJobEnded } from '../../src/extract/slurm';
import { SlurmCluster, slurmUnavailable, type JobState } from './cluster';

const SHARDS = 4;
// 400 test images in chunks of 5: 80 chunks, 20 per shard, each shard a few seconds on one CPU
// (small chunks leave time to cancel a shard between its first and its last chunk).
const EXTRACT = ['--model', 'vgg-small', '--limit', '400', '--chunk', '5'];
const CHUNKS = 80;
const PER_SHARD = CHUNKS / SHARDS;
const SUBMIT = path.join(PROJECT_ROOT, 'scripts', 'slurm', 'submit.sh');
const CLI = path.join(PROJECT_ROOT, 'dist', 'src', 'cli', 'main.js');
// Small jobs: one CPU each (two shards run at once on a 2-CPU machine), little memory.
const SBATCH_SIZE = ['--cpus-per-task=1', '--mem=1G', '--time=00:10:00'];

/** Every file under `dir` (relative paths, sorted), leaving out the `skip` folder. */
function listFiles(dir: string, skip?: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      const rel = path.relative(dir, full);
      if (e.isDirectory()) { if (rel !== skip) walk(full); } else out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** Asserts that two run folders hold the same files with the same bytes (the scheduler's logs aside). */
function assertSameRun(actual: string, expected: string): void {
  const want = listFiles(expected);
  assert.ok(want.includes('summary.json') && want.includes('transactions-k10.csv') && want.filter((f) => f.startsWith('chunks/')).length === CHUNKS,
    `the reference run is complete: ${want.join(', ')}`);
  assert.deepEqual(listFiles(actual, 'slurm'), want, 'the same files');
  for (const f of want) {
    assert.ok(fs.readFileSync(path.join(actual, f)).equals(fs.readFileSync(path.join(expected, f))), `${f} differs from the single-process run's`);
  }
}

/** Chunk files of shard `index` that exist in a run folder. */
function shardChunks(out: string, index: number): string[] {
  const dir = path.join(out, 'chunks');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /^chunk-\d+\.fmc$/.test(f) && Number(f.slice(6, 12)) % SHARDS === index).sort();
}

describe('Slurm array-job recipe (scripts/slurm) on a real single-node cluster', function () {
  this.timeout(180_000);
  let cluster: SlurmCluster | undefined;
  let work: string;
  let reference: string;

  /** Runs submit.sh against the test cluster; returns the shard array's and the merge's job ids. */
  function submit(out: string, extra: string[] = []): { shards: string; merge: string; stdout: string } {
    const env = { ...cluster!.env, FILTERMINE_NODE: process.execPath };
    const r = spawnSync('bash', [SUBMIT, '--out', out, '--shards', String(SHARDS), ...extra, ...SBATCH_SIZE, '--', ...EXTRACT],
      { cwd: work, env, encoding: 'utf8' });
    assert.equal(r.status, 0, `submit.sh failed: ${r.stdout}${r.stderr}`);
    const shards = /^shards: job (\d+)/m.exec(r.stdout)?.[1];
    const merge = /^merge: +job (\d+)/m.exec(r.stdout)?.[1];
    assert.ok(shards && merge, `submit.sh printed both job ids:\n${r.stdout}`);
    return { shards, merge, stdout: r.stdout };
  }

  const log = (out: string, name: string) => {
    const f = path.join(out, 'slurm', name);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : `(no ${f})`;
  };
  const explain = (states: JobState[], out: string) =>
    `${JSON.stringify(states)}\n${fs.existsSync(path.join(out, 'slurm')) ? fs.readdirSync(path.join(out, 'slurm')).map((f) => `--- ${f}\n${log(out, f)}`).join('\n') : ''}\n${cluster!.logTails()}`;

  before(async function () {
    const reason = slurmUnavailable();
    if (reason) skipOrFailInCI(this, reason);
    assert.ok(fs.existsSync(CLI), `${CLI} exists (npm run build)`);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-slurm-runs-'));
    // The single-process reference, by the same command line the shards use.
    reference = path.join(work, 'single');
    const r = spawnSync(process.execPath, [CLI, 'extract', ...EXTRACT, '--out', reference, '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 0, `single-process extract: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, new RegExp(`computed ${CHUNKS} chunk\\(s\\), 0 already done; run complete`));
    cluster = await SlurmCluster.start('cpu');
  });

  after(async () => {
    await cluster?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('4 shards as an array job plus a dependent merge job give the single-process output, byte for byte', async () => {
    const out = path.join(work, 'array');
    const ids = submit(out);
    const merge = await cluster!.waitForJob(ids.merge, 120_000);
    const shards = cluster!.jobStates(ids.shards);
    assert.deepEqual(merge.map((s) => s.state), ['COMPLETED'], explain([...shards, ...merge], out));
    assert.deepEqual(shards.map((s) => s.id).sort(), [0, 1, 2, 3].map((i) => `${ids.shards}_${i}`), explain(shards, out));
    assert.ok(shards.every((s) => s.state === 'COMPLETED' && s.exitCode === '0:0'), explain(shards, out));
    for (let i = 0; i < SHARDS; i++) {
      // Each task took its own slice and did not merge; the merge job did.
      assert.match(log(out, `shard-${ids.shards}_${i}.out`), new RegExp(`shard ${i}/${SHARDS}:[^]*computed ${PER_SHARD} chunk\\(s\\), 0 already done`));
    }
    assert.match(log(out, `merge-${ids.merge}.out`), /merged 400 images/);
    assertSameRun(out, reference);
  });

  it('a shard cancelled mid-run and resubmitted completes the run: finished chunks kept, same output', async () => {
    const out = path.join(work, 'cancelled');
    const victim = 2;
    const first = submit(out);
    const task = `${first.shards}_${victim}`;
    // Cancel the task once it has written its first chunk (of PER_SHARD).
    await cluster!.waitFor(() => shardChunks(out, victim).length > 0, 120_000, `task ${task} to write a chunk`);
    cluster!.run('scancel', [task]);
    await cluster!.waitForJob(task, 60_000);
    const kept = shardChunks(out, victim);
    assert.ok(kept.length < PER_SHARD, `task ${task} finished all its chunks before scancel reached it; the test could not cancel it mid-run`);
    const stamps = kept.map((f) => fs.statSync(path.join(out, 'chunks', f)));
    assert.deepEqual(cluster!.jobStates(task).map((s) => s.state), ['CANCELLED'], explain(cluster!.jobStates(task), out));
    // The cancelled task left its shard's lock, naming its job. On a real cluster the resubmitted
    // task may run on another node, where the holder's process id says nothing: make the lock
    // look like that, so only the ended Slurm job can free it.
    const lockFile = path.join(out, `lock-${victim}of${SHARDS}`);
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { slurmJob?: string; host?: string; pid?: number };
    assert.equal(lock.slurmJob, task, `the lock names the task's job: ${JSON.stringify(lock)}`);
    fs.writeFileSync(lockFile, JSON.stringify({ ...lock, host: 'another-node', pid: process.pid }) + '\n');

    // Resubmit only the cancelled shard; the new merge also waits for the rest of the first array.
    const second = submit(out, ['--tasks', String(victim), '--after', first.shards]);
    const merge = await cluster!.waitForJob(second.merge, 120_000);
    assert.deepEqual(merge.map((s) => s.state), ['COMPLETED'], explain(merge, out));
    // The first merge could never run (a shard failed), so Slurm removed it instead of leaving it pending.
    const firstMerge = cluster!.jobStates(first.merge);
    assert.deepEqual(firstMerge.map((s) => s.state), ['CANCELLED'], explain(firstMerge, out));
    assert.equal(log(out, `merge-${first.merge}.out`), `(no ${path.join(out, 'slurm', `merge-${first.merge}.out`)})`, 'the first merge never started');
    const others = cluster!.jobStates(first.shards).filter((s) => s.id !== task);
    assert.deepEqual(others.map((s) => s.state), ['COMPLETED', 'COMPLETED', 'COMPLETED'], explain(others, out));

    const redo = log(out, `shard-${second.shards}_${victim}.out`);
    assert.match(redo, new RegExp(`shard ${victim}/${SHARDS}:[^]*computed ${PER_SHARD - kept.length} chunk\\(s\\), ${kept.length} already done; run complete`), redo);
    kept.forEach((f, i) => {
      const now = fs.statSync(path.join(out, 'chunks', f));
      assert.equal(now.ino, stamps[i].ino, `${f} was not rewritten`);
      assert.equal(now.mtimeMs, stamps[i].mtimeMs, `${f} was not rewritten`);
    });
    assert.deepEqual(fs.readdirSync(path.join(out, 'chunks')).filter((f) => f.includes('.tmp-')), [], 'no temp files left behind');
    assert.ok(!fs.existsSync(lockFile), 'the resubmitted task took the lock over and released it');
    assertSameRun(out, reference);
  });

  it('the GPU variant asks for the TensorFlow backend; without it every shard stops at once, naming the package, and the merge is cancelled', async function () {
    const installed = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].filter((p) => {
      try { require.resolve(p, { paths: [PROJECT_ROOT] }); return true; } catch { return false; }
    });
    // With TensorFlow's native package installed the shards would run; this checks the machine without it (CI's).
    if (installed.length) skipOrFailInCI(this, `${installed.join(', ')} is installed here`);
    const out = path.join(work, 'gpu');
    // The test cluster has no GPU partition or GPU resources: the command line overrides the script's.
    const ids = submit(out, ['--gpu', '--partition=cpu', '--gres=none']);
    const merge = await cluster!.waitForJob(ids.merge, 60_000);
    const shards = cluster!.jobStates(ids.shards);
    assert.deepEqual(shards.map((s) => s.state), ['FAILED', 'FAILED', 'FAILED', 'FAILED'], explain(shards, out));
    assert.deepEqual(merge.map((s) => `${s.state} ${s.reason}`), ['CANCELLED DependencyNeverSatisfied'], explain(merge, out));
    for (let i = 0; i < SHARDS; i++) {
      const text = log(out, `shard-${ids.shards}_${i}.out`);
      assert.match(text, new RegExp(`shard ${i}/${SHARDS}: .* backend tensorflow`), text);
      assert.match(text, /backend 'tensorflow' is not available[^]*npm install --save-exact @tensorflow\/tfjs-node-gpu@4\.22\.0/, text);
    }
    assert.ok(!fs.existsSync(path.join(out, 'manifest.json')), 'no shard started any work');
  });
});

describe('scripts/slurm/submit.sh (no cluster needed)', () => {
  const run = (args: string[]) => spawnSync('bash', [SUBMIT, ...args], { encoding: 'utf8' });

  it('--dry-run shows the array job and the merge that depends on it', () => {
    const r = run(['--dry-run', '--out', '/scratch/run', '--shards', '4', '--partition=short', '--', '--model', 'vgg-small']);
    assert.equal(r.status, 0, r.stderr);
    const [array, merge] = r.stderr.trim().split('\n');
    assert.match(array, /^sbatch --array=0-3 --output=\/scratch\/run\/slurm\/shard-%A_%a\.out --partition=short \S+\/scripts\/slurm\/extract-cpu\.sbatch --model vgg-small --out \/scratch\/run $/);
    assert.match(merge, /^sbatch --dependency=afterok:DRY\d+ --kill-on-invalid-dep=yes --output=\/scratch\/run\/slurm\/merge-%j\.out --partition=short \S+\/scripts\/slurm\/merge\.sbatch --out \/scratch\/run$/);
    const gpu = run(['--dry-run', '--gpu', '--out', '/scratch/run', '--shards', '4', '--tasks', '2', '--after', '17', '--', '--model', 'vgg-small']);
    assert.match(gpu.stderr, /--array=2 .*extract-gpu\.sbatch/);
    assert.match(gpu.stderr, /--dependency=afterok:DRY\d+\\?,afterany:17 /);
  });

  it('refuses bad arguments before submitting anything, naming them', () => {
    const cases: [string[], RegExp][] = [
      [['--shards', '4', '--', '--model', 'm'], /--out DIR is required/],
      [['--out', 'x', '--shards', 'four', '--', '--model', 'm'], /--shards must be a positive integer, got 'four'/],
      [['--out', 'x', '--shards', '4', '--', '--model', 'm', '--shard', '0/4'], /extract option '--shard' is set by this script/],
      [['--out', 'x', '--shards', '4', '--after', 'abc', '--', '--model', 'm'], /--after must be comma-separated job ids, got 'abc'/],
      [['--out', 'x', '--shards', '4', 'stray', '--', '--model', 'm'], /unknown argument 'stray'/],
      [['--out', 'x', '--shards', '4'], /no extract options after --/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});

describe('extract/slurm (no cluster needed)', () => {
  it('names the job a process runs in: the array task, else the job, else none', () => {
    assert.equal(currentSlurmJob({ SLURM_JOB_ID: '120', SLURM_ARRAY_JOB_ID: '117', SLURM_ARRAY_TASK_ID: '3' }), '117_3');
    assert.equal(currentSlurmJob({ SLURM_JOB_ID: '120' }), '120');
    assert.equal(currentSlurmJob({}), undefined);
  });

  it('never calls a job ended when it cannot ask Slurm, or for a malformed id', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      assert.equal(slurmJobEnded('117_3'), false);
    } finally {
      process.env.PATH = saved;
    }
    assert.equal(slurmJobEnded('117; rm -rf /'), false);
  });
});
