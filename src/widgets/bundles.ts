/**
 * The chart libraries, read from node_modules and inlined into the page so plots render with no
 * network access, live and in the published HTML alike. I/O (file reads) lives here only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Displayable } from './displayable';
import { escapeHtml } from './escape';

/** A group of browser libraries the widgets need: 'plotly' (plotly.js) or 'vega' (vega, vega-lite, vega-embed). */
export type WidgetLibrary = 'plotly' | 'vega';

interface BundleFile {
  /** npm package name. */
  pkg: string;
  /** File name of the browser build, next to the package's resolved entry point. */
  file: string;
  /** Global the bundle defines. */
  global: string;
}

const libraryFiles: Record<WidgetLibrary, BundleFile[]> = {
  plotly: [{ pkg: 'plotly.js-dist-min', file: 'plotly.min.js', global: 'Plotly' }],
  vega: [
    { pkg: 'vega', file: 'vega.min.js', global: 'vega' },
    { pkg: 'vega-lite', file: 'vega-lite.min.js', global: 'vegaLite' },
    { pkg: 'vega-embed', file: 'vega-embed.min.js', global: 'vegaEmbed' },
  ],
};

/** All library groups, in load order. */
export const widgetLibraries: readonly WidgetLibrary[] = ['plotly', 'vega'];

/** Cache of bundle text by package: file contents never change while a process runs. */
const bundleCache = new Map<string, { code: string; version: string }>();

/** Finds the package.json of `pkg` by walking up from its resolved entry point. */
function packageJsonFor(pkg: string, entry: string): { version: string } {
  let dir = path.dirname(entry);
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const json = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (json.name === pkg) return { version: json.version ?? '?' };
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`widgets: package.json of '${pkg}' not found above ${entry}`);
    dir = up;
  }
}

/** Reads one browser bundle (cached). */
function readBundle(b: BundleFile): { code: string; version: string } {
  const hit = bundleCache.get(b.pkg);
  if (hit) return hit;
  let entry: string;
  try {
    entry = require.resolve(b.pkg);
  } catch {
    throw new Error(`widgets: package '${b.pkg}' is not installed (needed for offline charts)`);
  }
  const file = path.join(path.dirname(entry), b.file);
  if (!fs.existsSync(file)) throw new Error(`widgets: browser build ${file} of '${b.pkg}' is missing`);
  // Source-map comments would make a browser's devtools request the map; drop them.
  const code = fs.readFileSync(file, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/gm, '');
  const out = { code, version: packageJsonFor(b.pkg, entry).version };
  bundleCache.set(b.pkg, out);
  return out;
}

/**
 * Versions of the bundled libraries, e.g. `{plotly.js-dist-min: '4.1.2', vega: '6.4.0', ...}`.
 * @param libraries Library groups to report (default all).
 * @returns Package name → version.
 */
export function widgetLibraryVersions(libraries: readonly WidgetLibrary[] = widgetLibraries): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lib of libraries) for (const b of libraryFiles[lib]) out[b.pkg] = readBundle(b).version;
  return out;
}

/**
 * An inline `<script>` element per bundle of a library group. Each defines its global only if the
 * page does not have it yet, and hides `define`/`module`/`exports` so the UMD bundles set globals
 * even in pages that load require.js (the classic Jupyter notebook does).
 * @param library The library group.
 * @returns HTML with one `<script>` per bundle (plotly is about 4.8 MB, vega's three about 0.8 MB).
 * @throws {Error} When a package or its browser build is missing.
 */
export function libraryScripts(library: WidgetLibrary): string {
  const files = libraryFiles[library];
  if (!files) throw new Error(`widgets: unknown library '${String(library)}'; expected one of ${widgetLibraries.join(', ')}`);
  return files
    .map((b) => {
      const { code } = readBundle(b);
      // The bundles contain no '</script' (checked in tests); the guard keeps a second copy inert.
      return (
        `<script data-fm-library="${escapeHtml(b.pkg)}">` +
        `if (typeof window.${b.global} === 'undefined') {(function (define, module, exports) {\n${code}\n}).call(window);}` +
        `</script>`
      );
    })
    .join('\n');
}

/** Options for {@link widgetsSetup}. */
export interface WidgetsSetupOptions {
  /** Library groups to load (default both 'plotly' and 'vega'). */
  libraries?: readonly WidgetLibrary[];
}

/**
 * The output for a notebook's first cell: loads the chart libraries into the page once, inline (no
 * network), so later chart outputs can render. Displaying it twice is harmless.
 * @param options Which libraries to load.
 * @returns A Displayable whose html holds the library scripts and a one-line note.
 * @example show(widgetsSetup());
 */
export function widgetsSetup(options: WidgetsSetupOptions = {}): Displayable {
  const libs = options.libraries ?? widgetLibraries;
  for (const l of libs) {
    if (!widgetLibraries.includes(l)) throw new Error(`widgetsSetup: unknown library '${String(l)}'; expected one of ${widgetLibraries.join(', ')}`);
  }
  const versions = widgetLibraryVersions(libs);
  const note = Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const html =
    libs.map(libraryScripts).join('\n') +
    `\n<div class="fm-widget fm-setup" style="font:12px sans-serif;color:#666">filtermine widgets: ${escapeHtml(note)} loaded inline (no network)</div>`;
  return { html };
}
