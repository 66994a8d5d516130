/**
 * A text progress line for long loops (training, extraction, evaluation), written to stderr:
 * redrawn in place on a terminal, one line every few seconds when redirected to a log file. The
 * notebook progress bar (widgets/progress) shares its duration format.
 */

/** What one progress line shows. */
export interface ProgressState {
  /** Label, e.g. `epoch 2/5`. */
  label: string;
  /** Items (batches) done and total. */
  done: number;
  total: number;
  /** Named running figures, e.g. `{loss: 0.41, acc: 0.87}`. */
  figures?: Record<string, number>;
  /** Throughput in images per second. */
  imagesPerSecond?: number;
  /** Estimated seconds left. */
  etaSeconds?: number;
}

/** `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

/**
 * One progress line: `epoch 1/5 [=====>    ] 120/938 loss 0.4213 acc 0.8512 1234 img/s ETA 3m12s`.
 * Pure formatting.
 */
export function formatProgress(p: ProgressState, barWidth = 24): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  const filled = Math.round(frac * barWidth);
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (frac >= 1 ? '=' : '>') : '') + ' '.repeat(barWidth - filled);
  const parts = [`${p.label} [${bar}] ${p.done}/${p.total}`];
  for (const [k, v] of Object.entries(p.figures ?? {})) parts.push(`${k} ${v.toFixed(4)}`);
  if (p.imagesPerSecond !== undefined) parts.push(`${Math.round(p.imagesPerSecond)} img/s`);
  if (p.etaSeconds !== undefined) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(' ');
}

/** Where progress goes: a writable with an optional TTY flag (process.stderr fits). */
export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** Options of {@link progressReporter}. */
export interface ProgressReporterOptions {
  /** Seconds between lines when the sink is not a terminal. Default 15. */
  logEverySeconds?: number;
  /** Clock in ms (for tests). Default `Date.now`. */
  now?: () => number;
}

/** Reports progress states to a sink; call `end()` to finish the line. */
export interface ProgressReporter {
  update(p: ProgressState): void;
  end(p: ProgressState): void;
}

/**
 * A progress reporter: redraws one line with `\r` on a TTY, otherwise writes a line at most every
 * `logEverySeconds` (and always on `end`).
 */
export function progressReporter(sink: ProgressSink, options: ProgressReporterOptions = {}): ProgressReporter {
  const every = (options.logEverySeconds ?? 15) * 1000;
  const now = options.now ?? Date.now;
  let last = -Infinity;
  return {
    update(p) {
      if (sink.isTTY) { sink.write(`\r${formatProgress(p)}\x1b[K`); return; }
      const t = now();
      if (t - last >= every) { last = t; sink.write(formatProgress(p) + '\n'); }
    },
    end(p) {
      sink.write(sink.isTTY ? `\r${formatProgress(p)}\x1b[K\n` : formatProgress(p) + '\n');
      last = now();
    },
  };
}
