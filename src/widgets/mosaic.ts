/**
 * Patch mosaics (docs/method.md, "Visual patterns"): a grid of the patches of a filter set or class,
 * sorted by heatmap score, up to 128, each captioned on its tile; the pixel-average patch; heatmap overlays on the
 * input images. Pure: pixels in, PNG bytes and HTML out.
 */
import type { Displayable } from './displayable';
import { escapeHtml } from './escape';
import { formatNumber } from './format';
import { resolveColormap, type Colormap } from './colormap';
import {
  blankImage, blit, cropNearest, defaultRange, digitHeight, digitsWidth, drawDigits, encodePng,
  imageCount, pngDataUrl, toByte, type ImageStack, type RgbaImage,
} from './raster';

/** A square patch window on one image of a stack (as produced by patch extraction). */
export interface PatchBox {
  /** Index of the image in the stack. */
  image: number;
  /** Left column of the window. */
  x: number;
  /** Top row of the window. */
  y: number;
  /** Side of the window in pixels. */
  size: number;
  /** Heatmap score of the patch (mean Grad-CAM value inside it); mosaics sort by it, highest first. */
  score?: number;
}

/** Options for {@link patchMosaic}. */
export interface MosaicOptions {
  /** One label per box (e.g. class name or file name), written under its tile with its score. */
  labels?: readonly string[];
  /** Most patches shown (default 128, as in the paper). */
  maxPatches?: number;
  /** Tiles per row (default ceil(sqrt(n))). */
  columns?: number;
  /** Smallest tile side: small patches are upscaled by an integer factor with nearest neighbour (default 56). */
  minTileSize?: number;
  /** Pixels between tiles (default 2). */
  gap?: number;
  /** Draw each tile's number under it in the raster (default false: {@link patchMosaic} writes captions under the tiles instead). */
  numberTiles?: boolean;
  /** Blank pixels kept under each tile of the raster for captions (default 0; {@link patchMosaic} sets it when there are captions). */
  captionHeight?: number;
  /** 'score' (default): highest heatmap score first, ties in input order; 'none': input order. */
  sort?: 'score' | 'none';
  /** Pixel value range mapped to 0..255 (default [0, 255] for Uint8Array, [0, 1] for Float32Array). */
  valueRange?: readonly [number, number];
  /** Title shown above the caption list. */
  title?: string;
}

const mosaicDefaults = {
  maxPatches: 128,
  minTileSize: 56,
  gap: 2,
  numberTiles: false,
  captionHeight: 0,
  sort: 'score' as const,
};

const gapColor: [number, number, number] = [255, 255, 255];
const labelStrip = digitHeight + 2;

/** Validates boxes against the stack; throws naming the first bad box. */
function checkBoxes(images: ImageStack, boxes: readonly PatchBox[], n: number): void {
  boxes.forEach((b, i) => {
    const bad = (what: string): never => {
      throw new Error(`patch box ${i} ${JSON.stringify(b)}: ${what}`);
    };
    if (!b || typeof b !== 'object') bad('expected {image, x, y, size}');
    if (!Number.isInteger(b.image) || b.image < 0 || b.image >= n) bad(`image must be an integer in [0, ${n})`);
    if (!Number.isInteger(b.size) || b.size <= 0) bad('size must be a positive integer');
    if (!Number.isInteger(b.x) || !Number.isInteger(b.y) || b.x < 0 || b.y < 0) bad('x and y must be non-negative integers');
    if (b.x + b.size > images.width || b.y + b.size > images.height) bad(`window leaves the ${images.width}x${images.height} image`);
    if (b.score !== undefined && typeof b.score !== 'number') bad('score must be a number');
  });
}

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Tile side: the largest patch scaled by the smallest integer factor reaching `minTile`. */
function tileSide(maxSize: number, minTile: number): number {
  return maxSize * Math.max(1, Math.ceil(minTile / maxSize));
}

/** Grid geometry for `count` tiles of `tw`x`th`, each with a strip under it (numbers or captions). */
export interface MosaicGrid {
  columns: number;
  rows: number;
  cellW: number;
  cellH: number;
  gap: number;
  width: number;
  height: number;
}

