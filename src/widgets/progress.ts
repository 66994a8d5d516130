/**
 * A progress bar for long notebook cells that updates in place: a tslab `newDisplay()` overwritten on
 * each update inside a kernel, stderr under plain Node.
 */
import { escapeHtml } from './escape';
import { formatNumber } from './format';
import { formatDuration } from '../util/progress';

/** What a progress bar shows at one moment. */
export interface ProgressBarState {
  /** Label, e.g. 'extracting patches'. */
  label: string;
  /** Units done so far. */
  done: number;
  /** Units in total (0 means nothing to do: shown as complete). */
  total: number;
  /** Milliseconds since the bar started. */
  elapsedMs: number;
  /** True once `done()` was called. */
  finished: boolean;
}

/** Receives every rendered update. */
export interface ProgressBarSink {
  /** Called with the current state; `final` is true for the last update. */
  update(state: ProgressBarState, final: boolean): void;
}

/** Options for {@link progressBar}. */
export interface ProgressBarOptions {
  /** Label shown before the bar (default 'progress'). */
  label?: string;
  /** Where updates go (default: tslab in a kernel, else stderr). */
  sink?: ProgressBarSink;
  /** Clock in milliseconds (default `Date.now`; tests inject one). */
  now?: () => number;
  /** Least time between two displayed updates, in ms (default 200); the final update always shows. */
  minIntervalMs?: number;
}

/** A running progress bar. */
export interface ProgressBar {
  /** Adds `n` (default 1) finished units. @throws {Error} for a negative or non-finite n, or after done(). */
  tick(n?: number): void;
  /** Marks the work finished and shows the final state; later calls do nothing. */
  done(): void;
  /** The current state (a copy). */
  state(): ProgressBarState;
}

const defaults = { label: 'progress', minIntervalMs: 200 };

function fraction(s: ProgressBarState): number {
  return s.total === 0 ? 1 : Math.min(1, s.done / s.total);
}

function duration(ms: number): string {
  return formatDuration(ms / 1000);
}

function eta(s: ProgressBarState): string {
  const f = fraction(s);
  if (s.finished || f >= 1) return `done in ${duration(s.elapsedMs)}`;
  if (f <= 0 || s.elapsedMs <= 0) return `${duration(s.elapsedMs)} elapsed`;
  return `${duration(s.elapsedMs)} elapsed, ~${duration((s.elapsedMs * (1 - f)) / f)} left`;
}

/**
 * Plain-text rendering, e.g. `patches [#######-------------] 35% 7/20 3s elapsed, ~6s left`.
 * @param s The state.
 * @param width Bar width in characters (default 30).
 */
export function progressText(s: ProgressBarState, width = 30): string {
  const f = fraction(s);
  const filled = Math.round(f * width);
  return `${s.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(f * 100)}% ` +
    `${formatNumber(s.done)}/${formatNumber(s.total)} ${eta(s)}`;
}

/**
 * HTML rendering: a labelled bar (label escaped).
 * @param s The state.
 */
export function progressHtml(s: ProgressBarState): string {
  const f = fraction(s);
  const pct = Math.floor(f * 100);
  return (
    `<div class="fm-widget fm-progress" data-fm-kind="progress" style="font:12px sans-serif;display:flex;align-items:center;gap:8px">` +
    `<span>${escapeHtml(s.label)}</span>` +
    `<span style="display:inline-block;width:240px;height:10px;background:#e5e5e5;border-radius:3px;overflow:hidden">` +
    `<span style="display:block;height:100%;width:${(f * 100).toFixed(1)}%;background:${s.finished ? '#2ca02c' : '#1f77b4'}"></span></span>` +
    `<span>${pct}% · ${escapeHtml(formatNumber(s.done))}/${escapeHtml(formatNumber(s.total))} · ${escapeHtml(eta(s))}</span></div>`
  );
}

/** stderr sink: rewrites one line on a terminal, else prints a line per 10% step and at the end. */
export function stderrProgressSink(stream: NodeJS.WriteStream = process.stderr): ProgressBarSink {
  let lastDecile = -1;
  return {
    update(s, final) {
      if (stream.isTTY) {
        stream.write(`\r${progressText(s)}${final ? '\n' : ''}`);
        return;
      }
      const decile = Math.floor(fraction(s) * 10);
      if (final || decile > lastDecile) {
        lastDecile = decile;
        stream.write(progressText(s) + '\n');
      }
    },
  };
}

/** tslab sink if running inside a kernel (its first write succeeds), else stderr. */
function defaultSink(): ProgressBarSink {
  let target: { html(s: string): void } | undefined;
  try {
    // Lazy: loading tslab pulls in its TypeScript; plain mocha never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    target = (require('tslab') as typeof import('tslab')).newDisplay();
  } catch {
    target = undefined;
  }
  const fallback = stderrProgressSink();
  return {
    update(s, final) {
      if (target) {
        try {
          target.html(progressHtml(s));
          return;
        } catch (e) {
          if (!(e instanceof Error && /not ready/i.test(e.message))) throw e;
          target = undefined; // not in a kernel
        }
      }
      fallback.update(s, final);
    },
  };
}

/**
 * Starts a progress bar that updates in place (at most every `minIntervalMs`).
 * @param total Units of work (a non-negative integer).
 * @param options Label, sink, clock, update interval.
 * @returns `{tick, done, state}`.
 * @throws {Error} For a bad total.
 * @example const bar = progressBar(images.length, {label: 'Grad-CAM'}); for (...) { ...; bar.tick(); } bar.done();
 */
export function progressBar(total: number, options: ProgressBarOptions = {}): ProgressBar {
  if (!Number.isInteger(total) || total < 0) throw new Error(`progressBar: total must be a non-negative integer, got ${total}`);
  const label = options.label ?? defaults.label;
  const now = options.now ?? Date.now;
  const minInterval = options.minIntervalMs ?? defaults.minIntervalMs;
  const sink = options.sink ?? defaultSink();
  const start = now();
  let count = 0;
  let finished = false;
  let lastShown = -Infinity;
  const state = (): ProgressBarState => ({ label, done: count, total, elapsedMs: now() - start, finished });
  const render = (final: boolean): void => {
    const t = now();
    if (!final && t - lastShown < minInterval) return;
    lastShown = t;
    sink.update(state(), final);
  };
  render(false);
  return {
    tick(n = 1) {
      if (finished) throw new Error('progressBar: tick() after done()');
      if (!Number.isFinite(n) || n < 0) throw new Error(`progressBar: tick(n) needs a finite n >= 0, got ${n}`);
      count += n;
      render(false);
    },
    done() {
      if (finished) return;
      finished = true;
      render(true);
    },
    state,
  };
}

/**
 * A progress callback `(done, total)` for the long steps that report cumulative counts (extraction,
 * sweeps): the first call starts an in-place bar with that total, later calls move it, and it
 * finishes when done reaches total.
 * @param label Label of the bar.
 * @param options Sink, clock and interval, as for {@link progressBar}.
 * @example await runExtraction(model, { onProgress: progressCallback('extracting') });
 */
export function progressCallback(label: string, options: Omit<ProgressBarOptions, 'label'> = {}): (done: number, total: number) => void {
  let bar: ProgressBar | null = null;
  let seen = 0;
  return (done: number, total: number): void => {
    if (!bar) bar = progressBar(total, { ...options, label });
    if (done > seen) { bar.tick(done - seen); seen = done; }
    if (done >= total) bar.done();
  };
}
