import * as assert from 'node:assert/strict';
import {
  defaultInset, defaultWindowSize, heatmapStatus, summedAreaTable, windowIoU, windowSum, checkHeatmap,
} from '../../src/patches/heatmap';
import { rng } from '../../src/util/rng';

describe('patches/heatmap', () => {
  it('window sums from the summed-area table equal brute-force sums', () => {
    const r = rng(1);
    const W = 7, H = 5;
    const d = Float32Array.from({ length: W * H }, () => r.next());
    const sat = summedAreaTable(d, W, H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let h = 1; y + h <= H; h++) for (let w = 1; x + w <= W; w++) {
      let s = 0;
      for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) s += d[yy * W + xx];
      assert.ok(Math.abs(windowSum(sat, W, x, y, w, h) - s) < 1e-9);
    }
  });

  it('classifies heatmaps as ok, zero or nan', () => {
    assert.equal(heatmapStatus({ data: Float32Array.of(0, 0.5, 0, 0), width: 2, height: 2 }), 'ok');
    assert.equal(heatmapStatus({ data: new Float32Array(4), width: 2, height: 2 }), 'zero');
    assert.equal(heatmapStatus({ data: Float32Array.of(-1, 0, 0, 0), width: 2, height: 2 }), 'zero');
    assert.equal(heatmapStatus({ data: Float32Array.of(1, NaN, 0, 0), width: 2, height: 2 }), 'nan');
    assert.equal(heatmapStatus({ data: Float32Array.of(1, Infinity, 0, 0), width: 2, height: 2 }), 'nan');
  });

  it('checks the declared shape', () => {
    assert.throws(() => checkHeatmap({ data: new Float32Array(5), width: 2, height: 2 }), /5 values, expected width\*height/);
    assert.throws(() => checkHeatmap({ data: new Float32Array(0), width: 0, height: 2 }), /positive integers/);
  });

  it('computes IoU of square windows by hand', () => {
    assert.equal(windowIoU({ x: 0, y: 0, size: 2 }, { x: 0, y: 0, size: 2 }), 1);
    assert.equal(windowIoU({ x: 0, y: 0, size: 2 }, { x: 2, y: 0, size: 2 }), 0);
    assert.equal(windowIoU({ x: 0, y: 0, size: 2 }, { x: 1, y: 0, size: 2 }), 2 / 6);
  });

  it('scales the paper defaults with the input size', () => {
    assert.equal(defaultWindowSize(224), 56);
    assert.equal(defaultWindowSize(28), 7);
    assert.equal(defaultInset(56), 10);
    assert.equal(defaultInset(7), 1);
  });
});