function gridFor(count: number, tw: number, th: number, columns: number | undefined, gap: number, strip: number): MosaicGrid {
  const cols = columns === undefined ? Math.max(1, Math.ceil(Math.sqrt(count))) : positiveInt('columns', columns);
  const c = Math.min(cols, Math.max(1, count));
  const rows = Math.max(1, Math.ceil(count / c));
  const cellW = tw, cellH = th + strip;
  return { columns: c, rows, cellW, cellH, gap, width: c * cellW + (c + 1) * gap, height: rows * cellH + (rows + 1) * gap };
}

/** Places tiles on a grid, numbering them from 1. */
function composeGrid(tiles: readonly RgbaImage[], grid: MosaicGrid, numbered: boolean): RgbaImage {
  const out = blankImage(grid.width, grid.height, gapColor);
  tiles.forEach((t, i) => {
    const col = i % grid.columns, row = Math.floor(i / grid.columns);
    const x = grid.gap + col * (grid.cellW + grid.gap), y = grid.gap + row * (grid.cellH + grid.gap);
    blit(out, t, x, y);
    if (numbered) drawDigits(out, i + 1, x + Math.max(0, Math.floor((grid.cellW - digitsWidth(i + 1)) / 2)), y + t.height + 1, [40, 40, 40]);
  });
  return out;
}

/** Result of {@link mosaicRaster}. */
export interface MosaicRaster {
  /** The grid image. */
  image: RgbaImage;
  /** Indices into `boxes` of the tiles, in grid order (row-major). */
  order: number[];
  /** Side of one tile in pixels. */
  tile: number;
  /** The grid geometry (tile i sits at column i % columns, row floor(i / columns)). */
  grid: MosaicGrid;
}

/**
 * The mosaic as a raster: the pure core of {@link patchMosaic}.
 * @param images The image stack the boxes refer to.
 * @param boxes Patch windows.
 * @param options Mosaic options.
 * @returns The grid image and which box each tile shows.
 * @throws {Error} For an empty or invalid box list or bad options.
 */
export function mosaicRaster(images: ImageStack, boxes: readonly PatchBox[], options: MosaicOptions = {}): MosaicRaster {
  const o = { ...mosaicDefaults, ...options };
  const n = imageCount(images);
  if (!Array.isArray(boxes) || boxes.length === 0) throw new Error('patchMosaic: expected a non-empty array of patch boxes');
  checkBoxes(images, boxes, n);
  if (o.labels !== undefined && o.labels.length !== boxes.length) {
    throw new Error(`patchMosaic: labels has ${o.labels.length} entries, expected one per box (${boxes.length})`);
  }
  if (o.sort !== 'score' && o.sort !== 'none') throw new Error(`patchMosaic: sort must be 'score' or 'none', got '${String(o.sort)}'`);
  positiveInt('maxPatches', o.maxPatches);
  positiveInt('minTileSize', o.minTileSize);
  if (!Number.isInteger(o.gap) || o.gap < 0) throw new Error(`gap must be a non-negative integer, got ${o.gap}`);
  if (!Number.isInteger(o.captionHeight) || o.captionHeight < 0) throw new Error(`captionHeight must be a non-negative integer, got ${o.captionHeight}`);
  const range = defaultRange(images, o.valueRange);

  let order = boxes.map((_, i) => i);
  if (o.sort === 'score') {
    const s = (i: number): number => (typeof boxes[i].score === 'number' && !Number.isNaN(boxes[i].score) ? (boxes[i].score as number) : -Infinity);
    order.sort((a, b) => s(b) - s(a) || a - b);
  }
  order = order.slice(0, o.maxPatches);
  const maxSize = Math.max(...order.map((i) => boxes[i].size));
  const tile = tileSide(maxSize, o.minTileSize);
  const tiles = order.map((i) => cropNearest(images, boxes[i].image, boxes[i].x, boxes[i].y, boxes[i].size, tile, range));
  const grid = gridFor(tiles.length, tile, tile, o.columns, o.gap, Math.max(o.numberTiles ? labelStrip : 0, o.captionHeight));
  return { image: composeGrid(tiles, grid, o.numberTiles), order, tile, grid };
}

