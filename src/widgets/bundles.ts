/**
 * The chart libraries, read from node_modules and inlined into the page so plots render with no
 * network access, live and in the published HTML alike. I/O (file reads) lives here only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Displayable } from './displayable';
import { escapeHtml } from './escape';
import { packageRoot, packageVersion } from '../util/package-root';

/** Name of the project's own browser bundle among the libraries. */
export const TUNER_BUNDLE = 'filtermine-tuner';

/**
 * The tuner's browser bundle: dist/browser/filtermine-tuner.js as `npm run build` writes it, or,
 * when it is missing (a build by plain tsc), compiled now with esbuild into the same place.
 */
function tunerBundleCode(): string {
  const root = packageRoot();
  const file = path.join(root, 'dist', 'browser', 'filtermine-tuner.js');
  if (!fs.existsSync(file)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildBrowserBundle } = require(path.join(root, 'scripts', 'build-browser.js')) as { buildBrowserBundle: () => unknown };
    buildBrowserBundle();
  }
  return fs.readFileSync(file, 'utf8');
}

/**
 * A group of browser libraries the widgets need: 'plotly' (plotly.js, its basic partial bundle:
 * the charts use scatter traces only), 'vega' (vega, vega-lite, vega-embed) or 'tuner' (filtermine's
 * own mining code and tuner, compiled for the browser by scripts/build-browser.js).
 */
export type WidgetLibrary = 'plotly' | 'vega' | 'tuner';

interface BundleFile {
  /** npm package name ('filtermine-tuner' for the project's own browser bundle). */
  pkg: string;
  /** File name of the browser build, next to the package's resolved entry point. */
  file: string;
  /** Global the bundle defines. */
  global: string;
}

const libraryFiles: Record<WidgetLibrary, BundleFile[]> = {
  plotly: [{ pkg: 'plotly.js-basic-dist-min', file: 'plotly-basic.min.js', global: 'Plotly' }],
  vega: [
    { pkg: 'vega', file: 'vega.min.js', global: 'vega' },
    { pkg: 'vega-lite', file: 'vega-lite.min.js', global: 'vegaLite' },
    { pkg: 'vega-embed', file: 'vega-embed.min.js', global: 'vegaEmbed' },
  ],
  tuner: [{ pkg: TUNER_BUNDLE, file: 'filtermine-tuner.js', global: 'filtermineTuner' }],
};

/** All library groups, in load order. */
export const widgetLibraries: readonly WidgetLibrary[] = ['plotly', 'vega', 'tuner'];

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
  if (b.pkg === TUNER_BUNDLE) {
    const out = { code: tunerBundleCode(), version: packageVersion() };
    bundleCache.set(b.pkg, out);
    return out;
  }
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
 * Versions of the bundled libraries, e.g. `{'plotly.js-basic-dist-min': '4.1.1', vega: '6.4.0', ...}`.
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
 * @returns HTML with one `<script>` per bundle (plotly's basic bundle is about 1.2 MB, vega's three
 *   about 0.8 MB, the tuner about 35 KB).
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
  /** Library groups to load (default all: 'plotly', 'vega' and 'tuner'). */
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
