/**
 * The Slurm job a process runs in, and whether a recorded job still runs. A shard's lock file
 * names its holder's job, so the resubmission of an array task that was cancelled, timed out or
 * lost its node can take the lock over even when it runs on another node (where the holder's
 * process id means nothing).
 */
import { spawnSync } from 'node:child_process';

/** `<array job>_<task>` for an array task, else the job id; undefined outside Slurm. */
export function currentSlurmJob(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SLURM_ARRAY_JOB_ID && env.SLURM_ARRAY_TASK_ID) return `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID}`;
  return env.SLURM_JOB_ID || undefined;
}

/**
 * Whether Slurm says the job has ended: `squeue` lists only jobs that are pending, running or
 * finishing, and forgets ended ones after a while ("Invalid job id").
 * @returns false while it is listed, and when Slurm cannot be asked (no squeue here)
 */
export function slurmJobEnded(job: string): boolean {
  if (!/^\d+(_\d+)?$/.test(job)) return false;
  const r = spawnSync('squeue', ['-h', '-j', job, '-o', '%T'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error) return false;
  if (r.status !== 0) return /invalid job id/i.test(r.stderr ?? '');
  return r.stdout.trim() === '';
}
