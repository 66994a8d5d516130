/**
 * A throw-away single-node Slurm cluster for tests: a private munge key and munged, a generated
 * slurm.conf (this host's name and its real CPUs and memory as `slurmd -C` reports them, free
 * ports, every state and log file in one temporary folder), slurmctld and slurmd in the
 * foreground as children of this process. Nothing under /etc or /var is used or changed, so it
 * runs beside a site's own Slurm without touching it.
 *
 * Inside containers and sandboxes the cgroup plugins do not work (no writable cgroup tree, no
 * systemd), so the cluster tracks processes by their parent chain (proctrack/linuxproc), binds no
 * tasks (task/none) and gathers no accounting: enough to run, cancel and chain batch jobs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The programs the cluster needs (Debian packages slurm-wlm and munge). */
export const SLURM_PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scontrol', 'scancel', 'sinfo'];

/** Why a test cluster cannot be started here, or null when it can. */
export function slurmUnavailable(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root (slurmd and munged need root)';
  const missing = SLURM_PROGRAMS.filter((p) => !onPath(p));
  if (missing.length) return `not installed: ${missing.join(', ')} (Debian: apt-get install slurm-wlm munge)`;
  return null;
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/sbin', '/sbin'])
    .some((d) => d && fs.existsSync(path.join(d, name)));
}

/** The state of one job (or array task) as `scontrol show job` reports it. */
export interface JobState { id: string; state: string; reason: string; exitCode: string }

/** A started cluster; {@link SlurmCluster.stop} ends everything it started. */
export class SlurmCluster {
  /** Environment for Slurm's commands: this cluster's slurm.conf, no Slurm variables inherited. */
  readonly env: NodeJS.ProcessEnv;
  private readonly daemons: { name: string; child: ChildProcess; log: string }[] = [];
  private forgetExitHandler: () => void = () => {};