/** The figure markup shared by the image widgets. */
function figureHtml(kind: string, png: Uint8Array, img: RgbaImage, alt: string, caption: string, items: readonly string[], extra = ''): string {
  const list = items.length
    ? `<ol class="fm-tile-labels" style="columns:14em;font:11px sans-serif;margin:4px 0;padding-left:2.5em">${items.map((t) => `<li>${t}</li>`).join('')}</ol>`
    : '';
  return (
    `<figure class="fm-widget fm-image fm-${kind}" data-fm-kind="${kind}" style="margin:8px 0">` +
    `<img class="fm-image-png" src="${pngDataUrl(png)}" width="${img.width}" height="${img.height}" alt="${escapeHtml(alt)}" ` +
    `style="image-rendering:pixelated;max-width:100%;height:auto">` +
    `${extra}<figcaption style="font:12px sans-serif;color:#333">${caption}</figcaption>${list}</figure>`
  );
}

/**
 * A horizontal colour bar of a colormap with its value range and meaning, for heatmap figures.
 * @param cm The colormap.
 * @param label What the colour means.
 * @param range The values at the two ends (default [0, 1]).
 */
export function colourBarHtml(cm: Colormap, label: string, range: readonly [number, number] = [0, 1]): string {
  const stops = Array.from({ length: 11 }, (_, i) => {
    const [r, g, b] = cm(i / 10);
    return `rgb(${r},${g},${b}) ${i * 10}%`;
  }).join(',');
  return `<div class="fm-colour-bar" style="font:11px sans-serif;color:#333;display:flex;align-items:center;gap:6px;margin:2px 0">` +
    `<span>${escapeHtml(formatNumber(range[0]))}</span><span style="display:inline-block;width:200px;height:10px;background:linear-gradient(to right,${stops})"></span><span>${escapeHtml(formatNumber(range[1]))}</span>` +
    `<span style="color:#555">${escapeHtml(label)}</span></div>`;
}

/** Lines of caption under a mosaic tile, and their height in pixels. */
const captionLine = 11;

/**
 * A mosaic of patches: up to `maxPatches` tiles sorted by heatmap score, small patches upscaled with
 * nearest neighbour, each with its caption (its label and heatmap score, escaped) written under it.
 * The tiles are one PNG; the captions are text laid over blank strips under the tiles, so they stay
 * selectable and searchable, and cut with an ellipsis (full text on hover) when longer than a tile.
 * @param images The image stack the boxes refer to (NHWC pixels).
 * @param boxes Patch windows, e.g. the patches of one frequent filter set.
 * @param options Labels, size and order options.
 * @returns `{html, png}`.
 * @throws {Error} For invalid boxes, labels of the wrong length, or bad options.
 * @example show(patchMosaic(images, group.boxes, {labels: group.classNames, title: 'filters 12 · 40'}))
 */
