import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { matchSnapshot, roundForSnapshot, snapshotDir } from './snapshot';
import { skipOrFailInCI } from '../helpers';

describe('widgets/snapshot helper', () => {
  it('rounds numbers to 6 significant digits and sorts keys', () => {
    assert.deepEqual(roundForSnapshot({ b: 0.1 + 0.2, a: [1 / 3, new Float32Array([0.1])], c: undefined, d: NaN }), {
      a: [0.333333, [0.1]], b: 0.3, d: 'NaN',
    });
    assert.deepEqual(Object.keys(roundForSnapshot({ z: 1, a: 2 }) as object), ['a', 'z']);
  });

  it('writes a missing snapshot outside CI, matches it, and fails on a change', function () {
    if (process.env.UPDATE_SNAPSHOTS === '1') skipOrFailInCI(this, 'UPDATE_SNAPSHOTS=1: update mode never compares');
    const name = `__selftest-${process.pid}`;
    const file = path.join(snapshotDir, `${name}.json`);
    try {
      assert.equal(matchSnapshot(name, { x: 1.0000001 }, { ci: false }), 'written');
      assert.equal(matchSnapshot(name, { x: 1 }, { ci: false }), 'matched', 'equal after rounding');
      assert.throws(() => matchSnapshot(name, { x: 2 }, { ci: false }), /snapshot __selftest-\d+ changed/);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('under CI=true a missing snapshot fails instead of writing itself', () => {
    const name = `__selftest-ci-${process.pid}`;
    const file = path.join(snapshotDir, `${name}.json`);
    assert.throws(() => matchSnapshot(name, { x: 1 }, { ci: true }), /snapshot __selftest-ci-\d+ is missing .*under CI=true/);
    assert.equal(fs.existsSync(file), false, 'nothing written');
  });
});
