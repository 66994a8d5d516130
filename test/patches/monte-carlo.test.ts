import * as assert from 'node:assert/strict';
import { monteCarloPatches } from '../../src/patches/monte-carlo';
import type { Heatmap } from '../../src/patches/heatmap';
import { rng } from '../../src/util/rng';

function blob(width: number, height: number, boxes: { x: number; y: number; s: number; v: number }[]): Heatmap {
  const data = new Float32Array(width * height);
  for (const b of boxes) for (let y = b.y; y < b.y + b.s; y++) for (let x = b.x; x < b.x + b.s; x++) data[y * width + x] = b.v;
  return { data, width, height };
}

function randomMap(seed: number, width: number, height: number): Heatmap {
  const r = rng(seed);
  return { data: Float32Array.from({ length: width * height }, () => r.next()), width, height };
}

describe('patches/monte-carlo', () => {
  it('finds a hot square and then a second, weaker one after suppression', () => {
    const h = blob(28, 28, [{ x: 3, y: 4, s: 7, v: 1 }, { x: 18, y: 17, s: 7, v: 0.5 }]);
    const w = monteCarloPatches(h, { seed: 3, rounds: 2 });
    assert.equal(w.length, 2);
    assert.deepEqual([w[0].x, w[0].y, w[0].size, w[0].score], [3, 4, 7, 1]);
    assert.deepEqual([w[1].x, w[1].y, w[1].size], [18, 17, 7]);
    assert.ok(Math.abs(w[1].score - 0.5) < 1e-6);
  });

  it('reports the window mean of the map as it was when the window was chosen', () => {
    const h = randomMap(5, 20, 16);
    const [first] = monteCarloPatches(h, { seed: 1, windowSize: 6, rounds: 1 });
    let s = 0;
    for (let y = first.y; y < first.y + 6; y++) for (let x = first.x; x < first.x + 6; x++) s += h.data[y * 20 + x];
    assert.ok(Math.abs(first.score - s / 36) < 1e-6);
  });

  it('keeps every window inside the image, for many sizes and seeds', () => {
    for (let seed = 0; seed < 20; seed++) {
      const W = 10 + seed, H = 30 - seed;
      const h = randomMap(seed, W, H);
      for (const size of [1, 3, Math.min(W, H)]) {
        for (const w of monteCarloPatches(h, { seed, windowSize: size, samples: 50, inset: 0 })) {
          assert.ok(w.x >= 0 && w.y >= 0 && w.x + w.size <= W && w.y + w.size <= H, `window ${JSON.stringify(w)} outside ${W}x${H}`);
        }
      }
    }
  });

  it('is repeatable for a seed and depends on it', () => {
    const h = randomMap(9, 28, 28);
    assert.deepEqual(monteCarloPatches(h, { seed: 4 }), monteCarloPatches(h, { seed: 4 }));
    assert.notDeepEqual(monteCarloPatches(h, { seed: 4, samples: 5 }), monteCarloPatches(h, { seed: 5, samples: 5 }));
  });

  it('never modifies the heatmap', () => {
    const h = randomMap(2, 28, 28);
    const copy = Float32Array.from(h.data);
    monteCarloPatches(h, { seed: 1 });
    assert.deepEqual(h.data, copy);
  });

  it('stops when the heatmap is exhausted', () => {
    const h = blob(28, 28, [{ x: 0, y: 0, s: 7, v: 1 }]);
    // inset 0 zeroes the whole window: after one round nothing positive is left
    assert.equal(monteCarloPatches(h, { seed: 1, inset: 0 }).length, 1);
  });

  it('gives no windows for all-zero or NaN heatmaps', () => {
    assert.deepEqual(monteCarloPatches({ data: new Float32Array(784), width: 28, height: 28 }), []);
    const nan = new Float32Array(784).fill(0.5); nan[10] = NaN;
    assert.deepEqual(monteCarloPatches({ data: nan, width: 28, height: 28 }), []);
  });

  it('rejects bad parameters with a clear message', () => {
    const h = randomMap(1, 8, 8);
    assert.throws(() => monteCarloPatches(h, { windowSize: 9 }), /windowSize must be an integer in \[1, 8\]/);
    assert.throws(() => monteCarloPatches(h, { windowSize: 4, inset: 2 }), /inset must be/);
    assert.throws(() => monteCarloPatches(h, { samples: 0 }), /samples must be/);
  });
});
