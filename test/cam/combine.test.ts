import * as assert from 'node:assert/strict';
import { combineCam, camHeatmaps, normaliseMinMax, heatmapDefect } from '../../src/cam/combine';
import { assertArraysClose } from '../helpers';

describe('cam/combine', () => {
  it('combineCam: channel weights, relu, per image', () => {
    const shape = { n: 1, h: 2, w: 1, c: 3 };
    const acts = new Float32Array([1, 0, 2, /**/ 0, 1, 1]);
    assertArraysClose(combineCam(acts, new Float32Array([1, -3, 0.5]), 'channel', shape), [2, 0], 0, 0);
  });

  it('combineCam: checks lengths', () => {
    const shape = { n: 1, h: 2, w: 1, c: 3 };
    assert.throws(() => combineCam(new Float32Array(5), new Float32Array(3), 'channel', shape), /acts has length 5, expected n\*h\*w\*c = 6/);
    assert.throws(() => combineCam(new Float32Array(6), new Float32Array(3), 'element', shape), /element weights have length 3, expected 6/);
  });

  it('heatmapDefect flags zero, constant and non-finite maps', () => {
    assert.equal(heatmapDefect([0, 0, 0]), 'zero');
    assert.equal(heatmapDefect([2, 2]), 'constant');
    assert.equal(heatmapDefect([1, NaN]), 'nonFinite');
    assert.equal(heatmapDefect([1, Infinity]), 'nonFinite');
    assert.equal(heatmapDefect([0, 1]), null);
  });

  it('normaliseMinMax scales to [0, 1] and leaves its input alone', () => {
    const m = new Float32Array([2, 4, 3]);
    assertArraysClose(normaliseMinMax(m), [0, 1, 0.5], 1e-7, 0);
    assertArraysClose(m, [2, 4, 3], 0, 0);
    assertArraysClose(normaliseMinMax([0, 0]), [0, 0], 0, 0);
  });

  it('camHeatmaps: upsamples then normalises; NaN maps become zero and are flagged', () => {
    const shape = { n: 2, h: 1, w: 2, c: 1 };
    const acts = new Float32Array([1, 3, NaN, 1]);
    const maps = camHeatmaps(acts, new Float32Array([1, 1]), 'channel', shape, { outputSize: [1, 4] });
    // [1, 3] -> 1x4 with half-pixel centres: s = -0.25, 0.25, 0.75, 1.25 -> [1, 1.5, 2.5, 3] -> [0, .25, .75, 1]
    assertArraysClose(maps[0].heatmap, [0, 0.25, 0.75, 1], 1e-6, 0);
    assertArraysClose(maps[0].layerMap, [1, 3], 0, 0);
    assert.equal(maps[0].defect, null);
    assert.equal(maps[1].defect, 'nonFinite');
    assertArraysClose(maps[1].heatmap, [0, 0, 0, 0], 0, 0);
    const raw = camHeatmaps(acts.subarray(0, 2), new Float32Array([1]), 'channel', { n: 1, h: 1, w: 2, c: 1 }, { outputSize: [1, 4], normalise: 'none' });
    assertArraysClose(raw[0].heatmap, [1, 1.5, 2.5, 3], 1e-6, 0);
  });
});
