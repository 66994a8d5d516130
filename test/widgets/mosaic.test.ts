import * as assert from 'node:assert/strict';
import {
  averagePatch, averagePatchRaster, decodePng, heatmapOverlays, jet, mosaicRaster, overlayRaster, patchMosaic, patchesInContext,
  viridis, type ImageStack, type PatchBox, type RgbaImage,
} from '../../src/widgets';
import { rng } from '../../src/util/rng';
import { evilClass } from './fixtures';

/** Two 4x4 grey images: image 0 pixel i = 10 i, image 1 pixel i = 3 i. */
function twoImages(): ImageStack {
  const pixels = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    pixels[i] = 10 * i;
    pixels[16 + i] = 3 * i;
  }
  return { pixels, width: 4, height: 4, channels: 1 };
}

const boxes: PatchBox[] = [
  { image: 0, x: 0, y: 0, size: 2, score: 0.2 },
  { image: 1, x: 2, y: 2, size: 2, score: 0.9 },
];

function grey(img: RgbaImage, x: number, y: number): number {
  const o = 4 * (y * img.width + x);
  assert.equal(img.data[o], img.data[o + 1]);
  assert.equal(img.data[o], img.data[o + 2]);
  return img.data[o];
}

function variance(img: RgbaImage): number {
  let s = 0, s2 = 0;
  const n = img.width * img.height;
  for (let p = 0; p < n; p++) {
    const v = (img.data[4 * p] + img.data[4 * p + 1] + img.data[4 * p + 2]) / 3;
    s += v;
    s2 += v * v;
  }
  return s2 / n - (s / n) ** 2;
}

