/**
 * A standalone HTML page of widgets (the libraries inlined once at the top), for exporting figures
 * outside a notebook and for the headless-browser check.
 */
import { libraryScripts, widgetLibraries, type WidgetLibrary } from './bundles';
import type { Displayable } from './displayable';
import { escapeHtml } from './escape';

/** Options for {@link widgetPage}. */
export interface WidgetPageOptions {
  /** Page title (escaped). */
  title?: string;
  /** Libraries to inline (default: those the widgets need, judged by their chart kinds). */
  libraries?: readonly WidgetLibrary[];
}

/**
 * Builds a complete HTML document holding the widgets in order.
 * @param parts Widget outputs.
 * @param options Title and libraries.
 * @returns The HTML text (UTF-8).
 */
export function widgetPage(parts: readonly Displayable[], options: WidgetPageOptions = {}): string {
  const marker: Record<WidgetLibrary, string> = { plotly: 'data-fm-kind="plotly"', vega: 'data-fm-kind="vega-lite"', tuner: 'data-fm-kind="tuner"' };
  const needed = options.libraries ?? widgetLibraries.filter((lib) => parts.some((p) => p.html.includes(marker[lib])));
  const title = escapeHtml(options.title ?? 'filtermine');
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>\n` +
    needed.map(libraryScripts).join('\n') +
    `\n</head><body style="font-family:sans-serif;margin:16px">\n<h1 style="font-size:18px">${title}</h1>\n` +
    parts.map((p) => `<section class="fm-section">${p.html}</section>`).join('\n') +
    `\n</body></html>\n`
  );
}
