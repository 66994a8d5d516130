import * as assert from 'node:assert/strict';
import { formatNumber, formatValue } from '../../src/widgets';

describe('widgets/format', () => {
  it('formats integers with grouping and non-integers to 4 significant digits', () => {
    assert.equal(formatNumber(1234567), '1,234,567');
    assert.equal(formatNumber(-42), '−42');
    assert.equal(formatNumber(0.45671234), '0.4567');
    assert.equal(formatNumber(71.59123), '71.59');
    assert.equal(formatNumber(12345.678), '12,350');
    assert.equal(formatNumber(0.5), '0.5');
    assert.equal(formatNumber(1.5e-7), '1.5e-7');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(-Infinity), '−∞');
    assert.equal(formatNumber(2 / 3, 2), '0.67');
  });

  it('formats arrays, typed arrays and sets as items joined by a middle dot', () => {
    assert.equal(formatValue([12, 40, 7]), '12 · 40 · 7');
    assert.equal(formatValue(new Int32Array([1, 2])), '1 · 2');
    assert.equal(formatValue(new Set([3, 1])), '3 · 1');
    assert.equal(formatValue([1, 2, 3, 4], { maxArrayItems: 2 }), '1 · 2 · … 2 more');
  });

  it('formats null, dates, booleans, bigints and objects', () => {
    assert.equal(formatValue(null), '');
    assert.equal(formatValue(undefined), '');
    assert.equal(formatValue(true), 'true');
    assert.equal(formatValue(new Date(Date.UTC(2020, 0, 2))), '2020-01-02T00:00:00.000Z');
    assert.equal(formatValue(12345n), '12,345');
    assert.equal(formatValue({ a: 1 }), '{"a":1}');
  });
});