  private constructor(readonly dir: string, readonly conf: string, readonly nodeName: string) {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(SLURM_|SBATCH_|SALLOC_|SRUN_)/.test(k)) env[k] = v;
    env.SLURM_CONF = conf;
    env.PATH = `${env.PATH ?? ''}${path.delimiter}/usr/sbin${path.delimiter}/sbin`;
    this.env = env;
  }

  /**
   * Starts munged, slurmctld and slurmd and waits until the node is idle.
   * @param partition name of the one partition (all CPUs of this host)
   * @throws with the daemons' log tails if the node does not come up; whatever was started is stopped first
   */
  static async start(partition = 'cpu'): Promise<SlurmCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'filtermine-slurm-'));
    // munged requires every folder above its socket to be searchable by all.
    fs.chmodSync(dir, 0o755);
    const probe = spawnSync('slurmd', ['-C'], { encoding: 'utf8', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin` } });
    const nodeLine = (probe.stdout ?? '').split('\n').find((l) => l.startsWith('NodeName='));
    if (!nodeLine) throw new Error(`slurmd -C printed no NodeName line (status ${probe.status}): ${probe.stdout}${probe.stderr}`);
    const nodeName = nodeLine.split(/\s+/)[0].slice('NodeName='.length);
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const conf = path.join(dir, 'slurm.conf');
    const cluster = new SlurmCluster(dir, conf, nodeName);
    // Last resort if stop() never ran (a timed-out hook, then mocha's exit): no daemon outlives the tests.
    const killAll = () => cluster.daemons.forEach((d) => { if (running(d.child)) d.child.kill('SIGKILL'); });
    process.once('exit', killAll);
    cluster.forgetExitHandler = () => process.removeListener('exit', killAll);
    try {
      const munge = path.join(dir, 'munge');
      fs.mkdirSync(munge, { mode: 0o755 });
      const key = path.join(dir, 'munge.key');
      fs.writeFileSync(key, crypto.randomBytes(1024), { mode: 0o400 });
      const socket = path.join(munge, 'munge.socket');
      cluster.daemon('munged', 'munged', ['--foreground', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${path.join(munge, 'munged.pid')}`,
        `--seed-file=${path.join(munge, 'munged.seed')}`, `--log-file=${path.join(dir, 'munged.log')}`]);
      await cluster.waitFor(() => fs.existsSync(socket), 10_000, 'munged to create its socket');

      for (const d of ['state', 'spool']) fs.mkdirSync(path.join(dir, d));
      fs.writeFileSync(conf, [
        'ClusterName=filtermine-test',
        `SlurmctldHost=${nodeName}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `StateSaveLocation=${path.join(dir, 'state')}`,
        `SlurmdSpoolDir=${path.join(dir, 'spool')}`,
        `SlurmctldPidFile=${path.join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${path.join(dir, 'slurmd.pid')}`,
        // No cgroups: track job processes through their parents, bind nothing, account nothing.
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'MpiDefault=none',
        'SwitchType=switch/none',
        'SchedulerType=sched/backfill',
        'SchedulerParameters=sched_interval=1',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'ReturnToService=2',
        'InactiveLimit=0',
        'KillWait=5',
        // Finished jobs stay visible to scontrol for the whole test (there is no accounting database).
        'MinJobAge=3600',
        `${nodeLine.trim()} NodeAddr=127.0.0.1 State=UNKNOWN`,
        `PartitionName=${partition} Nodes=ALL Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'));
      cluster.daemon('slurmctld', 'slurmctld', ['-D', '-f', conf]);
      cluster.daemon('slurmd', 'slurmd', ['-D', '-f', conf]);
      await cluster.waitFor(() => /^idle/.test(cluster.run('sinfo', ['-h', '-N', '-o', '%T'], true).trim()), 60_000, `node ${nodeName} to become idle`);
      return cluster;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  /**
   * Runs a Slurm command against this cluster.
   * @param lenient return '' instead of throwing on a non-zero exit
   * @returns its stdout
   */
  run(cmd: string, args: string[], lenient = false): string {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: this.env, timeout: 30_000 });
    if (r.status !== 0 && !lenient) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}): ${r.stderr}${r.error ?? ''}`);
    return r.status === 0 ? r.stdout : '';
  }

  /** States of a job, or of every task of an array job, from `scontrol show job`. */
  jobStates(id: string): JobState[] {
    return this.run('scontrol', ['show', 'job', '-o', id]).split('\n').filter((l) => l.trim()).map((l) => {
      const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(l)?.[1] ?? '';
      const task = field('ArrayTaskId');
      return { id: task ? `${field('ArrayJobId')}_${task}` : field('JobId'), state: field('JobState'), reason: field('Reason'), exitCode: field('ExitCode') };
    });
  }

  /** Waits until no task of the job is pending or running. */
  async waitForJob(id: string, timeoutMs: number): Promise<JobState[]> {
    await this.waitFor(() => this.run('squeue', ['-h', '-j', id, '-o', '%i'], true).trim() === '', timeoutMs, `job ${id} to end`);
    return this.jobStates(id);
  }

  /**
   * Polls `ready` every 50 ms.
   * @throws after `timeoutMs`, with the daemons' log tails
   */
  async waitFor(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (!ready()) {
      const dead = this.daemons.find((d) => !running(d.child));
      if (dead) throw new Error(`${dead.name} is not running (exit status ${dead.child.exitCode}, signal ${dead.child.signalCode}) while waiting for ${what}\n${this.logTails()}`);
      if (Date.now() > until) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${this.logTails()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The last lines of every daemon's log, for failure messages. */
  logTails(): string {
    return this.daemons.map((d) => {
      const text = fs.existsSync(d.log) ? fs.readFileSync(d.log, 'utf8') : '(no log)';
      return `--- ${d.name} (${d.log}) ---\n${text.split('\n').slice(-15).join('\n')}`;
    }).join('\n');
  }

  /**
   * Cancels every job, waits for them to end, then stops slurmd, slurmctld and munged (SIGTERM,
   * SIGKILL after 10 s) and removes the folder. Safe to call twice, and after a failed start.
   */
  async stop(): Promise<void> {
    const ctld = this.daemons.find((d) => d.name === 'slurmctld' && running(d.child));
    if (ctld) {
      this.run('scancel', ['--user', 'root'], true);
      try {
        await this.waitFor(() => this.run('squeue', ['-h', '-o', '%i'], true).trim() === '', 20_000, 'cancelled jobs to end');
      } catch { /* stopping the daemons below still ends the job steps' parents */ }
    }
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      for (const d of this.daemons.filter((x) => x.name === name && running(x.child))) {
        const exited = new Promise<void>((r) => d.child.once('exit', () => r()));
        d.child.kill('SIGTERM');
        const timer = setTimeout(() => d.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    }
    this.daemons.length = 0;
    this.forgetExitHandler();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private daemon(name: string, cmd: string, args: string[]): void {
    const log = path.join(this.dir, `${name}.log`);
    const fd = fs.openSync(log, 'a');
    const child = spawn(cmd, args, { env: this.env, stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    child.on('error', (e) => fs.appendFileSync(log, `could not start ${cmd}: ${e.message}\n`));
    this.daemons.push({ name, child, log });
  }
}

/** Whether a child process was started and has not exited. */
function running(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
