/**
 * Widgets: pure functions from results to displayable outputs (charts, mosaics, tables, progress),
 * rendered offline with locally bundled plotly.js and vega-lite.
 */
export * from './displayable';
export * from './escape';
export * from './format';
export { widgetsSetup, widgetLibraryVersions, libraryScripts, widgetLibraries, type WidgetLibrary, type WidgetsSetupOptions } from './bundles';
export type { ChartOptions, ChartKind, LibraryMode } from './chart-html';
export { vegaLiteToSvg } from './vega-render';
export type { TableLike } from './rows';
export * from './ablation-curve';
export * from './rule-charts';
export { jet, viridis, colormaps, resolveColormap, type Colormap } from './colormap';
export { encodePng, decodePng, type RgbaImage, type ImageStack } from './raster';
export * from './mosaic';
export * from './table';
export * from './progress';
export * from './page';
export * from './tuner';
