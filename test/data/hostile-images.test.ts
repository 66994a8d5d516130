/** Image files that declare a huge size are refused from their header, before any decoding. */
import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { decodeImage, MAX_IMAGE_MEGAPIXELS } from '../../src/data/image-folder';

/** A valid 2x2 PNG whose IHDR is rewritten to declare `width x height` (with a correct CRC). */
function pngDeclaring(width: number, height: number): Buffer {
  const png = new PNG({ width: 2, height: 2 });
  png.data.fill(200);
  const bytes = PNG.sync.write(png);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  // zlib.crc32 is in Node >= 20.15; the installed @types/node predates it.
  bytes.writeUInt32BE((zlib as unknown as { crc32(b: Uint8Array): number }).crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}

/** A valid 3x2 baseline JPEG whose SOF0 marker is rewritten to declare `width x height`. */
function jpegDeclaring(width: number, height: number): Buffer {
  const bytes = Buffer.from(jpeg.encode({ width: 3, height: 2, data: Buffer.alloc(24, 128) }, 90).data);
  const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
  bytes.writeUInt16BE(height, sof + 5);
  bytes.writeUInt16BE(width, sof + 7);
  return bytes;
}

describe('data: images declaring a huge size', () => {
  it(`a PNG declaring 12000 x 12000 is refused at once, naming the size and the ${MAX_IMAGE_MEGAPIXELS} MP cap`, () => {
    const t0 = Date.now();
    assert.throws(() => decodeImage(pngDeclaring(12000, 12000)),
      new RegExp(`PNG declares 12000 x 12000 pixels \\(144 megapixels\\), above the cap of ${MAX_IMAGE_MEGAPIXELS} megapixels`));
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  });

  it('a JPEG declaring 10000 x 10000 is refused at once the same way', () => {
    const t0 = Date.now();
    assert.throws(() => decodeImage(jpegDeclaring(10000, 10000)), /JPEG declares 10000 x 10000 pixels \(100 megapixels\), above the cap/);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  });

  it('images within the cap still decode (the rewritten headers are otherwise valid)', () => {
    assert.deepEqual([decodeImage(pngDeclaring(2, 2)).width, decodeImage(jpegDeclaring(3, 2)).width], [2, 3]);
  });
});
