import * as assert from 'node:assert/strict';
import { imageSeed } from '../../src/extract/seeds';

describe('extract/seeds', () => {
  it('is a pure function of seed and index, distinct across both', () => {
    assert.equal(imageSeed(7, 123), imageSeed(7, 123));
    const seen = new Set<number>();
    for (let s = 0; s < 10; s++) for (let i = 0; i < 1000; i++) seen.add(imageSeed(s, i));
    assert.equal(seen.size, 10000);
    for (let i = 0; i < 100; i++) assert.ok(Number.isInteger(imageSeed(-5, i)) && imageSeed(-5, i) >= 0 && imageSeed(-5, i) < 2 ** 32);
  });

  it('rejects non-integers', () => {
    assert.throws(() => imageSeed(1.5, 0), /seed must be an integer/);
    assert.throws(() => imageSeed(1, -1), /non-negative/);
  });
});