describe('widgets/mosaic', () => {
  it('places patches sorted by score, upscaled by nearest neighbour (hand-computed 11x6 grid)', () => {
    const { image, order, tile } = mosaicRaster(twoImages(), boxes, { minTileSize: 4, gap: 1, numberTiles: false });
    assert.deepEqual(order, [1, 0]);
    assert.equal(tile, 4);
    assert.equal(image.width, 2 * 4 + 3 * 1);
    assert.equal(image.height, 4 + 2);
    // Tile 0 (box 1: image 1 pixels 10, 11, 14, 15 -> 30, 33, 42, 45) at (1, 1), each pixel 2x2.
    assert.deepEqual([grey(image, 1, 1), grey(image, 2, 2), grey(image, 3, 1), grey(image, 1, 3), grey(image, 4, 4)], [30, 30, 33, 42, 45]);
    // Tile 1 (box 0: 0, 10, 40, 50) at (6, 1).
    assert.deepEqual([grey(image, 6, 1), grey(image, 8, 1), grey(image, 6, 3), grey(image, 9, 4)], [0, 10, 40, 50]);
    // Gaps are white.
    assert.deepEqual([grey(image, 0, 0), grey(image, 5, 2), grey(image, 10, 5)], [255, 255, 255]);
  });

  it("sort 'none' keeps input order; number strips add digit rows", () => {
    const { image, order } = mosaicRaster(twoImages(), boxes, { minTileSize: 4, gap: 1, sort: 'none', numberTiles: true });
    assert.deepEqual(order, [0, 1]);
    assert.equal(image.height, 4 + 7 + 2);
    // Digit '1' of tile 1 sits in the strip under the first tile: some dark ink there.
    let ink = 0;
    for (let y = 6; y < 11; y++) for (let x = 1; x < 5; x++) if (grey(image, x, y) < 100) ink++;
    assert.ok(ink >= 5, `digit ink pixels: ${ink}`);
  });

  it('maps float pixels through valueRange and keeps RGB colours', () => {
    const rgb: ImageStack = { pixels: new Float32Array([-1, 0, 1, 1, -1, -1, 0, 0, 0, 1, 1, 1]), width: 2, height: 2, channels: 3 };
    const { image } = mosaicRaster(rgb, [{ image: 0, x: 0, y: 0, size: 2 }], { minTileSize: 2, gap: 0, numberTiles: false, valueRange: [-1, 1] });
    assert.deepEqual(Array.from(image.data.slice(0, 8)), [0, 128, 255, 255, 255, 0, 0, 255]);
  });

  it('shows at most 128 of many patches, non-blank, at the expected size', () => {
    const r = rng(7);
    const n = 20, side = 28;
    const pixels = new Uint8Array(n * side * side);
    for (let i = 0; i < pixels.length; i++) pixels[i] = r.int(256);
    const many: PatchBox[] = Array.from({ length: 200 }, () => ({ image: r.int(n), x: r.int(side - 14), y: r.int(side - 14), size: 14, score: r.next() }));
    const d = patchMosaic({ pixels, width: side, height: side, channels: 1 }, many, { labels: many.map((_, i) => `p${i}`) });
    const img = decodePng(d.png as Uint8Array);
    // 12 columns x 11 rows of 56 px tiles (14 px upscaled x4) with 24 px caption strips (label and
    // score lines of 11 px, 2 px spacing) and 2 px gaps.
    assert.equal(img.width, 12 * 56 + 13 * 2);
    assert.equal(img.height, 11 * (56 + 24) + 12 * 2);
    assert.ok(variance(img) > 100, `variance ${variance(img)}`);
    // Captions on the tiles, no separate numbered legend.
    assert.ok(!d.html.includes('<ol') && !d.html.includes('<li>'));
    const captions = [...d.html.matchAll(/<span class="fm-tile-caption" title="([^"]*)" style="([^"]*)"/g)];
    assert.equal(captions.length, 128);
    // The highest score comes first, on the first tile (top left, under its 56 px tile).
    const best = many.reduce((b, m, i) => ((m.score as number) > (many[b].score as number) ? i : b), 0);
    assert.match(captions[0][1], new RegExp(`^p${best} · score `));
    assert.match(captions[0][2], new RegExp(`left:${(100 * 2 / img.width).toFixed(3)}%;top:${(100 * 58 / img.height).toFixed(3)}%`));
    // Tile 13 starts the second row: x = 2, y = 2 + 80 + 2 + 56.
    assert.match(captions[12][2], new RegExp(`left:${(100 * 2 / img.width).toFixed(3)}%;top:${(100 * 140 / img.height).toFixed(3)}%`));
    // numberTiles: digits in the raster, and no captions in the html.
    const numbered = patchMosaic({ pixels, width: side, height: side, channels: 1 }, many, { numberTiles: true });
    assert.equal(decodePng(numbered.png as Uint8Array).height, 11 * (56 + 7) + 12 * 2);
    assert.ok(!numbered.html.includes('fm-tile-caption'));
  });

  it('without labels or scores a mosaic has no caption strips', () => {
    const d = patchMosaic(twoImages(), boxes.map(({ score: _s, ...b }) => b), { minTileSize: 4, gap: 1 });
    assert.equal(decodePng(d.png as Uint8Array).height, 4 + 2);
    assert.ok(!d.html.includes('fm-tile-caption'));
    const one = patchMosaic(twoImages(), boxes, { minTileSize: 4, gap: 1 });
    assert.equal(decodePng(one.png as Uint8Array).height, 4 + 11 + 2 + 2);
    assert.equal((one.html.match(/class="fm-tile-caption"/g) ?? []).length, 2);
  });

  it('escapes labels and titles in the html', () => {
    const d = patchMosaic(twoImages(), boxes, { labels: [evilClass, 'ok'], title: evilClass });
    assert.ok(!d.html.includes('<img src=x'));
    assert.ok(d.html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.match(d.html, /^<figure class="fm-widget fm-image fm-mosaic"/);
    assert.match(d.html, /src="data:image\/png;base64,/);
  });

  it('averages patches pixel by pixel (hand-computed)', () => {
    const img = averagePatchRaster(twoImages(), boxes, { minTileSize: 2 });
    assert.equal(img.width, 2);
    // (0+30)/2, (10+33)/2, (40+42)/2, (50+45)/2, rounded.
    assert.deepEqual([grey(img, 0, 0), grey(img, 1, 0), grey(img, 0, 1), grey(img, 1, 1)], [15, 22, 41, 48]);
    const big = averagePatchRaster(twoImages(), boxes);
    assert.equal(big.width, 112);
    assert.equal(grey(big, 111, 111), 48);
    const d = averagePatch(twoImages(), boxes, { title: evilClass });
    assert.ok(!d.html.includes('<img src=x') && d.html.includes('pixel average of 2 patches'));
  });

  it('colormaps: jet and viridis end points', () => {
    assert.deepEqual(jet(0), [0, 0, 128]);
    assert.deepEqual(jet(1), [128, 0, 0]);
    assert.deepEqual(jet(0.5), [128, 255, 128]);
    assert.deepEqual(viridis(0), [68, 1, 84]);
    assert.deepEqual(viridis(1), [253, 231, 37]);
    assert.deepEqual(viridis(0.5), [33, 145, 140]);
    assert.deepEqual(viridis(1 / 16), [70, 23, 103]);
    assert.deepEqual(jet(2), jet(1), 'clamped');
  });

  it('overlays blend image and colormapped heatmap (hand-computed)', () => {
    const images: ImageStack = { pixels: new Uint8Array([200, 200, 200, 200]), width: 2, height: 2, channels: 1 };
    const hot = { data: new Float32Array([1]), width: 1, height: 1 };
    const { image } = overlayRaster(images, hot, { minTileSize: 2, alpha: 0.5 });
    // 0.5 * 200 + 0.5 * jet(1) = [164, 100, 100].
    assert.deepEqual(Array.from(image.data.slice(4 * (2 * image.width + 2), 4 * (2 * image.width + 2) + 3)), [164, 100, 100]);
    const cold = overlayRaster(images, { data: new Float32Array([0]), width: 1, height: 1 }, { minTileSize: 2, alpha: 1, colormap: 'viridis' });
    assert.deepEqual(Array.from(cold.image.data.slice(4 * (2 * cold.image.width + 2), 4 * (2 * cold.image.width + 2) + 3)), [68, 1, 84]);
  });

  it('overlay html lists images with escaped labels; bad inputs throw', () => {
    const imgs = twoImages();
    const heat = { data: new Float32Array(2 * 7 * 7).map((_, i) => (i % 7) / 6), width: 7, height: 7 };
    const d = heatmapOverlays(imgs, heat, { labels: [evilClass, 'b'] });
    assert.ok(!d.html.includes('<img src=x') && d.html.includes('image 0 · &lt;img'));
    // A colour bar with the value range: jet's ends (blue at 0, red at 1) and the range labels.
    assert.match(d.html, /class="fm-colour-bar".*<span>0<\/span>.*linear-gradient\(to right,rgb\(0,0,128\) 0%.*rgb\(128,0,0\) 100%\).*<span>1<\/span>/);
    assert.match(heatmapOverlays(imgs, heat, { heatmapRange: [0, 0.5] }).html, /<span>0.5<\/span>/);
    const img = decodePng(d.png as Uint8Array);
    assert.equal(img.width, 2 * 112 + 3 * 2);
    assert.throws(() => heatmapOverlays(imgs, { ...heat, data: new Float32Array(3) }), /one map per image/);
    assert.throws(() => heatmapOverlays(imgs, heat, { colormap: 'rainbow' }), /unknown colormap 'rainbow'/);
    assert.throws(() => heatmapOverlays(imgs, heat, { indices: [5] }), /index 5/);
  });

  it('rejects bad boxes, labels and stacks', () => {
    const imgs = twoImages();
    assert.throws(() => patchMosaic(imgs, []), /non-empty/);
    assert.throws(() => patchMosaic(imgs, [{ image: 2, x: 0, y: 0, size: 2 }]), /box 0 .*image must be an integer in \[0, 2\)/);
    assert.throws(() => patchMosaic(imgs, [{ image: 0, x: 3, y: 0, size: 2 }]), /window leaves the 4x4 image/);
    assert.throws(() => patchMosaic(imgs, boxes, { labels: ['a'] }), /labels has 1 entries/);
    assert.throws(() => patchMosaic({ ...imgs, channels: 2 }, boxes), /channels must be 1, 3 or 4/);
    assert.throws(() => patchMosaic({ ...imgs, pixels: new Uint8Array(33) }, boxes), /not a positive multiple/);
  });

  it('does not mutate pixels or boxes', () => {
    const imgs = twoImages();
    const px = imgs.pixels.slice();
    const bx = JSON.stringify(boxes);
    patchMosaic(imgs, boxes);
    averagePatch(imgs, boxes);
    assert.deepEqual(imgs.pixels, px);
    assert.equal(JSON.stringify(boxes), bx);
  });

  it('patches in context: the whole image per tile with the window outlined, captions under the tiles', () => {
    const imgs: ImageStack = { pixels: Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 97), width: 28, height: 28, channels: 1 };
    const boxes = [{ image: 0, x: 4, y: 6, size: 8, score: 0.2 }, { image: 1, x: 10, y: 2, size: 6, score: 0.9 }];
    const d = patchesInContext(imgs, boxes, { labels: [evilClass, 'Bag'], tileSize: 56 });
    assert.ok(!d.html.includes('<img src=x'), 'captions escaped');
    const srcs = [...d.html.matchAll(/src="data:image\/png;base64,([^"]+)"/g)].map((m) => decodePng(Uint8Array.from(Buffer.from(m[1], 'base64'))));
    assert.equal(srcs.length, 2);
    const captions = [...d.html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]);
    assert.deepEqual(captions, ['Bag · score 0.9', '&lt;img src=x onerror=alert(1)&gt; · score 0.2'], 'highest score first');
    // The outline of box 1 (x 10..15, y 2..7 at scale 2 in a 28-pixel image): orange on its top edge, not inside.
    const t = srcs[0], scale = 56 / imgs.width;
    const at = (x: number, y: number): number[] => Array.from(t.data.slice(4 * (y * t.width + x), 4 * (y * t.width + x) + 3));
    assert.deepEqual(at(10 * scale + 3, 2 * scale), [255, 127, 14]);
    assert.notDeepEqual(at(12 * scale, 4 * scale), [255, 127, 14]);
    assert.throws(() => patchesInContext(imgs, []), /non-empty array/);
    assert.throws(() => patchesInContext(imgs, boxes, { labels: ['a'] }), /labels has 1 entries/);
  });
});
