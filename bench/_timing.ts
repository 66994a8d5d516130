/** Shared timing helpers for benchmarks: run a function several times, report the median. */
import { performance } from 'node:perf_hooks';

/** Runs `fn` `warmup` times untimed, then `reps` times, and returns the per-run times in ms, sorted. */
export async function timeRuns(fn: () => unknown | Promise<unknown>, reps = 5, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

/** The median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