export function patchMosaic(images: ImageStack, boxes: readonly PatchBox[], options: MosaicOptions = {}): Displayable {
  const scored = boxes.some((b) => b.score !== undefined);
  const lines = (options.labels ? 1 : 0) + (scored ? 1 : 0);
  const captioned = lines > 0 && !(options.numberTiles ?? false);
  const { image, order, grid } = mosaicRaster(images, boxes, { captionHeight: captioned ? lines * captionLine + 2 : 0, ...options });
  const png = encodePng(image);
  const title = options.title ?? 'patches';
  const caption =
    `<b>${escapeHtml(title)}</b>: ${order.length} of ${boxes.length} patches` +
    ((options.sort ?? mosaicDefaults.sort) === 'score' ? ', highest heatmap score first' : '');
  const pct = (v: number, of: number): string => `${((100 * v) / of).toFixed(3)}%`;
  const tiles = captioned
    ? order.map((i, t) => {
        const text: string[] = [];
        if (options.labels) text.push(options.labels[i]);
        if (boxes[i].score !== undefined) text.push(`score ${formatNumber(boxes[i].score as number, 3)}`);
        const x = grid.gap + (t % grid.columns) * (grid.cellW + grid.gap), y = grid.gap + Math.floor(t / grid.columns) * (grid.cellH + grid.gap) + grid.cellW;
        return `<span class="fm-tile-caption" title="${escapeHtml(text.join(' · '))}" style="position:absolute;left:${pct(x, image.width)};top:${pct(y, image.height)};` +
          `width:${pct(grid.cellW, image.width)};overflow:hidden">${text.map((l) => `<span style="display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis">${escapeHtml(l)}</span>`).join('')}</span>`;
      })
    : [];
  const html =
    `<figure class="fm-widget fm-image fm-mosaic" data-fm-kind="mosaic" style="margin:8px 0">` +
    `<div style="position:relative;display:inline-block;max-width:100%;font:9px/${captionLine}px sans-serif;color:#333;text-align:center">` +
    `<img class="fm-image-png" src="${pngDataUrl(png)}" width="${image.width}" height="${image.height}" alt="${escapeHtml(title)}" ` +
    `style="image-rendering:pixelated;max-width:100%;height:auto;display:block">${tiles.join('')}</div>` +
    `<figcaption style="font:12px sans-serif;color:#333">${caption}</figcaption></figure>`;
  return { html, png };
}

/** Options for {@link averagePatch}. */
export interface AveragePatchOptions {
  /** Side of the output (the average is upscaled by an integer factor to at least this; default 112). */
  minTileSize?: number;
  /** Pixel value range mapped to 0..255 (default by pixel type, as in mosaics). */
  valueRange?: readonly [number, number];
  /** Title for the caption. */
  title?: string;
}

/**
 * The pixel average of patches as a raster (pure core of {@link averagePatch}). Patches of
 * different sizes are first resampled (nearest) to the largest size.
 * @returns The average image, upscaled to at least `minTileSize`.
 */
export function averagePatchRaster(images: ImageStack, boxes: readonly PatchBox[], options: AveragePatchOptions = {}): RgbaImage {
  const n = imageCount(images);
  if (!Array.isArray(boxes) || boxes.length === 0) throw new Error('averagePatch: expected a non-empty array of patch boxes');
  checkBoxes(images, boxes, n);
  const minTile = positiveInt('minTileSize', options.minTileSize ?? 112);
  const range = defaultRange(images, options.valueRange);
  const { width, height, channels, pixels } = images;
  const S = Math.max(...boxes.map((b) => b.size));
  const outC = channels === 1 ? 1 : 3;
  const sum = new Float64Array(S * S * outC);
  for (const b of boxes) {
    const base = b.image * width * height * channels;
    for (let oy = 0; oy < S; oy++) {
      const sy = b.y + Math.min(b.size - 1, Math.floor((oy * b.size) / S));
      for (let ox = 0; ox < S; ox++) {
        const sx = b.x + Math.min(b.size - 1, Math.floor((ox * b.size) / S));
        const src = base + (sy * width + sx) * channels;
        for (let c = 0; c < outC; c++) sum[(oy * S + ox) * outC + c] += pixels[src + c];
      }
    }
  }
  const side = tileSide(S, minTile);
  const small = blankImage(S, S);
  for (let p = 0; p < S * S; p++) {
    for (let c = 0; c < 3; c++) small.data[4 * p + c] = toByte(sum[p * outC + (outC === 1 ? 0 : c)] / boxes.length, range[0], range[1]);
  }
  const out = blankImage(side, side);
  const f = side / S;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const s = 4 * (Math.floor(y / f) * S + Math.floor(x / f)), d = 4 * (y * side + x);
      out.data[d] = small.data[s];
      out.data[d + 1] = small.data[s + 1];
      out.data[d + 2] = small.data[s + 2];
    }
  }
  return out;
}

