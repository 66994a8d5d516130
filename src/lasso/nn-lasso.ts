/**
 * Non-negative lasso by cyclic coordinate descent on the Gram matrix - the solver behind the VEBI
 * baseline (docs/method.md, "Evaluation"). Pure: no tfjs.
 *
 * Problem (one right-hand side):
 *
 *     minimise_w  (1/2) w^T G w - b^T w + lambda * sum_j w_j   subject to  w >= 0,
 *
 * which is `(1/2) ||y - X w||^2 + lambda ||w||_1` with `G = X^T X` and `b = X^T y` (the constant
 * `||y||^2 / 2` dropped). Callers that want the per-sample scaling `(1/(2n)) ||y - Xw||^2` pass
 * `G / n` and `b / n`. With an orthonormal design (`G = I`) the solution is
 * `w_j = max(0, b_j - lambda)`, which the tests check.
 *
 * Coordinate update (exact minimisation over `w_j` with the others fixed):
 * `w_j <- max(0, (b_j - sum_{k != j} G_jk w_k - lambda) / G_jj)`; a column with `G_jj = 0`
 * (a feature that is identically zero) gets `w_j = 0`.
 */

/** Options of {@link nnLassoGram}. */
export interface NnLassoOptions {
  /** Stop when the largest KKT violation ({@link nnLassoKktViolation}) is at most this. Default 1e-7. */
  tolerance?: number;
  /** Maximum number of full sweeps over the coordinates. Default 10000. */
  maxSweeps?: number;
  /** Starting point (warm start), length p, non-negative. Default all zeros. Not mutated. */
  initial?: ArrayLike<number>;
}

const defaults = { tolerance: 1e-7, maxSweeps: 10000 };

/** The result of {@link nnLassoGram}. */
export interface NnLassoResult {
  /** The weights, length p, all >= 0. */
  weights: Float64Array;
  /** Full sweeps performed. */
  sweeps: number;
  /** Whether the KKT tolerance was reached within `maxSweeps`. */
  converged: boolean;
  /** The largest KKT violation at the returned weights. */
  kktViolation: number;
}

function checkProblem(gram: ArrayLike<number>, b: ArrayLike<number>, lambda: number, what: string): number {
  const p = b.length;
  if (gram.length !== p * p) throw new Error(`${what}: Gram matrix must be ${p} x ${p} = ${p * p} long to match b (length ${p}), got ${gram.length}`);
  if (!(Number.isFinite(lambda) && lambda >= 0)) throw new Error(`${what}: lambda must be a finite number >= 0, got ${lambda}`);
  for (let j = 0; j < p; j++) {
    if (!(gram[j * p + j] >= 0)) throw new Error(`${what}: Gram diagonal G[${j},${j}] = ${gram[j * p + j]} must be >= 0 (G = X^T X)`);
    // A zero column of X has G_jj = 0 and b_j = 0; anything else is not a least-squares problem.
    if (gram[j * p + j] === 0 && b[j] !== 0) throw new Error(`${what}: G[${j},${j}] = 0 (an all-zero feature) but b[${j}] = ${b[j]}; expected 0 (G = X^T X, b = X^T y)`);
  }
  return p;
}

/**
 * The largest violation of the KKT conditions of the non-negative lasso at `w`: with gradient
 * `g = G w - b + lambda`, optimality is `g_j = 0` where `w_j > 0` and `g_j >= 0` where `w_j = 0`;
 * this returns `max_j` of `|g_j|` (for `w_j > 0`), `max(0, -g_j)` (for `w_j = 0`), and `-w_j`
 * (a negative weight is infeasible).
 * @param gram row-major p x p matrix `X^T X`
 * @param b `X^T y`, length p
 * @param lambda the L1 penalty, >= 0
 * @param w the point to check, length p
 */
export function nnLassoKktViolation(gram: ArrayLike<number>, b: ArrayLike<number>, lambda: number, w: ArrayLike<number>): number {
  const p = checkProblem(gram, b, lambda, 'nnLassoKktViolation');
  if (w.length !== p) throw new Error(`nnLassoKktViolation: w has length ${w.length}, expected ${p}`);
  let worst = 0;
  for (let j = 0; j < p; j++) {
    let g = lambda - b[j];
    for (let k = 0; k < p; k++) g += gram[j * p + k] * w[k];
    const v = w[j] < 0 ? -w[j] : w[j] > 0 ? Math.abs(g) : Math.max(0, -g);
    if (v > worst) worst = v;
  }
  return worst;
}

