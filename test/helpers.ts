import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Asserts two numeric arrays have equal length and agree within `atol + rtol * |expected|` elementwise. */
export function assertArraysClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-5, rtol = 1e-5, what = 'arrays'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
  let worst = -1, worstErr = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= atol + rtol * Math.abs(expected[i]))) {
      if (worst < 0 || err > worstErr) { worst = i; worstErr = err; }
    }
  }
  if (worst >= 0) {
    assert.fail(`${what}: element ${worst} differs: ${actual[worst]} vs ${expected[worst]} (|diff| ${worstErr}, atol ${atol}, rtol ${rtol})`);
  }
}

/** Largest absolute difference between two arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** True under `CI=true`, where every test must run: a test that cannot run fails, saying why. */
export const IN_CI = process.env.CI === 'true';

/**
 * Skips the running test or hook because of `reason` (printed), except under `CI=true`, where it
 * fails with that reason instead: no test is skipped silently in CI.
 * @param ctx the mocha context (`this` in a `function () {}` test or hook)
 * @param reason what is missing and how to provide it
 */
export function skipOrFailInCI(ctx: Mocha.Context, reason: string): never {
  if (IN_CI) throw new Error(`this test cannot run, and under CI=true that is a failure: ${reason}`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}

/**
 * A fresh temporary folder for the enclosing `describe`: made in a `before` hook, removed with its
 * contents in an `after` hook.
 * @param prefix the folder name's prefix
 * @returns a function giving the folder's path (valid inside tests and later hooks)
 */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });
  return () => dir;
}