/**
 * The pixel-average image of a group of patches (docs/method.md, "Visual patterns").
 * @param images The image stack.
 * @param boxes The group's patch windows (all are averaged, not only the first 128).
 * @param options Size, value range, title.
 * @returns `{html, png}`.
 * @throws {Error} For invalid boxes or options.
 */
export function averagePatch(images: ImageStack, boxes: readonly PatchBox[], options: AveragePatchOptions = {}): Displayable {
  const image = averagePatchRaster(images, boxes, options);
  const png = encodePng(image);
  const title = options.title ?? 'average patch';
  const caption = `<b>${escapeHtml(title)}</b>: pixel average of ${boxes.length} patches`;
  return { html: figureHtml('average', png, image, title, caption, []), png };
}

/**
 * Heatmaps (e.g. Grad-CAM) for the images of a stack: `count` maps of `width`x`height`, row-major,
 * one after the other (a single map has the shape of the patches area's `Heatmap`).
 */
export interface HeatmapStack {
  /** Values, length count * width * height. */
  data: Float32Array;
  /** Heatmap width (may differ from the image width: it is resampled bilinearly). */
  width: number;
  /** Heatmap height. */
  height: number;
}

/** Options for {@link heatmapOverlays}. */
export interface OverlayOptions {
  /** Which images to show (default the first `maxImages`). */
  indices?: readonly number[];
  /** Most images shown when `indices` is not given (default 16). */
  maxImages?: number;
  /** One label per image of the stack (e.g. true/predicted class), shown in the caption list. */
  labels?: readonly string[];
  /** 'jet' (default), 'viridis' or a Colormap function. */
  colormap?: string | Colormap;
  /** Weight of the colormap in the blend, 0..1 (default 0.5). */
  alpha?: number;
  /** Heatmap value range mapped onto the colormap (default [0, 1], clamped). */
  heatmapRange?: readonly [number, number];
  /** Pixel value range of the images (default by pixel type). */
  valueRange?: readonly [number, number];
  /** Smallest tile side; images are upscaled by an integer factor (default 112). */
  minTileSize?: number;
  /** Tiles per row (default ceil(sqrt(n))). */
  columns?: number;
  /** Title for the caption. */
  title?: string;
}

