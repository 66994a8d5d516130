/**
 * Opens an HTML page (a widget page or a published notebook, out/*.html) in headless Chromium with
 * no network, and reports whether its charts rendered, its images are non-blank and it logged no
 * errors. Reusable: point it at any published notebook page.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's Chromium (apt-get install chromium). */
export const chromiumPath = '/usr/bin/chromium';

/** True when the browser the checker needs is installed. */
export function chromiumAvailable(): boolean {
  return fs.existsSync(chromiumPath);
}

/** What was found for one chart. */
export interface ChartCheck {
  /** 'plotly' or 'vega-lite'. */
  kind: 'plotly' | 'vega-lite';
  /** Position among the page's charts of this kind. */
  index: number;
  /** The widget's render state (data-fm-state: done, error, no-library), null for foreign charts. */
  state: string | null;
  /** Data marks found in the chart's SVG (lines, points, bars, areas). */
  marks: number;
  /** An SVG with at least one data mark is inside the chart's container. */
  ok: boolean;
}

/** What was found for one image. */
export interface ImageCheck {
  /** Widget kind (mosaic, average, overlay) or 'img'. */
  kind: string;
  width: number;
  height: number;
  /** Variance of the luminance over all pixels (0..255 scale). */
  variance: number;
  /** Variance above the blank threshold. */
  nonBlank: boolean;
}

/** Result of {@link checkRenderedPage}. */
export interface PageCheck {
  /** Every plotly and vega-lite chart found. */
  charts: ChartCheck[];
  /** All plotly charts rendered; null when the page has none (never vacuously true). */
  plotlyOk: boolean | null;
  /** All vega-lite charts rendered; null when the page has none. */
  vegaOk: boolean | null;
  /** The widget images (mosaics, averages, overlays). */
  images: ImageCheck[];
  /** All widget images are non-blank; null when the page has none. */
  mosaicsNonBlank: boolean | null;
  /** Console errors and uncaught page errors. */
  consoleErrors: string[];
  /** Requests the checker refused (anything but file: and data:). */
  blockedRequests: string[];
  /** Messages of alert/confirm/prompt dialogs the page opened (an injected `alert(1)` shows here). */
  dialogs: string[];
  /** Elements that look injected from a hostile label (`img[src="x"]`, any `[onerror]`). */
  injectedElements: number;
  /** Strings from `expectText` not found in the page's rendered text (charts' SVG text included). */
  missingText: string[];
  /** Path of the full-page screenshot. */
  screenshot: string;
}

/** Options for {@link checkRenderedPage}. */
export interface CheckPageOptions {
  /** Folder for the screenshot (default <project>/test-output). */
  screenshotDir?: string;
  /** Screenshot file name (default: the page's base name + '.png'). */
  screenshotName?: string;
  /** Longest wait for the page to load and its charts to render, ms (default 120000; a loaded 2-core machine needs tens of seconds for the chart libraries). */
  timeoutMs?: number;
  /** Texts that must appear as text in the rendered page. */
  expectText?: readonly string[];
  /** Luminance variance above which an image counts as non-blank (default 4). */
  blankVariance?: number;
}

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** Whether every item passes; null for an empty list (so a page with nothing found never passes by accident). */
function allOrNull<T>(items: readonly T[], pass: (item: T) => boolean): boolean | null {
  return items.length === 0 ? null : items.every(pass);
}

/** Runs inside the page: finds charts and images and measures them. */
function inspectPage(arg: { blankVariance: number; expectText: string[] }): {
  charts: ChartCheck[]; images: ImageCheck[]; injectedElements: number; missingText: string[];
} {
  const dataMarks = (root: Element, kind: string): number => {
    if (kind === 'plotly') {
      // Trace geometry (lines, points, fills, bars) lives under g.trace; the legend uses g.traces.
      return Array.from(root.querySelectorAll('svg.main-svg g.trace path'))
        .filter((p) => (p.getAttribute('d') ?? '').length > 2 && !p.closest('.legend')).length;
    }
    return Array.from(root.querySelectorAll('svg g.role-mark > path, svg g.role-mark > rect, svg g.role-mark > circle'))
      .filter((p) => !p.closest('[class*="role-axis"], [class*="role-legend"], [class*="role-title"]')).length;
  };
  const charts: ChartCheck[] = [];
  const counters: Record<string, number> = { plotly: 0, 'vega-lite': 0 };
  const add = (kind: 'plotly' | 'vega-lite', container: Element, state: string | null): void => {
    const svg = kind === 'plotly' ? container.querySelector('svg.main-svg') : container.querySelector('svg');
    const marks = svg ? dataMarks(container, kind) : 0;
    charts.push({ kind, index: counters[kind]++, state, marks, ok: !!svg && marks > 0 && (state === null || state === 'done') });
  };
  for (const el of Array.from(document.querySelectorAll('[data-fm-kind="plotly"], [data-fm-kind="vega-lite"]'))) {
    const kind = el.getAttribute('data-fm-kind') as 'plotly' | 'vega-lite';
    const live = el.querySelector('.fm-live') ?? el;
    add(kind, live, el.getAttribute('data-fm-state'));
  }
  // Charts not made by the widgets (e.g. plain plotly or vega-embed output in a notebook).
  for (const el of Array.from(document.querySelectorAll('.js-plotly-plot'))) {
    if (!el.closest('.fm-live')) add('plotly', el, null);
  }
  for (const el of Array.from(document.querySelectorAll('.vega-embed'))) {
    if (!el.closest('.fm-live')) add('vega-lite', el, null);
  }
  const images: ImageCheck[] = [];
  for (const img of Array.from(document.querySelectorAll('figure.fm-image img, img.fm-image-png')) as HTMLImageElement[]) {
    const fig = img.closest('[data-fm-kind]');
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    let variance = 0;
    if (canvas.width > 0 && canvas.height > 0) {
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let s = 0, s2 = 0;
      const n = d.length / 4;
      for (let p = 0; p < d.length; p += 4) {
        const v = 0.299 * d[p] + 0.587 * d[p + 1] + 0.114 * d[p + 2];
        s += v;
        s2 += v * v;
      }
      variance = s2 / n - (s / n) ** 2;
    }
    images.push({ kind: fig?.getAttribute('data-fm-kind') ?? 'img', width: img.naturalWidth, height: img.naturalHeight, variance, nonBlank: variance > arg.blankVariance });
  }
  const injectedElements = document.querySelectorAll('img[src="x"], [onerror]').length;
  const rendered = [document.body.innerText, ...Array.from(document.querySelectorAll('.fm-live, .js-plotly-plot, .vega-embed')).map((e) => e.textContent ?? '')].join('\n');
  const missingText = arg.expectText.filter((t) => !rendered.includes(t));
  return { charts, images, injectedElements, missingText };
}

