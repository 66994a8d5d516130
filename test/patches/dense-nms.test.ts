import * as assert from 'node:assert/strict';
import { densePatches } from '../../src/patches/dense-nms';
import { windowIoU, type Heatmap } from '../../src/patches/heatmap';
import { rng } from '../../src/util/rng';

describe('patches/dense-nms', () => {
  it('ranks grid windows by mean and suppresses overlaps (hand fixture)', () => {
    // 4x4 map, windows of 2 at stride 2: means 1 (top-left), 0.5 (bottom-right), 0 elsewhere
    const data = Float32Array.from([
      1, 1, 0, 0,
      1, 1, 0, 0,
      0, 0, 0.5, 0.5,
      0, 0, 0.5, 0.5]);
    const w = densePatches({ data, width: 4, height: 4 }, { windowSize: 2, stride: 2 });
    assert.deepEqual(w.map((p) => [p.x, p.y, p.score]), [[0, 0, 1], [2, 2, 0.5]]);
    // stride 1 adds overlapping windows, e.g. (1,0) with mean 0.5 (IoU 1/3 with (0,0)): suppressed at 0.1
    const w1 = densePatches({ data, width: 4, height: 4 }, { windowSize: 2, stride: 1, iouThreshold: 0.1 });
    assert.deepEqual(w1.map((p) => [p.x, p.y]), [[0, 0], [2, 2]]);
  });

  it('keeps windows inside the image, under the IoU bound, and is deterministic', () => {
    const r = rng(3);
    const h: Heatmap = { data: Float32Array.from({ length: 23 * 17 }, () => r.next()), width: 23, height: 17 };
    const copy = Float32Array.from(h.data);
    const a = densePatches(h, { windowSize: 5, stride: 3, iouThreshold: 0.2 });
    assert.deepEqual(a, densePatches(h, { windowSize: 5, stride: 3, iouThreshold: 0.2 }));
    assert.deepEqual(h.data, copy);
    assert.ok(a.length > 0 && a.length <= 10);
    for (const w of a) assert.ok(w.x >= 0 && w.y >= 0 && w.x + w.size <= 23 && w.y + w.size <= 17);
    for (let i = 0; i < a.length; i++) for (let j = 0; j < i; j++) assert.ok(windowIoU(a[i], a[j]) <= 0.2);
    for (let i = 1; i < a.length; i++) assert.ok(a[i].score <= a[i - 1].score);
  });

  it('covers the last row and column even when the stride does not reach them', () => {
    const data = new Float32Array(7 * 7); data[6 * 7 + 6] = 1;
    const [w] = densePatches({ data, width: 7, height: 7 }, { windowSize: 3, stride: 3 });
    assert.deepEqual([w.x, w.y], [4, 4]);
  });

  it('gives no windows for an all-zero heatmap', () => {
    assert.deepEqual(densePatches({ data: new Float32Array(16), width: 4, height: 4 }, { windowSize: 2 }), []);
  });
});
