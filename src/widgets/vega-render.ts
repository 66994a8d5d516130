/**
 * Static rendering of vega-lite specs in Node (vega-lite compile, then vega's headless View.toSVG).
 * vega and vega-lite are ES modules: they are loaded with a real dynamic `import()` (tsconfig
 * module Node16 keeps it), once per process.
 */

/** The part of vega's API used here (declared locally: vega is ESM, this file is CommonJS). */
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void };
}

/** The part of vega-lite's API used here. */
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}

let modules: Promise<[VegaModule, VegaLiteModule]> | undefined;

/** Loads vega and vega-lite once (a module cache, not semantic state). */
function loadVega(): Promise<[VegaModule, VegaLiteModule]> {
  modules ??= Promise.all([import('vega') as Promise<unknown> as Promise<VegaModule>, import('vega-lite') as Promise<unknown> as Promise<VegaLiteModule>]);
  return modules;
}

/**
 * Renders a vega-lite spec to an SVG string in Node. Text in the SVG is escaped by vega.
 * @param spec A vega-lite specification (with inline data).
 * @returns The SVG markup.
 * @throws {Error} When vega-lite cannot compile the spec.
 */
export async function vegaLiteToSvg(spec: unknown): Promise<string> {
  const [vega, vl] = await loadVega();
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
