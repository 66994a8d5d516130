/**
 * The HTML shell shared by the chart widgets: a container with a live area filled by an inline
 * script (plotly.js or vega-embed, from the page) and a static fallback that stays visible when
 * scripts are stripped or the library is absent.
 */
import { createHash } from 'node:crypto';
import { libraryScripts, type WidgetLibrary } from './bundles';
import { jsonForScript } from './escape';

/** Chart kinds the shell can render. */
export type ChartKind = 'plotly' | 'vega-lite';

/** How a chart output gets its library. */
export type LibraryMode = 'shared' | 'inline';

/** Options common to the chart widgets. */
export interface ChartOptions {
  /**
   * 'shared' (default): use the library loaded once per page by `show(widgetsSetup())`.
   * 'inline': the output carries the library itself (guarded, so a page that already has it does
   * not load it twice); use for a chart shown outside a prepared notebook. plotly's basic bundle is about 1.2 MB.
   */
  library?: LibraryMode;
  /** Render the static SVG fallback with vega in Node (default true). */
  staticFallback?: boolean;
}

const kindLibrary: Record<ChartKind, { lib: WidgetLibrary; global: string }> = {
  plotly: { lib: 'plotly', global: 'Plotly' },
  'vega-lite': { lib: 'vega', global: 'vegaEmbed' },
};

/**
 * Browser code rendering a payload into the first not-yet-rendered container with this id.
 * Looking containers up by a content id (instead of `document.currentScript`) works in the classic
 * notebook too, where jQuery runs output scripts detached from the output.
 */
function renderScript(kind: ChartKind, id: string, payloadJson: string): string {
  const { global } = kindLibrary[kind];
  const draw =
    kind === 'plotly'
      ? `window.Plotly.newPlot(live, p.data, p.layout, p.config)`
      : `window.vegaEmbed(live, p, {renderer: 'svg', actions: false})`;
  return `(function () {
  var els = document.querySelectorAll('[data-fm-id="${id}"]'), el = null;
  for (var i = 0; i < els.length; i++) if (!els[i].getAttribute('data-fm-state')) { el = els[i]; break; }
  if (!el) return;
  var live = el.querySelector('.fm-live'), fallback = el.querySelector('.fm-static');
  el.setAttribute('data-fm-state', 'waiting');
  var p = ${payloadJson}, tries = 0;
  // A library loaded by a separate script (a published notebook's loader) may arrive a little later.
  (function draw() {
    if (typeof window.${global} === 'undefined') {
      if (++tries < 30) { setTimeout(draw, 100); return; }
      el.setAttribute('data-fm-state', 'no-library');
      live.textContent = 'Interactive chart needs show(widgetsSetup()) earlier in the notebook; showing the static image.';
      return;
    }
    el.setAttribute('data-fm-state', 'rendering');
    Promise.resolve().then(function () { return ${draw}; }).then(function () {
      el.setAttribute('data-fm-state', 'done');
      if (fallback) fallback.style.display = 'none';
    }, function (err) {
      el.setAttribute('data-fm-state', 'error');
      console.error('filtermine ${kind} chart failed:', err);
    });
  })();
})();`;
}

/**
 * Builds the chart shell.
 * @param kind 'plotly' (payload = figure `{data, layout, config}`) or 'vega-lite' (payload = spec).
 * @param payload The JSON payload, embedded with `<` escaped (see jsonForScript).
 * @param fallbackHtml Static markup (an escaped SVG or an `<img>`) shown until the chart renders.
 * @param options Library mode.
 * @returns The HTML fragment.
 */
export function chartHtml(kind: ChartKind, payload: unknown, fallbackHtml: string, options: ChartOptions = {}): string {
  const payloadJson = jsonForScript(payload);
  const id = 'fm-' + createHash('sha1').update(kind).update('\0').update(payloadJson).digest('hex').slice(0, 16);
  const lib = options.library === 'inline' ? libraryScripts(kindLibrary[kind].lib) + '\n' : '';
  return (
    lib +
    `<div class="fm-widget fm-chart" data-fm-kind="${kind}" data-fm-id="${id}">` +
    `<div class="fm-live"></div>` +
    `<div class="fm-static">${fallbackHtml}</div>` +
    `<script>${renderScript(kind, id, payloadJson)}</script>` +
    `</div>`
  );
}
