/**
 * Property tests (fast-check, fixed seeds, bounded runs) of the image decoder: PNGs of any size
 * and colour type read back pixel for pixel, JPEGs read back at their size and close to their
 * colours, and damaged files (bytes flipped, cut short) either decode to an image of a sane size or
 * fail with an Error, never another exception.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage } from '../../src/data/image-folder';
import { PROPERTY_RUNS } from './settings';

/** jpeg-js takes ~0.3 s per encode + decode here, so JPEG properties get fewer runs. */
const JPEG_RUNS = 25;
const size = fc.integer({ min: 1, max: 12 });
const rgbImage = fc.tuple(size, size).chain(([w, h]) => fc.uint8Array({ minLength: w * h * 3, maxLength: w * h * 3 }).map((rgb) => ({ w, h, rgb })));

function rgba(rgb: Uint8Array): Buffer {
  const out = Buffer.alloc((rgb.length / 3) * 4, 255);
  for (let i = 0; i < rgb.length / 3; i++) out.set(rgb.subarray(i * 3, i * 3 + 3), i * 4);
  return out;
}

function encodePng(w: number, h: number, rgb: Uint8Array, colorType: 0 | 2 | 6): Buffer {
  const png = new PNG({ width: w, height: h });
  png.data = rgba(colorType === 0 ? Uint8Array.from(rgb, (_, i) => rgb[i - (i % 3)]) : rgb);
  return PNG.sync.write(png, { colorType });
}

describe('properties: image decoder', () => {
  it('PNG (grey, RGB, RGBA): decoded pixels equal the encoded ones', () => {
    fc.assert(fc.property(rgbImage, fc.constantFrom(0 as const, 2 as const, 6 as const), ({ w, h, rgb }, colorType) => {
      const expected = colorType === 0 ? Uint8Array.from(rgb, (_, i) => rgb[i - (i % 3)]) : rgb;
      const img = decodeImage(encodePng(w, h, rgb, colorType));
      assert.deepEqual([img.width, img.height], [w, h]);
      assert.deepEqual(Array.from(img.data), Array.from(expected));
    }), PROPERTY_RUNS);
  });

  it('JPEG: decoded size equals the encoded one, colours of a flat image within 8 levels', () => {
    fc.assert(fc.property(size, size, fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })), (w, h, c) => {
      const rgb = new Uint8Array(w * h * 3).map((_, i) => c[i % 3]);
      const img = decodeImage(jpeg.encode({ width: w, height: h, data: rgba(rgb) }, 95).data);
      assert.deepEqual([img.width, img.height], [w, h]);
      for (let i = 0; i < img.data.length; i++) assert.ok(Math.abs(img.data[i] - rgb[i]) <= 8, `pixel byte ${i}: ${img.data[i]} vs ${rgb[i]}`);
    }), { ...PROPERTY_RUNS, numRuns: JPEG_RUNS });
  });

  it('damaged PNG or JPEG: an image of a sane size or an Error, nothing else', () => {
    const file = fc.tuple(rgbImage, fc.boolean()).map(([{ w, h, rgb }, isPng]) => (isPng ? encodePng(w, h, rgb, 2) : Buffer.from(jpeg.encode({ width: w, height: h, data: rgba(rgb) }, 80).data)));
    const damage = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 });
    fc.assert(fc.property(file, damage, fc.option(fc.nat(), { nil: undefined }), (bytes, flips, cut) => {
      const b = Buffer.from(bytes);
      for (const [at, x] of flips) b[at % b.length] ^= x;
      const damaged = cut === undefined ? b : b.subarray(0, cut % b.length);
      try {
        const img = decodeImage(damaged);
        assert.ok(img.width >= 1 && img.height >= 1 && img.width * img.height <= 64e6 && img.data.length === img.width * img.height * 3);
      } catch (e) {
        assert.ok(e instanceof Error, `threw a non-Error: ${String(e)}`);
      }
    }), { ...PROPERTY_RUNS, numRuns: 2 * JPEG_RUNS });
  });
});