/**
 * Solves the non-negative lasso from its Gram form (see the module comment).
 * @param gram row-major p x p symmetric positive semi-definite matrix `X^T X`; not mutated
 * @param b `X^T y`, length p; not mutated
 * @param lambda L1 penalty >= 0
 * @param options see {@link NnLassoOptions}
 * @returns the weights and convergence facts
 * @throws if the sizes disagree, lambda is negative or not finite, a diagonal entry is negative,
 *   or the warm start is invalid
 */
export function nnLassoGram(gram: ArrayLike<number>, b: ArrayLike<number>, lambda: number, options: NnLassoOptions = {}): NnLassoResult {
  const p = checkProblem(gram, b, lambda, 'nnLassoGram');
  const tolerance = options.tolerance ?? defaults.tolerance;
  const maxSweeps = options.maxSweeps ?? defaults.maxSweeps;
  if (!(tolerance > 0)) throw new Error(`nnLassoGram: tolerance must be > 0, got ${tolerance}`);
  if (!(Number.isInteger(maxSweeps) && maxSweeps > 0)) throw new Error(`nnLassoGram: maxSweeps must be a positive integer, got ${maxSweeps}`);
  const w = new Float64Array(p);
  if (options.initial) {
    if (options.initial.length !== p) throw new Error(`nnLassoGram: initial has length ${options.initial.length}, expected ${p}`);
    for (let j = 0; j < p; j++) {
      if (!(options.initial[j] >= 0)) throw new Error(`nnLassoGram: initial[${j}] = ${options.initial[j]} must be >= 0`);
      w[j] = options.initial[j];
    }
  }
  // gw = G w, kept up to date so one coordinate update costs O(p).
  const gw = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    if (w[j] === 0) continue;
    for (let k = 0; k < p; k++) gw[k] += gram[k * p + j] * w[j];
  }
  const violation = (): number => {
    let worst = 0;
    for (let j = 0; j < p; j++) {
      const g = gw[j] - b[j] + lambda;
      const v = w[j] > 0 ? Math.abs(g) : Math.max(0, -g);
      if (v > worst) worst = v;
    }
    return worst;
  };
  let sweeps = 0;
  let kkt = violation();
  while (kkt > tolerance && sweeps < maxSweeps) {
    for (let j = 0; j < p; j++) {
      const gjj = gram[j * p + j];
      const old = w[j];
      const next = gjj > 0 ? Math.max(0, (b[j] - gw[j] + gjj * old - lambda) / gjj) : 0;
      const delta = next - old;
      if (delta !== 0) {
        w[j] = next;
        for (let k = 0; k < p; k++) gw[k] += gram[k * p + j] * delta;
      }
    }
    sweeps++;
    kkt = violation();
  }
  return { weights: w, sweeps, converged: kkt <= tolerance, kktViolation: kkt };
}

/**
 * `G = X^T X` and `B = X^T Y` of a row-major design `X` (n x p) and targets `Y` (n x q).
 * @param x row-major n x p
 * @param y row-major n x q
 * @param n rows
 * @returns `gram` (p x p) and `xty` (p x q), both row-major Float64Array
 * @throws if the lengths do not match n
 */
export function gramAndCross(x: ArrayLike<number>, y: ArrayLike<number>, n: number): { gram: Float64Array; xty: Float64Array; p: number; q: number } {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`gramAndCross: n must be a positive integer, got ${n}`);
  if (x.length % n !== 0 || y.length % n !== 0) throw new Error(`gramAndCross: X (${x.length}) and Y (${y.length}) lengths must be multiples of n = ${n}`);
  const p = x.length / n, q = y.length / n;
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p * q);
  for (let i = 0; i < n; i++) {
    const xo = i * p, yo = i * q;
    for (let j = 0; j < p; j++) {
      const xij = x[xo + j];
      if (xij === 0) continue;
      for (let k = j; k < p; k++) gram[j * p + k] += xij * x[xo + k];
      for (let c = 0; c < q; c++) xty[j * q + c] += xij * y[yo + c];
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) gram[j * p + k] = gram[k * p + j];
  return { gram, xty, p, q };
}
