/**
 * The output type of every widget and the one function that puts it in a notebook.
 * Widgets are pure (results in, `Displayable` out); only {@link show} touches the notebook.
 */

/** A rendered widget: self-contained HTML plus the raw pieces it was built from. */
export interface Displayable {
  /**
   * Self-contained HTML fragment. Charts hold an inline `<script>` that renders with the locally
   * bundled library (see {@link widgetsSetup}) and, beside it, a static SVG or PNG that stays
   * visible where a viewer strips scripts.
   */
  html: string;
  /** PNG bytes of the image widgets (mosaics, averages, overlays). */
  png?: Uint8Array;
  /** Static SVG of the charts (rendered in Node by vega). */
  svg?: string;
  /** The chart specification: a vega-lite spec or a plotly figure `{data, layout, config}`. */
  spec?: unknown;
}

/** The part of tslab's `Display` that {@link show} uses. */
export interface HtmlSink {
  /** Displays an HTML fragment. */
  html(s: string): void;
}

/** Options for {@link show}. */
export interface ShowOptions {
  /**
   * Where to display. Default: tslab's `display` inside a tslab kernel; outside one, a one-line note
   * on stdout (so notebooks' code also runs under plain Node).
   */
  sink?: HtmlSink;
}

/** Loads tslab only when needed, so widgets load under plain mocha without the kernel's TypeScript. */
function tslabDisplay(): HtmlSink | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tslab = require('tslab') as typeof import('tslab');
    return tslab.display;
  } catch {
    return undefined;
  }
}

/** Sink for plain Node: says what would have been shown. */
const stdoutSink: HtmlSink = {
  html(s: string): void {
    process.stdout.write(`[filtermine widget: ${s.length} bytes of HTML; shown only in a tslab notebook]\n`);
  },
};

/**
 * Displays a widget in the current tslab notebook cell (via `tslab.display.html`); outside a tslab
 * kernel, prints a one-line note to stdout instead.
 * @param d The widget output.
 * @param options Optional sink (tests pass their own).
 * @throws {Error} When `d` has no `html` string.
 */
export function show(d: Displayable, options: ShowOptions = {}): void {
  if (!d || typeof d.html !== 'string') throw new Error(`show: expected a Displayable with an html string, got ${typeof d}`);
  if (options.sink) {
    options.sink.html(d.html);
    return;
  }
  const display = tslabDisplay();
  if (display) {
    try {
      display.html(d.html);
      return;
    } catch (e) {
      // tslab throws "Not ready" when loaded outside a running kernel: fall back to stdout.
      if (!(e instanceof Error && /not ready/i.test(e.message))) throw e;
    }
  }
  stdoutSink.html(d.html);
}