/** Bilinear sample of heatmap `k` at continuous pixel-centre coordinates (u, v) in heatmap pixels. */
function sampleBilinear(h: HeatmapStack, k: number, u: number, v: number): number {
  const { width: w, height: hh, data: values } = h;
  const x = Math.min(w - 1, Math.max(0, u)), y = Math.min(hh - 1, Math.max(0, v));
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(hh - 1, y0 + 1);
  const fx = x - x0, fy = y - y0, base = k * w * hh;
  const a = values[base + y0 * w + x0], b = values[base + y0 * w + x1];
  const c = values[base + y1 * w + x0], d = values[base + y1 * w + x1];
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/**
 * Heatmap overlays as a raster (pure core of {@link heatmapOverlays}): each image upscaled by
 * nearest neighbour, the heatmap resampled bilinearly to the output pixels, colour-mapped and blended
 * as `(1 - alpha) * image + alpha * colormap(heat)`.
 * @returns The grid image and the image index of each tile.
 */
export function overlayRaster(images: ImageStack, heatmaps: HeatmapStack, options: OverlayOptions = {}): { image: RgbaImage; order: number[] } {
  const n = imageCount(images);
  const { width: hw, height: hh, data: values } = heatmaps;
  if (!Number.isInteger(hw) || !Number.isInteger(hh) || hw <= 0 || hh <= 0) throw new Error(`heatmaps: width and height must be positive integers, got ${hw}x${hh}`);
  if (!(values instanceof Float32Array) || values.length !== n * hw * hh) {
    throw new Error(`heatmaps: data must be a Float32Array of length ${n}*${hw}*${hh} = ${n * hw * hh} (one map per image), got ${values?.length}`);
  }
  const alpha = options.alpha ?? 0.5;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`alpha must be in [0, 1], got ${alpha}`);
  const cm = resolveColormap(options.colormap ?? 'jet');
  const [hlo, hhi] = options.heatmapRange ?? [0, 1];
  if (!(hhi > hlo)) throw new Error(`heatmapRange must be [lo, hi] with lo < hi, got [${hlo}, ${hhi}]`);
  const range = defaultRange(images, options.valueRange);
  if (options.labels !== undefined && options.labels.length !== n) throw new Error(`heatmapOverlays: labels has ${options.labels.length} entries, expected one per image (${n})`);
  const order = options.indices ? [...options.indices] : Array.from({ length: Math.min(n, positiveInt('maxImages', options.maxImages ?? 16)) }, (_, i) => i);
  if (order.length === 0) throw new Error('heatmapOverlays: no images selected');
  for (const i of order) if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`heatmapOverlays: index ${i} is not an image index in [0, ${n})`);
  const { width: W, height: H } = images;
  const scale = Math.max(1, Math.ceil(positiveInt('minTileSize', options.minTileSize ?? 112) / Math.max(W, H)));
  const tw = W * scale, th = H * scale;
  const tiles = order.map((k) => {
    const t = blankImage(tw, th);
    for (let oy = 0; oy < th; oy++) {
      const sy = Math.floor(oy / scale), v = ((oy + 0.5) * hh) / th - 0.5;
      for (let ox = 0; ox < tw; ox++) {
        const sx = Math.floor(ox / scale), u = ((ox + 0.5) * hw) / tw - 0.5;
        const src = ((k * H + sy) * W + sx) * images.channels;
        const heat = (sampleBilinear(heatmaps, k, u, v) - hlo) / (hhi - hlo);
        const rgb = cm(heat);
        const d = 4 * (oy * tw + ox);
        for (let c = 0; c < 3; c++) {
          const px = toByte(images.pixels[src + (images.channels === 1 ? 0 : c)], range[0], range[1]);
          t.data[d + c] = Math.round((1 - alpha) * px + alpha * rgb[c]);
        }
      }
    }
    return t;
  });
  const grid = gridFor(tiles.length, tw, th, options.columns, 2, labelStrip);
  return { image: composeGrid(tiles, grid, true), order };
}

/**
 * Heatmap overlays on input images (Grad-CAM style), numbered, with an escaped caption list.
 * @param images The input images.
 * @param heatmaps One heatmap per image (any resolution; resampled bilinearly).
 * @param options Selection, colormap ('jet' or 'viridis'), blend and labels.
 * @returns `{html, png}`.
 * @throws {Error} For mismatched sizes or bad options.
 */
export function heatmapOverlays(images: ImageStack, heatmaps: HeatmapStack, options: OverlayOptions = {}): Displayable {
  const { image, order } = overlayRaster(images, heatmaps, options);
  const png = encodePng(image);
  const title = options.title ?? 'heatmap overlays';
  const cmName = typeof options.colormap === 'function' ? 'custom' : options.colormap ?? 'jet';
  const caption = `<b>${escapeHtml(title)}</b>: ${order.length} images, ${escapeHtml(cmName)} colormap`;
  const items = order.map((k) => `image ${k}` + (options.labels ? ` · ${escapeHtml(options.labels[k])}` : ''));
  const bar = colourBarHtml(resolveColormap(options.colormap ?? 'jet'), 'heatmap value (relevance for the predicted class)', options.heatmapRange ?? [0, 1]);
  return { html: figureHtml('overlay', png, image, title, caption, items, bar), png };
}

/** Options for {@link patchesInContext}. */
export interface ContextOptions {
  /** One caption per box (e.g. the class), written under its tile. */
  labels?: readonly string[];
  /** Title of the figure. */
  title?: string;
  /** Most tiles shown, highest heatmap score first (default 24). */
  maxPatches?: number;
  /** Side of a tile in pixels (default 112). */
  tileSize?: number;
  /** Colour of the window outline (default orange). */
  boxColor?: readonly [number, number, number];
  /** Pixel value range of the images (default by pixel type). */
  valueRange?: readonly [number, number];
}