/**
 * Opens `file` in headless Chromium (no network: every request other than file: and data: is
 * refused and recorded), waits for the widget charts to finish, checks charts, images and console,
 * and saves a full-page screenshot.
 * @param file Path of the HTML file.
 * @param options Screenshot location, timeout, expected texts.
 * @returns The findings; the caller decides what to assert.
 * @throws {Error} When Chromium is not installed or the file does not exist.
 */
export async function checkRenderedPage(file: string, options: CheckPageOptions = {}): Promise<PageCheck> {
  if (!chromiumAvailable()) throw new Error(`checkRenderedPage: ${chromiumPath} not found (apt-get install chromium)`);
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new Error(`checkRenderedPage: no file ${abs}`);
  const timeoutMs = options.timeoutMs ?? 120000;
  const shotDir = options.screenshotDir ?? path.resolve(__dirname, '../../../test-output');
  fs.mkdirSync(shotDir, { recursive: true });
  const screenshot = path.join(shotDir, options.screenshotName ?? path.basename(abs).replace(/\.html?$/i, '') + '.png');
  const browser = await launchOffline();
  const { page, consoleErrors, blockedRequests, dialogs } = browser;
  try {
    await page.goto(pathToFileURL(abs).href, { waitUntil: 'load', timeout: timeoutMs });
    // Wait for a settled page: every widget chart reports a final state (a finished one has drawn
    // its SVG) and every widget image has decoded. No fixed sleep: the condition is polled.
    await page
      .waitForFunction(
        () => {
          for (const e of Array.from(document.querySelectorAll('[data-fm-kind="plotly"], [data-fm-kind="vega-lite"]'))) {
            const state = e.getAttribute('data-fm-state') ?? '';
            if (!['done', 'error', 'no-library'].includes(state)) return false;
            if (state === 'done' && !e.querySelector('svg')) return false;
          }
          for (const img of Array.from(document.querySelectorAll('figure.fm-image img, img.fm-image-png')) as HTMLImageElement[]) {
            if (!img.complete) return false;
          }
          return true;
        },
        undefined,
        { timeout: timeoutMs, polling: 100 },
      )
      .catch(() => undefined); // reported below as charts not ok
    const found = await page.evaluate(inspectPage, { blankVariance: options.blankVariance ?? 4, expectText: [...(options.expectText ?? [])] });
    await page.screenshot({ path: screenshot, fullPage: true });
    const plotly = found.charts.filter((c) => c.kind === 'plotly');
    const vega = found.charts.filter((c) => c.kind === 'vega-lite');
    return {
      charts: found.charts,
      plotlyOk: allOrNull(plotly, (c) => c.ok),
      vegaOk: allOrNull(vega, (c) => c.ok),
      images: found.images,
      mosaicsNonBlank: allOrNull(found.images, (i) => i.nonBlank),
      consoleErrors,
      blockedRequests,
      dialogs,
      injectedElements: found.injectedElements,
      missingText: found.missingText,
      screenshot,
    };
  } finally {
    await browser.close();
  }
}

/** A headless Chromium page with the network blocked, recording console errors and dialogs. */
export interface OfflinePage {
  page: import('playwright-core').Page;
  /** Console errors and uncaught page errors. */
  consoleErrors: string[];
  /** Requests refused (anything but file: and data:). */
  blockedRequests: string[];
  /** alert/confirm/prompt messages. */
  dialogs: string[];
  close(): Promise<void>;
}

/**
 * Starts headless Chromium (Debian's, {@link chromiumPath}) with every request other than file:
 * and data: refused and recorded.
 * @throws {Error} When Chromium is not installed.
 */
export async function launchOffline(viewport = { width: 1100, height: 900 }): Promise<OfflinePage> {
  if (!chromiumAvailable()) throw new Error(`launchOffline: ${chromiumPath} not found (apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath, headless: true, args: chromiumArgs, serviceWorkers: 'block', viewport,
  });
  const consoleErrors: string[] = [], blockedRequests: string[] = [], dialogs: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blockedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return {
    page, consoleErrors, blockedRequests, dialogs,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
