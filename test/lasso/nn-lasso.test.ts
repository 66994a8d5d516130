import * as assert from 'node:assert/strict';
import { gramAndCross, nnLassoGram, nnLassoKktViolation } from '../../src/lasso/nn-lasso';
import { rng } from '../../src/util/rng';
import { assertArraysClose } from '../helpers';

/** Objective (1/2)||y - Xw||^2 + lambda sum w, with X row-major n x p. */
function objective(x: number[], y: number[], w: ArrayLike<number>, lambda: number): number {
  const n = y.length, p = w.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let r = y[i];
    for (let j = 0; j < p; j++) r -= x[i * p + j] * w[j];
    loss += r * r;
  }
  let pen = 0;
  for (let j = 0; j < p; j++) pen += w[j];
  return loss / 2 + lambda * pen;
}

/**
 * Brute force over active sets: for each subset S, solve G_SS w_S = b_S - lambda; keep the one
 * that is feasible (w_S > 0) and optimal (gradient >= 0 off S). Unique when G is positive definite.
 */
function bruteForce(gram: Float64Array, b: Float64Array, lambda: number): Float64Array {
  const p = b.length;
  for (let s = 0; s < 1 << p; s++) {
    const S = Array.from({ length: p }, (_, j) => j).filter((j) => s & (1 << j));
    const m = S.length;
    // Gaussian elimination on the m x m system.
    const a = S.map((j) => [...S.map((k) => gram[j * p + k]), b[j] - lambda]);
    let ok = true;
    for (let c = 0; c < m && ok; c++) {
      let piv = c;
      for (let r = c + 1; r < m; r++) if (Math.abs(a[r][c]) > Math.abs(a[piv][c])) piv = r;
      if (Math.abs(a[piv][c]) < 1e-12) { ok = false; break; }
      [a[c], a[piv]] = [a[piv], a[c]];
      for (let r = 0; r < m; r++) {
        if (r === c) continue;
        const f = a[r][c] / a[c][c];
        for (let k = c; k <= m; k++) a[r][k] -= f * a[c][k];
      }
    }
    if (!ok) continue;
    const w = new Float64Array(p);
    S.forEach((j, r) => { w[j] = a[r][m] / a[r][r]; });
    if (S.some((j) => w[j] <= 0)) continue;
    if (nnLassoKktViolation(gram, b, lambda, w) < 1e-9) return w;
  }
  throw new Error('bruteForce: no solution found');
}

describe('ablation/nn-lasso', () => {
  it('solves an orthonormal (Hadamard) design in closed form: w_j = max(0, x_j^T y - lambda)', () => {
    // Columns h_j of H/2 are orthonormal. y = 3 h1 + 0.5 h2 - 2 h3 + 1.5 h4, so X^T y = [3, 0.5, -2, 1.5]
    // and with lambda = 1 the solution is [2, 0, 0, 0.5] (checked by hand).
    const H = [[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]];
    const x = H.flatMap((row) => row.map((v) => v / 2));
    const coef = [3, 0.5, -2, 1.5];
    const y = H.map((row) => row.reduce((s, v, j) => s + (v / 2) * coef[j], 0));
    const { gram, xty } = gramAndCross(x, y, 4);
    assertArraysClose(gram, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-12);
    assertArraysClose(xty, coef, 1e-12);
    const r = nnLassoGram(gram, xty, 1);
    assert.ok(r.converged);
    assertArraysClose(r.weights, [2, 0, 0, 0.5], 1e-12);
    // lambda = 0 gives the non-negative least squares [3, 0.5, 0, 1.5]; lambda >= 3 gives all zeros.
    assertArraysClose(nnLassoGram(gram, xty, 0).weights, [3, 0.5, 0, 1.5], 1e-12);
    assertArraysClose(nnLassoGram(gram, xty, 3).weights, [0, 0, 0, 0], 0);
  });

  it('satisfies the KKT conditions and matches an active-set brute force on random correlated problems', () => {
    const r = rng(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 12, p = 5;
      const x: number[] = [];
      for (let i = 0; i < n; i++) {
        const common = r.normal();
        for (let j = 0; j < p; j++) x.push(r.normal() + 0.7 * common); // correlated columns
      }
      const y = Array.from({ length: n }, (_, i) => x[i * p] * 1.5 - x[i * p + 2] + 0.3 * r.normal());
      const lambda = 0.5 + 3 * r.next();
      const { gram, xty } = gramAndCross(x, y, n);
      const sol = nnLassoGram(gram, xty, lambda, { tolerance: 1e-10 });
      assert.ok(sol.converged, `trial ${trial} did not converge`);
      assert.ok(nnLassoKktViolation(gram, xty, lambda, sol.weights) <= 1e-10);
      for (const w of sol.weights) assert.ok(w >= 0);
      assertArraysClose(sol.weights, bruteForce(gram, xty, lambda), 1e-7, 1e-7, `trial ${trial}`);
      // No feasible perturbation improves the objective.
      const f0 = objective(x, y, sol.weights, lambda);
      for (let j = 0; j < p; j++) {
        for (const d of [1e-3, -1e-3]) {
          const w = Array.from(sol.weights);
          w[j] = Math.max(0, w[j] + d);
          assert.ok(objective(x, y, w, lambda) >= f0 - 1e-12);
        }
      }
    }
  });

  it('gives zero weight to an all-zero feature and accepts a warm start without mutating it', () => {
    const gram = [2, 0, 0, 0], b = [4, 0];
    const init = [1, 1];
    const r = nnLassoGram(gram, b, 1, { initial: init });
    assert.ok(r.converged);
    assertArraysClose(r.weights, [1.5, 0], 1e-12);
    assert.deepEqual(init, [1, 1]);
  });

  it('rejects bad input with clear messages', () => {
    assert.throws(() => nnLassoGram([1, 0, 0], [1, 1], 1), /Gram matrix must be 2 x 2 = 4 long/);
    assert.throws(() => nnLassoGram([1], [1], -1), /lambda must be a finite number >= 0, got -1/);
    assert.throws(() => nnLassoGram([-1], [1], 1), /Gram diagonal G\[0,0\] = -1 must be >= 0/);
    assert.throws(() => nnLassoGram([1], [1], 1, { initial: [-2] }), /initial\[0\] = -2 must be >= 0/);
    assert.throws(() => nnLassoGram([0], [1], 1), /G\[0,0\] = 0 \(an all-zero feature\) but b\[0\] = 1/);
  });
});