/** Draws a rectangle outline `width` pixels thick. */
function strokeRect(img: RgbaImage, x0: number, y0: number, w: number, h: number, rgb: readonly [number, number, number], width = 2): void {
  const put = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
    const p = 4 * (y * img.width + x);
    img.data[p] = rgb[0]; img.data[p + 1] = rgb[1]; img.data[p + 2] = rgb[2]; img.data[p + 3] = 255;
  };
  for (let t = 0; t < width; t++) {
    for (let x = x0; x < x0 + w; x++) { put(x, y0 + t); put(x, y0 + h - 1 - t); }
    for (let y = y0; y < y0 + h; y++) { put(x0 + t, y); put(x0 + w - 1 - t, y); }
  }
}

/**
 * Patches in context: each patch's whole image (a square view of it for non-square images) with the
 * window outlined, one tile per patch with its caption under it.
 * @param images The image stack the boxes refer to.
 * @param boxes Patch windows.
 * @param options Captions, title, tile size, outline colour.
 * @returns `{html}`: a figure of tiles, each an `<img>` with its `<figcaption>`.
 * @throws {Error} For an empty or invalid box list or bad options.
 * @example show(patchesInContext(images, boxes, { labels: boxes.map((b) => classNames[b.label]) }))
 */
export function patchesInContext(images: ImageStack, boxes: readonly PatchBox[], options: ContextOptions = {}): Displayable {
  const n = imageCount(images);
  if (!Array.isArray(boxes) || boxes.length === 0) throw new Error('patchesInContext: expected a non-empty array of patch boxes');
  checkBoxes(images, boxes, n);
  if (options.labels !== undefined && options.labels.length !== boxes.length) {
    throw new Error(`patchesInContext: labels has ${options.labels.length} entries, expected one per box (${boxes.length})`);
  }
  const tile = positiveInt('tileSize', options.tileSize ?? 112);
  const max = positiveInt('maxPatches', options.maxPatches ?? 24);
  const range = defaultRange(images, options.valueRange);
  const colour = options.boxColor ?? [255, 127, 14];
  const s = (i: number): number => (typeof boxes[i].score === 'number' && !Number.isNaN(boxes[i].score) ? (boxes[i].score as number) : -Infinity);
  const order = boxes.map((_, i) => i).sort((a, b) => s(b) - s(a) || a - b).slice(0, max);
  const side = Math.min(images.width, images.height);
  const tiles = order.map((i) => {
    const b = boxes[i];
    // A square view holding the window: the whole image when it is square.
    const vx = Math.max(0, Math.min(images.width - side, b.x + Math.floor(b.size / 2) - Math.floor(side / 2)));
    const vy = Math.max(0, Math.min(images.height - side, b.y + Math.floor(b.size / 2) - Math.floor(side / 2)));
    const img = cropNearest(images, b.image, vx, vy, side, tile, range);
    const k = tile / side;
    strokeRect(img, Math.round((b.x - vx) * k), Math.round((b.y - vy) * k), Math.max(3, Math.round(b.size * k)), Math.max(3, Math.round(b.size * k)), colour);
    const caption = [options.labels ? options.labels[i] : `image ${b.image}`, b.score !== undefined ? `score ${formatNumber(b.score, 3)}` : '']
      .filter(Boolean).join(' · ');
    return `<figure style="margin:0;text-align:center;font:11px sans-serif;max-width:${tile}px">` +
      `<img class="fm-image-png" src="${pngDataUrl(encodePng(img))}" width="${tile}" height="${tile}" alt="${escapeHtml(caption)}" style="image-rendering:pixelated">` +
      `<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
  });
  const title = options.title ?? 'patches in context';
  return {
    html: `<figure class="fm-widget fm-image fm-context" data-fm-kind="context" style="margin:8px 0">` +
      `<figcaption style="font:12px sans-serif;color:#333;margin-bottom:4px"><b>${escapeHtml(title)}</b>: ${order.length} of ${boxes.length} patches in their images, window outlined, highest heatmap score first</figcaption>` +
      `<div style="display:flex;flex-wrap:wrap;gap:6px">${tiles.join('')}</div></figure>`,
  };
}
